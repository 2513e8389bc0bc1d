"""Stripe webhook events, dispatched by type; each event id is applied at most once.

An event's shape is checked (event_schema) before its handler runs, and the handler runs in one
transaction with the record of the event id: a refused or malformed event changes nothing.
"""

import logging

from django.db import IntegrityError, transaction

from shop.payment import disputes, event_schema, payments, refunds
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


def _dispute(event):
    return disputes.apply(event)


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "payment_intent.canceled": _canceled,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund,
    "refund.updated": _refund,
    "refund.failed": _refund,
    "charge.refund.updated": _refund,
    "charge.dispute.created": _dispute,
    "charge.dispute.updated": _dispute,
    "charge.dispute.closed": _dispute,
    "charge.dispute.funds_withdrawn": _dispute,
    "charge.dispute.funds_reinstated": _dispute,
}


def handle(event: dict) -> str:
    """Apply a verified event; returns "applied", "duplicate" or "ignored".

    Raises event_schema.Malformed or payments.Refused, with nothing changed.
    """
    event_schema.check(event)
    handler = HANDLERS.get(event["type"])
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
