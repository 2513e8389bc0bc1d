"""Stripe webhook events, dispatched by type; each event id is applied at most once."""

import logging

from django.db import IntegrityError, transaction

from shop.payment import payments, refunds
from shop.payment.models import WebhookEvent

logger = logging.getLogger("aidmarket.payment")


def _succeeded(event):
    return payments.record_success(event["data"]["object"], event_created=event.get("created") or 0)


def _failed(event):
    return payments.record_failure(
        event["data"]["object"], event_created=event.get("created") or 0, canceled=False
    )


def _canceled(event):
    return payments.record_failure(
        event["data"]["object"], event_created=event.get("created") or 0, canceled=True
    )


def _refund(event):
    return refunds.apply_stripe_refund(event["data"]["object"])


def _charge_refunded(event):
    return refunds.apply_charge_refunded(event["data"]["object"])


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "payment_intent.canceled": _canceled,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund,
    "refund.updated": _refund,
    "refund.failed": _refund,
    "charge.refund.updated": _refund,
}


def handle(event: dict) -> str:
    """Apply a verified event; returns "applied", "duplicate" or "ignored", raises payments.Refused."""
    handler = HANDLERS.get(event.get("type"))
    if handler is None:
        return "ignored"
    try:
        with transaction.atomic():
            if WebhookEvent.objects.filter(event_id=event["id"]).exists():
                return "duplicate"
            handler(event)
            # Inserted last: a concurrent delivery of the same event fails here and rolls back.
            WebhookEvent.objects.create(event_id=event["id"], type=event["type"])
    except IntegrityError:
        logger.info("Stripe event %s was applied concurrently", event["id"])
        return "duplicate"
    return "applied"
