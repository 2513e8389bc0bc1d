from oscar.apps.order import processing
from oscar.apps.payment.exceptions import PaymentError

from shop.order import statuses


class EventHandler(processing.EventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        """Cancelling an order first cancels its open PaymentIntent, so the customer can no longer pay it."""
        if new_status == statuses.CANCELLED:
            from shop.payment import payments

            try:
                payments.cancel_open_payment(order)
            except payments.PaymentNotCancelled as error:
                raise PaymentError(str(error)) from error
        super().handle_order_status_change(order, new_status, note_msg=note_msg)
