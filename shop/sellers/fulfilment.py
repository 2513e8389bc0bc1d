"""Sellers ship their own order lines; the customer is told the carrier and tracking number."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.checkout.payment_methods import CASH_ON_DELIVERY
from shop.core import mail
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.order import statuses
from shop.payment import disputes
from shop.payment.models import Dispute
from shop.sellers.access import partners_of

Line = get_model("order", "Line")
Order = get_model("order", "Order")


def lines_for(user):
    """Order lines of the user's sellers only, from orders that may be shipped or have been."""
    return (
        Line.objects.filter(partner__in=partners_of(user))
        .annotate(
            payment_disputed=Exists(Dispute.objects.holding_fulfilment().filter(order=OuterRef("order")))
        )
        .select_related("order", "product", "partner")
        .order_by("-order__date_placed", "pk")
    )


def is_shippable(order) -> bool:
    """Paid orders ship; cash-on-delivery orders ship before they are paid."""
    if order.status == statuses.PAID:
        return True
    return order.payment_method == CASH_ON_DELIVERY and order.status == statuses.PENDING_PAYMENT


def hold_reason(order) -> str | None:
    """Why the order's lines must not be shipped although it is paid (its payment is disputed), or None."""
    return disputes.fulfilment_hold(order)


def mark_shipped(lines, *, by, carrier: str, tracking_number: str) -> list:
    """Mark some of the user's own pending lines of one order shipped; the order follows once all are."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise InvalidInput(_("Carrier and tracking number are required."))
    pks = [line.pk for line in lines]
    with transaction.atomic():
        locked = list(
            Line.objects.select_for_update().filter(pk__in=pks, partner__in=partners_of(by)).order_by("pk")
        )
        if not locked or len(locked) != len(set(pks)):
            raise NotPermitted(_("Sellers ship only their own lines."))
        order_ids = {line.order_id for line in locked}
        if len(order_ids) != 1:
            raise InvalidInput(_("Ship the lines of one order at a time."))
        order = Order.objects.select_for_update().get(pk=order_ids.pop())
        hold = hold_reason(order)
        if hold:
            raise InvalidState(hold)
        if not is_shippable(order):
            raise InvalidState(_("This order cannot be shipped yet."))
        if any(line.status != statuses.LINE_PENDING for line in locked):
            raise InvalidState(_("Only lines awaiting shipment can be shipped."))
        now = timezone.now()
        Line.objects.filter(pk__in=pks).update(
            status=statuses.LINE_SHIPPED,
            shipping_carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=now,
        )
        still_pending = order.lines.filter(status=statuses.LINE_PENDING).exists()
        if not still_pending and order.status == statuses.PAID:
            order.set_status(statuses.SHIPPED)
    shipped = list(Line.objects.filter(pk__in=pks).select_related("order", "partner"))
    mail.send(
        [order.email],
        template="sellers/email/lines_shipped",
        context={
            "order": order,
            "lines": shipped,
            "carrier": carrier,
            "tracking_number": tracking_number,
            "fully_shipped": not still_pending,
        },
    )
    return shipped
