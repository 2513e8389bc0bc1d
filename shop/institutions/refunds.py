"""Refunds as the quota sees them: money returned for an order line, deducted from the counted value.

Whoever refunds money outside Stripe (staff returning a bank transfer) calls record() once per line with
the amount returned for that line; Stripe-confirmed refunds are payment.RefundLine rows. Both are read by
`Line.objects.annotate_refunded()`, so the ledger subtracts them alike.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, LimitExceeded, NotPermitted
from shop.institutions.models import LineRefund
from shop.order import statuses
from shop.payment import methods

Line = get_model("order", "Line")


def refundable(line) -> Decimal:
    """What may still be refunded for a line: its total after shop, bank-transfer and Stripe refunds."""
    return Line.objects.annotate_refunded().values_list("net", flat=True).get(pk=line.pk)


def record(line, *, amount: Decimal, reference: str = "", refunded_at=None, recorded_by=None) -> LineRefund:
    """Record that `amount` of `line`'s total was refunded; refuses more than is still refundable."""
    amount = Decimal(amount)
    if amount <= 0:
        raise InvalidInput(_("A refund must be a positive amount."))
    with transaction.atomic():
        # Lock the line so that two refunds recorded at once cannot together exceed its total.
        locked = Line.objects.select_for_update().get(pk=line.pk)
        left = refundable(locked)
        if amount > left:
            raise LimitExceeded(
                _("At most ¥%(left)s can still be refunded for “%(title)s”; ¥%(amount)s is too much.")
                % {"left": left, "title": locked.title, "amount": amount}
            )
        return LineRefund.objects.create(
            line=locked,
            amount=amount,
            reference=reference,
            refunded_at=refunded_at or timezone.now(),
            recorded_by=recorded_by,
        )


def record_bank_refund(
    line, *, amount: Decimal, reference: str, refunded_on: datetime.date, by
) -> LineRefund:
    """Staff record money returned to the buyer by bank transfer for one line of a paid order."""
    if not (by.is_staff and by.has_perm("order.change_order")):
        raise NotPermitted(_("Only staff record refunds."))
    order = line.order
    if order.payment_method == methods.STRIPE:
        raise InvalidState(_("This order was paid online: refund it through Stripe on the order page."))
    if order.status not in statuses.PAID_STATUSES:
        raise InvalidState(_("Only a paid order can be refunded."))
    if refunded_on > dates.today():
        raise InvalidInput(_("The refund date cannot be in the future."), code="refund_date")
    if refunded_on < dates.date_of(order.date_placed):
        raise InvalidInput(_("The refund date cannot be before the order was placed."), code="refund_date")
    return record(
        line,
        amount=amount,
        reference=reference.strip(),
        refunded_at=dates.at(refunded_on, datetime.time(12)),
        recorded_by=by,
    )


def transfer_refunds(order):
    """The refunds recorded by the shop for an order's lines, oldest first."""
    return LineRefund.objects.filter(line__order=order).select_related("line", "recorded_by")
