"""Refunds as the quota sees them: money returned for an order line, deducted from the counted value.

Whoever refunds money (the Stripe gateway, staff refunding a bank transfer) calls record() once per
line with the amount returned for that line; quotas.counted_lines() subtracts the sum per line
(order lines' `annotate_refunded()`, which reads these records and Stripe-confirmed refunds).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.checkout import payment_methods
from shop.core import dates
from shop.core.exceptions import InvalidInput, InvalidState, LimitExceeded
from shop.institutions import ledger
from shop.institutions.models import LineRefund
from shop.order import statuses

Line = get_model("order", "Line")
OrderNote = get_model("order", "OrderNote")


def refundable(line) -> Decimal:
    """What is left to refund of a line: its total minus every refund recorded or confirmed for it."""
    return Line.objects.filter(pk=line.pk).annotate_refunded().values_list("net", flat=True).get()


def record(line, *, amount: Decimal, reference: str = "", refunded_at=None, recorded_by=None) -> LineRefund:
    """Record that `amount` of `line`'s total was refunded; refuses more than is left to refund of it."""
    amount = Decimal(amount)
    if amount <= 0:
        raise InvalidInput(_("A refund must be a positive amount."))
    with transaction.atomic():
        # Lock the line so that two refunds recorded at once cannot together exceed its total.
        locked = type(line).objects.select_for_update().get(pk=line.pk)
        if amount > refundable(locked):
            raise LimitExceeded(_("The refunds would exceed the line total."))
        refund = LineRefund.objects.create(
            line=locked,
            amount=amount,
            reference=reference,
            refunded_at=refunded_at or timezone.now(),
            recorded_by=recorded_by,
        )
        ledger.schedule_orders([locked.order_id])
        return refund


def record_bank_refund(
    line, *, amount: Decimal, reference: str, refunded_on: datetime.date, recorded_by
) -> LineRefund:
    """Staff record money returned by bank transfer for one line of an order paid by bank transfer.

    The refund counts like a Stripe refund (the line's counted value falls by the amount) and the order
    keeps a note of who recorded what.
    """
    order = line.order
    if order.payment_method != payment_methods.BANK_TRANSFER:
        raise InvalidState(
            _(
                "Only an order paid by bank transfer is refunded here; online payments are refunded through Stripe."
            )
        )
    if order.status not in statuses.PAID_STATUSES:
        raise InvalidState(_("This order has not been paid, so there is nothing to refund."))
    if not reference.strip():
        raise InvalidInput(_("Give the bank reference of the refund transfer."))
    if refunded_on > dates.today():
        raise InvalidInput(_("The refund date cannot be in the future."))
    if refunded_on < dates.date_of(order.date_placed):
        raise InvalidInput(_("The refund date cannot be before the order was placed."))
    amount = Decimal(amount)
    with transaction.atomic():
        left = refundable(type(line).objects.select_for_update().get(pk=line.pk))
        if amount > left:
            raise LimitExceeded(
                _("At most %(left)s is left to refund for this line.") % {"left": f"¥{left:,.2f}"}
            )
        refund = record(
            line,
            amount=amount,
            reference=reference.strip(),
            refunded_at=dates.at(refunded_on, datetime.time(12)),
            recorded_by=recorded_by,
        )
        OrderNote.objects.create(
            order=order,
            user=recorded_by,
            note_type=OrderNote.SYSTEM,
            message=_(
                "Bank refund of %(amount)s recorded for line %(line)s (%(title)s), reference %(reference)s."
            )
            % {
                "amount": f"¥{amount:,.2f}",
                "line": line.pk,
                "title": line.title,
                "reference": refund.reference,
            },
        )
    return refund


def transfer_refunds(order):
    """The refunds recorded by the shop for an order's lines, oldest first."""
    return LineRefund.objects.filter(line__order=order).select_related("line", "recorded_by")
