"""The only module that talks to Stripe: it sends requests and hands back plain dicts.

Keys come from settings (that is, from the environment) at call time, so nothing
is cached at import and nothing secret is ever returned, logged or rendered,
apart from a PaymentIntent's client secret, which Stripe.js needs in the buyer's browser.
"""

import json
import logging

import stripe
from django.conf import settings

logger = logging.getLogger("aidmarket.payment")

# The payment method types the Payment Element offers: card, Alipay (redirect) and WeChat Pay (QR code).
PAYMENT_METHOD_TYPES = ("card", "alipay", "wechat_pay")
WEBHOOK_TOLERANCE_SECONDS = 300
TIMEOUT_SECONDS = (5, 20)  # connect, read


class GatewayError(Exception):
    """Stripe could not be reached or refused the request; the message is safe to show staff."""


class InvalidWebhook(Exception):
    """The webhook body is not a correctly signed, recent, well-formed Stripe event."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY


def _client() -> stripe.StripeClient:
    if not is_configured():
        raise GatewayError("Stripe is not configured (STRIPE_SECRET_KEY is empty).")
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=2,
        # A customer waits on these calls: give up long before the library's default 80 s.
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def _call(action, *args, **kwargs) -> dict:
    try:
        return action(*args, **kwargs).to_dict()
    except stripe.StripeError as error:
        # user_message is Stripe's customer-safe text; the raw error may echo request details.
        message = getattr(error, "user_message", None) or error.__class__.__name__
        logger.warning(
            "Stripe request failed: %s (request id %s)",
            error.__class__.__name__,
            getattr(error, "request_id", None),
        )
        raise GatewayError(message) from error


def create_payment_intent(
    *, amount_minor: int, currency: str, order_number: str, attempt: int, description: str
) -> dict:
    """Open a PaymentIntent for an order; the idempotency key makes a repeated call return the same one."""
    client = _client()
    params = {
        "amount": amount_minor,
        "currency": currency.lower(),
        "payment_method_types": list(PAYMENT_METHOD_TYPES),
        "payment_method_options": {"wechat_pay": {"client": "web"}},
        "description": description,
        "metadata": {"order_number": order_number, "attempt": str(attempt)},
    }
    options = {"idempotency_key": f"aidmarket-order-{order_number}-attempt-{attempt}"}
    return _call(client.v1.payment_intents.create, params=params, options=options)


def retrieve_payment_intent(intent_id: str, *, with_charge: bool = False) -> dict:
    params = {"expand": ["latest_charge"]} if with_charge else None
    return _call(_client().v1.payment_intents.retrieve, intent_id, params=params)


def cancel_payment_intent(intent_id: str) -> dict:
    """Cancel a PaymentIntent that has not been paid, so that it can no longer be confirmed."""
    client = _client()
    params = {"cancellation_reason": "abandoned"}
    options = {"idempotency_key": f"aidmarket-cancel-{intent_id}"}
    return _call(client.v1.payment_intents.cancel, intent_id, params=params, options=options)


def create_refund(
    *, payment_intent: str, amount_minor: int, refund_reference: str, order_number: str
) -> dict:
    """Ask Stripe to refund part or all of a PaymentIntent; the idempotency key is our refund's reference."""
    client = _client()
    params = {
        "payment_intent": payment_intent,
        "amount": amount_minor,
        "metadata": {"order_number": order_number, "refund_reference": refund_reference},
    }
    options = {"idempotency_key": f"aidmarket-refund-{refund_reference}"}
    return _call(client.v1.refunds.create, params=params, options=options)


def list_refunds(*, payment_intent: str) -> list[dict]:
    page = _call(_client().v1.refunds.list, params={"payment_intent": payment_intent, "limit": 100})
    return list(page.get("data", []))


def verify_webhook(payload: bytes, signature_header: str | None) -> dict:
    """The event in a webhook body, after checking its Stripe-Signature against the webhook secret."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidWebhook("STRIPE_WEBHOOK_SECRET is not set.")
    if not signature_header:
        raise InvalidWebhook("No Stripe-Signature header.")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature_header, secret, WEBHOOK_TOLERANCE_SECONDS)
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError, IndexError) as error:
        raise InvalidWebhook(str(error) or error.__class__.__name__) from error
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict) or "id" not in event:
        raise InvalidWebhook("Not a Stripe event.")
    if not isinstance(event["data"].get("object"), dict):
        raise InvalidWebhook("Event without an object.")
    return event
