"""Bank transfers against an invoice: staff record the money that arrived, and the order becomes paid."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.checkout import payment_methods
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.institutions.models import PaymentRecord
from shop.order import statuses

Order = get_model("order", "Order")
Source = get_model("payment", "Source")

AWAITING = (statuses.PENDING_PAYMENT, statuses.PAYMENT_FAILED)


def record_bank_transfer(
    order, *, amount: Decimal, paid_on: datetime.date, reference: str, recorded_by
) -> PaymentRecord:
    """Record a received transfer; once the order total is covered the order is paid."""
    if not recorded_by.is_staff:
        raise NotPermitted(_("Only staff record payments."))
    if amount <= 0:
        raise InvalidInput(_("The amount must be positive."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.payment_method != payment_methods.BANK_TRANSFER:
            raise InvalidState(_("This order is not paid by bank transfer."))
        if locked.status not in AWAITING:
            raise InvalidState(_("This order is not awaiting payment."))
        record = PaymentRecord.objects.create(
            order=locked, amount=amount, paid_on=paid_on, reference=reference, recorded_by=recorded_by
        )
        source = Source.objects.filter(order=locked, source_type__code=payment_methods.BANK_TRANSFER).first()
        if source is not None:
            source.debit(amount, reference=reference)
        received = PaymentRecord.objects.filter(order=locked).aggregate(total=Sum("amount"))["total"]
        if received >= locked.total_incl_tax:
            locked.set_status(statuses.PAID)
            locked.paid_at = timezone.now()
            locked.save(update_fields=["paid_at"])
    return record


def awaiting_bank_transfer():
    return Order.objects.filter(payment_method=payment_methods.BANK_TRANSFER, status__in=AWAITING)
