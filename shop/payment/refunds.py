"""Money returned on online payments, and how it enters the books.

Staff ask Stripe for a refund and it counts only when Stripe confirms it. A refund made in Stripe's
Dashboard, and money a card issuer takes back in a dispute, are booked the same way: a `Refund` with
one `RefundLine` per order line it covers, which is what quota figures and sales reports subtract.

Money that is not tied to units (a Dashboard refund, a chargeback) is spread over the order's lines
by `allocate()`: lines not yet shipped first, newest line first, each taking at most what is left of
its paid amount, to the fen. The money the lines cannot take (the shipping charge) stays on the
refund without a line.
"""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.core.money import CENT
from shop.institutions import ledger
from shop.order import statuses
from shop.payment import event_schema, gateway, payments
from shop.payment.models import OnlinePayment, Refund, RefundLine

logger = logging.getLogger("aidmarket.payment")

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

REFUNDED_EVENT = "Refunded"
CHARGEBACK_EVENT = "Chargeback"
REVERSED_EVENT = "Refund reversed"
REVERSAL_TRANSACTION = "Refund reversal"


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
    asked = order.refunds.standing().aggregate(total=Sum("amount"))["total"] or 0
    payment = paid_payment(order)
    money_left = (payment.amount if payment else Decimal("0")) - asked
    return {"lines": lines, "money_left": money_left}


def _amount_for(entry: dict, quantity: int) -> Decimal:
    if quantity == entry["quantity"]:
        return entry["amount"]  # the last units take what is left, so rounding never strands a fen
    unit = _line_value(entry["line"]) / entry["line"].quantity
    # Money refunded without units (Dashboard refunds, chargebacks) may have taken part of the line.
    return min((unit * quantity).quantize(CENT, rounding=ROUND_HALF_UP), entry["amount"])


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
        if Refund.objects.filter(pk=refund.pk, status=Refund.Status.REQUESTED).update(
            status=Refund.Status.FAILED, failure_reason=str(error)[:255]
        ):
            _record_history(refund, by=requested_by)
        raise RefundNotPossible(_("Stripe did not accept the refund: %(reason)s") % {"reason": error})
    if Refund.objects.filter(pk=refund.pk, stripe_refund_id__isnull=True).update(
        stripe_refund_id=answer["id"]
    ):
        _record_history(refund, by=requested_by)
    refund.refresh_from_db()
    return refund


def _record_history(refund, *, by) -> None:
    """The conditional updates above bypass save(): add their version to the refund's audit trail."""
    refund.refresh_from_db()
    Refund.history.bulk_history_create([refund], update=True, default_user=by)


def _find(refund_object: dict) -> Refund | None:
    reference = (refund_object.get("metadata") or {}).get("refund_reference", "")
    found = Refund.objects.filter(stripe_refund_id=refund_object["id"]).first()
    if found is None and reference.isdigit():
        found = Refund.objects.filter(
            pk=int(reference), kind=Refund.Kind.SHOP, stripe_refund_id__isnull=True
        ).first()
    return found


def _expandable_id(value) -> str:
    return value.get("id", "") if isinstance(value, dict) else (value or "")


def payment_for(*, intent_id: str = "", charge_id: str = "") -> OnlinePayment | None:
    """The shop's payment a Stripe object names, by PaymentIntent or else by charge."""
    if intent_id:
        return OnlinePayment.objects.filter(intent_id=intent_id).first()
    if charge_id:
        return OnlinePayment.objects.filter(charge_id=charge_id).first()
    return None


def apply_stripe_refund(refund_object: dict) -> bool:
    """Record a refund Stripe reports as succeeded (or failed); returns False when there was nothing to do."""
    found = _find(refund_object)
    if found is None:
        return _apply_external(refund_object)
    order = Order.objects.select_for_update().get(pk=found.order_id)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=found.pk)
    stripe_status = refund_object.get("status")
    if refund.status == Refund.Status.SUCCEEDED and stripe_status in ("failed", "canceled"):
        # A refund can fail after it succeeded (the card account was closed): the money is ours again.
        reverse(
            refund, status=Refund.Status.FAILED, reason=refund_object.get("failure_reason") or stripe_status
        )
        return True
    if refund.status != Refund.Status.REQUESTED:
        return False
    if refund_object.get("payment_intent") not in (None, refund.payment.intent_id):
        raise payments.Refused(f"refund {refund_object['id']} is for another PaymentIntent")
    if refund_object["amount"] != payments.to_minor_units(refund.amount):
        raise payments.Refused(f"refund {refund_object['id']} amount differs from refund {refund.pk}")
    if refund_object["currency"].upper() != refund.currency:
        raise payments.Refused(f"refund {refund_object['id']} currency differs from refund {refund.pk}")

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
    _enter_in_books(order, refund)
    settle_order(order, refund.payment)
    return True


def _apply_external(refund_object: dict) -> bool:
    """A refund made in Stripe's Dashboard: booked as line refunds once Stripe says it succeeded."""
    payment = payment_for(
        intent_id=refund_object.get("payment_intent") or "",
        charge_id=_expandable_id(refund_object.get("charge")),
    )
    if payment is None:
        raise payments.Refused(f"refund {refund_object['id']} is for a payment the shop does not know")
    if refund_object.get("status") != "succeeded":
        # Pending: booked when Stripe reports it succeeded. Failed before that: nothing was booked.
        return False
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = OnlinePayment.objects.select_for_update().get(pk=payment.pk)
    if Refund.objects.filter(stripe_refund_id=refund_object["id"]).exists():
        return False  # booked meanwhile by another delivery
    if payment.status != OnlinePayment.Status.SUCCEEDED:
        raise payments.Refused(f"refund {refund_object['id']} is for a payment not recorded as paid")
    if refund_object["currency"].upper() != payment.currency:
        raise payments.Refused(f"refund {refund_object['id']} is in another currency than its payment")
    amount = payments.from_minor_units(refund_object["amount"])
    if amount > refundable(order)["money_left"]:
        raise payments.Refused(f"refund {refund_object['id']} is more than is left of order {order.number}")
    logger.warning("Booking refund %s of order %s made outside the shop", refund_object["id"], order.number)
    book(order, payment, amount=amount, kind=Refund.Kind.EXTERNAL, stripe_refund_id=refund_object["id"])
    return True


def allocate(order, amount: Decimal) -> list[tuple]:
    """Spread money over the order's lines: unshipped lines first, newest first, each up to what is left.

    Returns (line, quantity, amount) parts; the quantity counts the units the money fully covers.
    """
    left = refundable(order)["lines"]
    unshipped = (statuses.LINE_PENDING, statuses.LINE_CANCELLED)
    ordered = sorted(
        (entry for entry in left.values() if entry["amount"] > 0),
        key=lambda entry: (entry["line"].status not in unshipped, -entry["line"].pk),
    )
    parts = []
    remaining = amount
    for entry in ordered:
        if remaining <= 0:
            break
        take = min(entry["amount"], remaining)
        if take == entry["amount"]:
            quantity = entry["quantity"]
        else:
            unit = _line_value(entry["line"]) / entry["line"].quantity
            quantity = min(int(take // unit), entry["quantity"]) if unit > 0 else 0
        parts.append((entry["line"], quantity, take))
        remaining -= take
    return parts


def book(
    order,
    payment: OnlinePayment,
    *,
    amount: Decimal,
    kind: str,
    stripe_refund_id: str | None = None,
    dispute=None,
) -> Refund:
    """Book money Stripe already returned (a Dashboard refund or a chargeback) as a confirmed refund.

    The caller holds the order's row lock.
    """
    parts = allocate(order, amount)
    is_full = amount >= refundable(order)["money_left"]
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        kind=kind,
        dispute=dispute,
        stripe_refund_id=stripe_refund_id,
        amount=amount,
        currency=payment.currency,
        status=Refund.Status.SUCCEEDED,
        is_full=is_full,
        confirmed_at=timezone.now(),
    )
    RefundLine.objects.bulk_create(
        [
            RefundLine(refund=refund, line=line, quantity=quantity, amount=part)
            for line, quantity, part in parts
        ]
    )
    _enter_in_books(order, refund)
    if kind != Refund.Kind.DISPUTE:
        settle_order(order, payment)
    return refund


def _reference(refund: Refund) -> str:
    if refund.stripe_refund_id:
        return refund.stripe_refund_id
    return refund.dispute.stripe_dispute_id if refund.dispute_id else str(refund.pk)


def _enter_in_books(order, refund: Refund) -> None:
    """Oscar's payment records of a confirmed refund: the Source's refunded amount and a payment event."""
    source = Source.objects.filter(order=order, reference=refund.payment.intent_id).first()
    if source is not None:
        source.refund(refund.amount, reference=_reference(refund), status="succeeded")
    name = CHARGEBACK_EVENT if refund.kind == Refund.Kind.DISPUTE else REFUNDED_EVENT
    event_type, _created = PaymentEventType.objects.get_or_create(name=name)
    event = PaymentEvent.objects.create(
        order=order, amount=refund.amount, reference=_reference(refund), event_type=event_type
    )
    PaymentEventQuantity.objects.bulk_create(
        [
            PaymentEventQuantity(event=event, line_id=part.line_id, quantity=part.quantity)
            for part in refund.lines.all()
            if part.quantity
        ]
    )
    # The confirmed refund is deducted from the lines' counted value (annotate_refunded).
    ledger.schedule_orders([order.pk])


def reverse(refund: Refund, *, status: str = Refund.Status.REVERSED, reason: str = "") -> None:
    """Take a confirmed refund out of the books again (money reinstated after a dispute, or a refund
    that failed after it had succeeded). The caller holds the order's row lock."""
    refund.status = status
    refund.reversed_at = timezone.now()
    if reason:
        refund.failure_reason = reason[:255]
    refund.save()
    source = Source.objects.filter(order_id=refund.order_id, reference=refund.payment.intent_id).first()
    if source is not None:
        Source.objects.filter(pk=source.pk).update(amount_refunded=F("amount_refunded") - refund.amount)
        source.transactions.create(
            txn_type=REVERSAL_TRANSACTION, amount=refund.amount, reference=_reference(refund), status=status
        )
    event_type, _created = PaymentEventType.objects.get_or_create(name=REVERSED_EVENT)
    PaymentEvent.objects.create(
        order_id=refund.order_id, amount=refund.amount, reference=_reference(refund), event_type=event_type
    )
    ledger.schedule_orders([refund.order_id])
    order = Order.objects.get(pk=refund.order_id)
    if order.status == statuses.REFUNDED:
        # Oscar's pipeline has no way back from refunded: staff decide what the order becomes.
        logger.error("Refund %s of refunded order %s was reversed: check the order", refund.pk, order.number)


def final_refunds(order):
    """Refunds that are settled for good: confirmed, and not a chargeback of a dispute still open."""
    return order.refunds.filter(status=Refund.Status.SUCCEEDED).exclude(
        kind=Refund.Kind.DISPUTE, dispute__outcome=""
    )


def settle_order(order, payment: OnlinePayment) -> None:
    """After money went back for good: unshipped lines wholly refunded are cancelled (never shipped),
    and an order refunded in full becomes refunded."""
    refunded = (
        RefundLine.objects.filter(refund__in=final_refunds(order))
        .values("line_id")
        .annotate(total=Sum("amount"))
    )
    wholly = [row["line_id"] for row in refunded]
    cancel_unshipped(order, line_ids=wholly, only_wholly_refunded=True)
    total = final_refunds(order).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if total >= payment.amount and statuses.REFUNDED in order.available_statuses():
        cancel_unshipped(order)
        order.set_status(statuses.REFUNDED)
    elif (
        order.status == statuses.PAID
        and not order.lines.filter(status=statuses.LINE_PENDING).exists()
        and order.lines.filter(status=statuses.LINE_SHIPPED).exists()
    ):
        # The refunded lines were the last ones waiting: the rest has shipped, so the order has too.
        order.set_status(statuses.SHIPPED)


def cancel_unshipped(order, *, line_ids=None, only_wholly_refunded: bool = False) -> list:
    """Cancel the order's lines awaiting shipment (all, or those given) and release their stock."""
    lines = order.lines.filter(status=statuses.LINE_PENDING)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    cancelled = []
    for line in lines.select_for_update():
        if only_wholly_refunded:
            taken = RefundLine.objects.filter(line=line, refund__in=final_refunds(order)).aggregate(
                total=Sum("amount")
            )["total"]
            if taken < line.line_price_incl_tax:
                continue
        line.set_status(statuses.LINE_CANCELLED)
        if line.num_allocated:
            line.cancel_allocation(line.num_allocated)
        cancelled.append(line)
    return cancelled


def apply_charge_refunded(charge: dict) -> int:
    """charge.refunded: book every refund of the charge Stripe lists as settled; returns how many changed."""
    intent_id = charge.get("payment_intent")
    if not intent_id or not OnlinePayment.objects.filter(intent_id=intent_id).exists():
        raise payments.Refused(f"charge {charge['id']} belongs to an unknown PaymentIntent")
    listed = (charge.get("refunds") or {}).get("data")
    if listed is None:
        # Recent API versions leave refunds out of the charge: ask Stripe for them.
        listed = gateway.list_refunds(payment_intent=intent_id)
    for refund_object in listed:
        event_schema.check_refund(refund_object)
    return sum(1 for refund_object in listed if apply_stripe_refund(refund_object))
