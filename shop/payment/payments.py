"""Paying an order online: opening PaymentIntents and applying what Stripe's webhooks report.

An order is marked paid only here, from a verified webhook, never from the browser.
Every write locks the order row first, so concurrent or repeated deliveries apply once.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.order import statuses
from shop.payment import gateway
from shop.payment.models import OnlinePayment

logger = logging.getLogger("aidmarket.payment")

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

SOURCE_TYPE_CODE = "stripe"
PAID_EVENT = "Paid"
PAYABLE_STATUSES = (statuses.PENDING_PAYMENT, statuses.PAYMENT_FAILED)

METHOD_TYPE_LABELS = {
    "card": _("Bank card"),
    "alipay": _("Alipay"),
    "wechat_pay": _("WeChat Pay"),
}


class Refused(Exception):
    """A webhook's content does not match our records; nothing was changed."""


class PaymentNotCancelled(Exception):
    """Stripe would not cancel the order's PaymentIntent; the message is meant for staff."""


def to_minor_units(amount: Decimal) -> int:
    """Stripe counts CNY in fen: 39.90 → 3990."""
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def method_label(method_type: str) -> str:
    return str(METHOD_TYPE_LABELS.get(method_type, method_type))


def pay_url(order) -> str:
    return reverse("payment:pay", kwargs={"number": order.number})


def is_payable(order) -> bool:
    return order.status in PAYABLE_STATUSES and gateway.is_configured()


def current_payment(order) -> OnlinePayment | None:
    return order.online_payments.order_by("-attempt").first()


def open_payment(order) -> OnlinePayment:
    """The order's usable PaymentIntent, opening one for exactly the order total when there is none."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        latest = current_payment(order)
        if latest is not None and latest.status in (OnlinePayment.Status.OPEN, OnlinePayment.Status.FAILED):
            # A PaymentIntent that failed goes back to requires_payment_method and can be confirmed again.
            return latest
        if latest is not None and latest.status == OnlinePayment.Status.SUCCEEDED:
            return latest
        attempt = latest.attempt + 1 if latest else 1
        intent = gateway.create_payment_intent(
            amount_minor=to_minor_units(order.total_incl_tax),
            currency=order.currency,
            order_number=order.number,
            attempt=attempt,
            description=f"Aidmarket order {order.number}",
        )
        return OnlinePayment.objects.create(
            order=order,
            attempt=attempt,
            intent_id=intent["id"],
            amount=from_minor_units(intent["amount"]),
            currency=intent["currency"].upper(),
        )


def start(order) -> str | None:
    """Open the PaymentIntent right after the order is placed and return the pay page's URL.

    None when the order cannot be paid yet (e.g. it awaits an organisation's approval). If Stripe
    is down, the pay page opens the PaymentIntent later.
    """
    if order.status != statuses.PENDING_PAYMENT or not gateway.is_configured():
        return None
    try:
        open_payment(order)
    except gateway.GatewayError:
        logger.warning("Could not open a PaymentIntent for order %s yet", order.number)
    return pay_url(order)


def retry(order) -> OnlinePayment:
    """Put a failed order back to awaiting payment so the customer can pay again."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == statuses.PAYMENT_FAILED:
            locked.set_status(statuses.PENDING_PAYMENT)
    return open_payment(order)


def cancel_open_payment(order) -> OnlinePayment | None:
    """Cancel the order's PaymentIntent that could still be paid; None when there is none."""
    payment = current_payment(order)
    if payment is None or payment.status not in (OnlinePayment.Status.OPEN, OnlinePayment.Status.FAILED):
        return None
    try:
        gateway.cancel_payment_intent(payment.intent_id)
    except gateway.GatewayError as error:
        # Most often the customer has just paid: the order must not be cancelled without a refund.
        raise PaymentNotCancelled(
            _("Stripe did not cancel the online payment of this order: %(reason)s") % {"reason": error}
        ) from error
    OnlinePayment.objects.filter(
        pk=payment.pk, status__in=(OnlinePayment.Status.OPEN, OnlinePayment.Status.FAILED)
    ).update(status=OnlinePayment.Status.CANCELED)
    return payment


@dataclass
class IntentView:
    """What the pay and return pages may show about a PaymentIntent (never the secret key)."""

    status: str
    client_secret: str = ""
    redirect_url: str = ""
    qr_image_url: str = ""
    qr_data: str = ""
    error_message: str = ""


def describe_intent(payment: OnlinePayment) -> IntentView:
    """Stripe's current view of the PaymentIntent, as the customer's pages need it."""
    intent = gateway.retrieve_payment_intent(payment.intent_id)
    next_action = intent.get("next_action") or {}
    redirect = next_action.get("alipay_handle_redirect") or next_action.get("redirect_to_url") or {}
    qr = next_action.get("wechat_pay_display_qr_code") or {}
    error = intent.get("last_payment_error") or {}
    return IntentView(
        status=intent.get("status", ""),
        client_secret=intent.get("client_secret") or "",
        redirect_url=redirect.get("url") or "",
        qr_image_url=qr.get("image_url_svg") or qr.get("image_url_png") or qr.get("image_data_url") or "",
        qr_data=qr.get("data") or "",
        error_message=error.get("message") or "",
    )


def _payment_for_intent(intent: dict) -> OnlinePayment:
    payment = OnlinePayment.objects.filter(intent_id=intent.get("id") or "").first()
    if payment is None:
        raise Refused(f"unknown PaymentIntent {intent.get('id')!r}")
    return payment


def _check_matches(intent: dict, payment: OnlinePayment, order) -> None:
    metadata = intent.get("metadata") or {}
    if metadata.get("order_number") != order.number:
        raise Refused(f"PaymentIntent {payment.intent_id} names order {metadata.get('order_number')!r}")
    currency = str(intent.get("currency") or "").upper()
    if currency != order.currency.upper() or currency != payment.currency:
        raise Refused(
            f"PaymentIntent {payment.intent_id} is in {currency}, order {order.number} in {order.currency}"
        )
    expected = to_minor_units(order.total_incl_tax)
    for field in ("amount", "amount_received"):
        if field in intent and intent[field] != expected:
            raise Refused(
                f"PaymentIntent {payment.intent_id} {field} {intent[field]} != order total {expected}"
            )
    if to_minor_units(payment.amount) != expected:
        raise Refused(
            f"Order {order.number} total changed since PaymentIntent {payment.intent_id} was opened"
        )


def _locked(intent: dict):
    """Lock the order, then its payment: the order row serialises everything that happens to an order."""
    payment = _payment_for_intent(intent)
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = OnlinePayment.objects.select_for_update().get(pk=payment.pk)
    return order, payment


def _method_type(intent: dict) -> str:
    """card, alipay or wechat_pay: read from the charge, which webhook payloads carry only as an id."""
    charge = intent.get("latest_charge")
    if isinstance(charge, str) and charge:
        try:
            charge = gateway.retrieve_payment_intent(intent["id"], with_charge=True).get("latest_charge")
        except gateway.GatewayError:
            charge = None
    if isinstance(charge, dict):
        details = charge.get("payment_method_details") or {}
        if details.get("type"):
            return details["type"]
    types = intent.get("payment_method_types") or []
    return types[0] if len(types) == 1 else ""


def record_success(intent: dict, *, event_created: int) -> bool:
    """Mark the order paid for a succeeded PaymentIntent; returns False when it was already applied."""
    _payment_for_intent(intent)  # refuse unknown intents before asking Stripe anything
    method_type = _method_type(intent)  # may ask Stripe: done before taking any row lock
    order, payment = _locked(intent)
    _check_matches(intent, payment, order)
    if payment.status == OnlinePayment.Status.SUCCEEDED:
        return False
    if intent.get("status") not in (None, "succeeded"):
        raise Refused(f"PaymentIntent {payment.intent_id} is {intent.get('status')}, not succeeded")
    if order.online_payments.filter(status=OnlinePayment.Status.SUCCEEDED).exists():
        logger.error(
            "Order %s received a second successful payment %s: refund it", order.number, payment.intent_id
        )
        raise Refused(f"order {order.number} is already paid by another PaymentIntent")

    charge = intent.get("latest_charge")
    payment.status = OnlinePayment.Status.SUCCEEDED
    payment.method_type = method_type
    payment.charge_id = charge.get("id", "") if isinstance(charge, dict) else (charge or "")
    payment.failure_message = ""
    payment.last_event_created = max(payment.last_event_created, event_created)
    payment.save()

    source_type, _created = SourceType.objects.get_or_create(
        code=SOURCE_TYPE_CODE, defaults={"name": "Stripe"}
    )
    source = Source.objects.create(
        order=order,
        source_type=source_type,
        currency=payment.currency,
        amount_allocated=payment.amount,
        reference=payment.intent_id,
        label=method_label(payment.method_type),
    )
    source.debit(payment.amount, reference=payment.charge_id or payment.intent_id, status="succeeded")
    event_type, _created = PaymentEventType.objects.get_or_create(name=PAID_EVENT)
    event = PaymentEvent.objects.create(
        order=order, amount=payment.amount, reference=payment.intent_id, event_type=event_type
    )
    PaymentEventQuantity.objects.bulk_create(
        [PaymentEventQuantity(event=event, line=line, quantity=line.quantity) for line in order.lines.all()]
    )

    if order.status in PAYABLE_STATUSES:
        order.paid_at = timezone.now()
        order.set_status(statuses.PAID)
    else:
        # e.g. cancelled meanwhile: the money is recorded, staff decide (usually a refund).
        logger.error("Order %s was %s when its payment succeeded", order.number, order.status)
    return True


def record_failure(intent: dict, *, event_created: int, canceled: bool) -> bool:
    """Show the order as failed; ignored when the payment already succeeded or a newer event was applied."""
    order, payment = _locked(intent)
    metadata = intent.get("metadata") or {}
    if metadata.get("order_number") != order.number:
        raise Refused(f"PaymentIntent {payment.intent_id} names order {metadata.get('order_number')!r}")
    if payment.status == OnlinePayment.Status.SUCCEEDED or event_created < payment.last_event_created:
        return False
    if payment.status == OnlinePayment.Status.CANCELED:
        return False
    error = intent.get("last_payment_error") or {}
    payment.status = OnlinePayment.Status.CANCELED if canceled else OnlinePayment.Status.FAILED
    payment.failure_message = (error.get("message") or intent.get("cancellation_reason") or "")[:255]
    payment.last_event_created = event_created
    payment.save()
    if order.status == statuses.PENDING_PAYMENT:
        order.set_status(statuses.PAYMENT_FAILED)
    return True
