"""Refunding online payments: staff ask Stripe, and the refund counts only when Stripe confirms it."""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.order import statuses
from shop.payment import gateway, payments
from shop.payment.models import OnlinePayment, Refund, RefundLine

logger = logging.getLogger("aidmarket.payment")

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

REFUNDED_EVENT = "Refunded"
CENT = Decimal("0.01")


class RefundNotPossible(Exception):
    """The refund cannot be asked for; the message is meant for staff."""


def paid_payment(order) -> OnlinePayment | None:
    return order.online_payments.filter(status=OnlinePayment.Status.SUCCEEDED).first()


def _line_value(line) -> Decimal:
    return line.line_price_incl_tax


def refundable(order) -> dict:
    """Per line, the quantity and money not yet refunded or on their way; plus the order's money left."""
    taken = RefundLine.objects.not_failed().filter(line__order=order).totals_by_line()
    lines = {}
    for line in order.lines.all():
        row = taken.get(line.pk, {"quantity": 0, "amount": Decimal("0")})
        lines[line.pk] = {
            "line": line,
            "quantity": line.quantity - row["quantity"],
            "amount": _line_value(line) - row["amount"],
        }
    asked = order.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"] or 0
    payment = paid_payment(order)
    money_left = (payment.amount if payment else Decimal("0")) - asked
    return {"lines": lines, "money_left": money_left}


def _amount_for(entry: dict, quantity: int) -> Decimal:
    if quantity == entry["quantity"]:
        return entry["amount"]  # the last units take what is left, so rounding never strands a fen
    unit = _line_value(entry["line"]) / entry["line"].quantity
    return (unit * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def request_refund(order, *, quantities: dict[int, int] | None = None, requested_by=None) -> Refund:
    """Ask Stripe to refund the whole remaining payment (quantities=None) or the given line quantities."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        payment = paid_payment(order)
        if payment is None:
            raise RefundNotPossible(_("This order has no confirmed online payment to refund."))
        left = refundable(order)
        if quantities is None:
            parts = {pk: entry["quantity"] for pk, entry in left["lines"].items() if entry["quantity"] > 0}
            amounts = {pk: left["lines"][pk]["amount"] for pk in parts}
            amount = left["money_left"]
        else:
            parts = {pk: qty for pk, qty in quantities.items() if qty}
            if not parts:
                raise RefundNotPossible(_("Choose at least one line quantity to refund."))
            amounts = {}
            for pk, qty in parts.items():
                entry = left["lines"].get(pk)
                if entry is None or qty < 0 or qty > entry["quantity"]:
                    raise RefundNotPossible(_("Cannot refund more than was bought and not yet refunded."))
                amounts[pk] = _amount_for(entry, qty)
            amount = sum(amounts.values(), Decimal("0"))
        if amount <= 0 or amount > left["money_left"]:
            raise RefundNotPossible(_("Nothing is left to refund on this order."))
        refund = Refund.objects.create(
            order=order,
            payment=payment,
            amount=amount,
            currency=payment.currency,
            is_full=amount == left["money_left"],
            requested_by=requested_by,
        )
        RefundLine.objects.bulk_create(
            [
                RefundLine(refund=refund, line_id=pk, quantity=qty, amount=amounts[pk])
                for pk, qty in parts.items()
            ]
        )

    try:
        answer = gateway.create_refund(
            payment_intent=payment.intent_id,
            amount_minor=payments.to_minor_units(amount),
            refund_reference=str(refund.pk),
            order_number=order.number,
        )
    except gateway.GatewayError as error:
        Refund.objects.filter(pk=refund.pk, status=Refund.Status.REQUESTED).update(
            status=Refund.Status.FAILED, failure_reason=str(error)[:255]
        )
        raise RefundNotPossible(_("Stripe did not accept the refund: %(reason)s") % {"reason": error})
    Refund.objects.filter(pk=refund.pk, stripe_refund_id__isnull=True).update(stripe_refund_id=answer["id"])
    refund.refresh_from_db()
    return refund


def _find(refund_object: dict) -> Refund | None:
    reference = (refund_object.get("metadata") or {}).get("refund_reference", "")
    found = Refund.objects.filter(stripe_refund_id=refund_object.get("id") or "").first()
    if found is None and reference.isdigit():
        found = Refund.objects.filter(pk=int(reference), stripe_refund_id__isnull=True).first()
    return found


def apply_stripe_refund(refund_object: dict) -> bool:
    """Record a refund Stripe reports as succeeded (or failed); returns False when there was nothing to do."""
    found = _find(refund_object)
    if found is None:
        # A refund made outside the shop (e.g. in Stripe's dashboard) is not ours to book.
        logger.warning("Ignoring Stripe refund %s, which the shop did not ask for", refund_object.get("id"))
        return False
    order = Order.objects.select_for_update().get(pk=found.order_id)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=found.pk)
    if refund.status != Refund.Status.REQUESTED:
        return False
    if refund_object.get("payment_intent") not in (None, refund.payment.intent_id):
        raise payments.Refused(f"refund {refund_object.get('id')} is for another PaymentIntent")
    if refund_object.get("amount") != payments.to_minor_units(refund.amount):
        raise payments.Refused(f"refund {refund_object.get('id')} amount differs from refund {refund.pk}")
    if str(refund_object.get("currency") or "").upper() != refund.currency:
        raise payments.Refused(f"refund {refund_object.get('id')} currency differs from refund {refund.pk}")

    stripe_status = refund_object.get("status")
    refund.stripe_refund_id = refund_object["id"]
    if stripe_status in ("failed", "canceled"):
        refund.status = Refund.Status.FAILED
        refund.failure_reason = (refund_object.get("failure_reason") or stripe_status)[:255]
        refund.save()
        return True
    if stripe_status != "succeeded":
        refund.save(update_fields=["stripe_refund_id"])
        return False

    refund.status = Refund.Status.SUCCEEDED
    refund.confirmed_at = timezone.now()
    refund.save()
    source = Source.objects.filter(order=order, reference=refund.payment.intent_id).first()
    if source is not None:
        source.refund(refund.amount, reference=refund.stripe_refund_id, status="succeeded")
    event_type, _created = PaymentEventType.objects.get_or_create(name=REFUNDED_EVENT)
    event = PaymentEvent.objects.create(
        order=order, amount=refund.amount, reference=refund.stripe_refund_id, event_type=event_type
    )
    PaymentEventQuantity.objects.bulk_create(
        [
            PaymentEventQuantity(event=event, line_id=part.line_id, quantity=part.quantity)
            for part in refund.lines.all()
        ]
    )
    confirmed = order.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"]
    if confirmed >= refund.payment.amount and statuses.REFUNDED in order.available_statuses():
        order.set_status(statuses.REFUNDED)
    return True


def apply_charge_refunded(charge: dict) -> int:
    """charge.refunded: book every refund of the charge Stripe lists as settled; returns how many changed."""
    intent_id = charge.get("payment_intent")
    if not intent_id or not OnlinePayment.objects.filter(intent_id=intent_id).exists():
        raise payments.Refused(f"charge {charge.get('id')} belongs to an unknown PaymentIntent")
    listed = (charge.get("refunds") or {}).get("data")
    if listed is None:
        # Recent API versions leave refunds out of the charge: ask Stripe for them.
        listed = gateway.list_refunds(payment_intent=intent_id)
    return sum(1 for refund_object in listed if apply_stripe_refund(refund_object))
