"""Refunds as the quota sees them: money returned for an order line, deducted from the counted value.

Whoever refunds money (the Stripe gateway, staff refunding a bank transfer) calls record() once per
line with the amount returned for that line; quotas.counted_lines() subtracts the sum per line.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.core.exceptions import InvalidInput, LimitExceeded
from shop.institutions.models import LineRefund


def record(line, *, amount: Decimal, reference: str = "", refunded_at=None) -> LineRefund:
    """Record that `amount` of `line`'s total was refunded; refuses more than the line's total."""
    amount = Decimal(amount)
    if amount <= 0:
        raise InvalidInput(_("A refund must be a positive amount."))
    with transaction.atomic():
        # Lock the line so that two refunds recorded at once cannot together exceed its total.
        locked = type(line).objects.select_for_update().get(pk=line.pk)
        already = LineRefund.objects.filter(line=locked).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if already + amount > locked.line_price_incl_tax:
            raise LimitExceeded(_("The refunds would exceed the line total."))
        return LineRefund.objects.create(
            line=locked, amount=amount, reference=reference, refunded_at=refunded_at or timezone.now()
        )
