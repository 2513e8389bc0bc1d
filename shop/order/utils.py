from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.apps.order import utils
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from catalogue_ext import changes
from shop.core import mail
from shop.institutions import quotas

StockRecord = get_model("partner", "StockRecord")


class OrderNumberGenerator(utils.OrderNumberGenerator):
    pass


class OrderCreator(utils.OrderCreator):
    def place_order(self, *args, **kwargs):
        """Write the order, then re-index its products and invalidate their pages once, explicitly."""
        with changes.ours():
            order = super().place_order(*args, **kwargs)
        changes.order_stock_moved(order)
        return order

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        """Freeze the line's origin and its certification as they are at the moment of ordering."""
        fields = dict(extra_line_fields or {})
        fields.update(quotas.frozen_line_fields(basket_line.product))
        return super().create_line_models(order, basket_line, fields)

    def update_stock_records(self, line):
        """Allocate stock under a row lock, refusing to sell more than is available (the partner app's rule)."""
        if not line.product.get_product_class().track_stock:
            return  # untracked stock never runs out: nothing to allocate
        record = StockRecord.objects.select_for_update().get(pk=line.stockrecord_id)
        record.product = line.product  # the rule reads the product's class; spare the query
        if record.price is None:
            raise UnableToPlaceOrder(
                _("Sorry, “%(title)s” is no longer for sale.") % {"title": line.product.get_title()}
            )
        if not record.is_available(quantity=line.quantity):
            raise UnableToPlaceOrder(
                _("Sorry, only %(available)d of “%(title)s” are left in stock.")
                % {"available": max(record.net_stock_level, 0), "title": line.product.get_title()}
            )
        StockRecord.objects.filter(pk=record.pk).update(
            num_allocated=Coalesce(F("num_allocated"), 0) + line.quantity
        )


Dispatcher = get_class("communication.utils", "Dispatcher")


class MailDispatcher(Dispatcher):
    """Oscar's messages (order confirmation, …) rendered by Oscar, sent like every other shop e-mail."""

    def send_email_messages(self, recipient_email, messages, from_email=None, attachments=None):
        if attachments:  # none of ours has any; Oscar's own path keeps supporting them
            return super().send_email_messages(recipient_email, messages, from_email, attachments)
        mail.send_rendered(
            [recipient_email],
            subject=messages["subject"],
            body=messages["body"],
            html=messages["html"] or "",
            template="oscar/communication",
            from_email=from_email or settings.OSCAR_FROM_EMAIL,
        )
        # Oscar records what it sent (the customer's e-mail history) from the message it returns.
        return EmailMessage(messages["subject"], messages["body"], to=[recipient_email])


class OrderDispatcher(utils.OrderDispatcher):
    """Order confirmations go out through shop.core.mail: after the commit, retried, logged."""

    def __init__(self, logger=None, mail_connection=None):
        super().__init__(logger=logger, mail_connection=mail_connection)
        self.dispatcher = MailDispatcher(logger=logger, mail_connection=mail_connection)
