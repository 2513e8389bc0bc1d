"""The shape each handled Stripe event must have before anything acts on it.

A correctly signed event can still be malformed (a list where a string belongs, metadata that is not
an object, an amount that is not a whole number of fen). Such an event is refused with 400 before any
handler reads it, so a handler never meets a type it did not expect and nothing is half-applied.
Only the fields the shop reads are checked; Stripe adds fields freely and those are left alone.
"""

from collections.abc import Callable


class Malformed(Exception):
    """The event's content does not have the shape Stripe documents; nothing was changed."""


def _string(value) -> bool:
    return isinstance(value, str)


def _nonempty_string(value) -> bool:
    return isinstance(value, str) and value != ""


def _fen(value) -> bool:
    # bool is an int in Python; Stripe never sends true for an amount.
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12


def _positive_fen(value) -> bool:
    return _fen(value) and value > 0


def _timestamp(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**40


def _boolean(value) -> bool:
    return isinstance(value, bool)


def _metadata(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    )


def _object_or_id(value) -> bool:
    """An expandable field: an id, or the expanded object with a string id."""
    return _string(value) or (isinstance(value, dict) and _string(value.get("id")))


def _optional(check: Callable) -> Callable:
    def allows_null(value) -> bool:
        return value is None or check(value)

    return allows_null


def _list_of(check: Callable) -> Callable:
    def every(value) -> bool:
        return isinstance(value, list) and all(check(item) for item in value)

    return every


def _dict(value) -> bool:
    return isinstance(value, dict)


# field: (required, check). A field that is present must pass its check even when optional.
PAYMENT_INTENT = {
    "id": (True, _nonempty_string),
    "amount": (True, _positive_fen),
    "amount_received": (False, _fen),
    "currency": (True, _nonempty_string),
    "status": (False, _optional(_string)),
    "metadata": (True, _metadata),
    "latest_charge": (False, _optional(_object_or_id)),
    "last_payment_error": (False, _optional(_dict)),
    "cancellation_reason": (False, _optional(_string)),
    "payment_method_types": (False, _list_of(_string)),
}

REFUND = {
    "id": (True, _nonempty_string),
    "amount": (True, _positive_fen),
    "currency": (True, _nonempty_string),
    "status": (True, _optional(_string)),
    "payment_intent": (False, _optional(_string)),
    "charge": (False, _optional(_object_or_id)),
    "metadata": (False, _optional(_metadata)),
    "failure_reason": (False, _optional(_string)),
    "created": (False, _timestamp),
}

CHARGE = {
    "id": (True, _nonempty_string),
    "amount": (True, _positive_fen),
    "amount_refunded": (False, _fen),
    "currency": (True, _nonempty_string),
    "payment_intent": (True, _optional(_string)),
    "metadata": (False, _optional(_metadata)),
    "refunds": (False, _optional(_dict)),
}

DISPUTE = {
    "id": (True, _nonempty_string),
    "amount": (True, _positive_fen),
    "currency": (True, _nonempty_string),
    "charge": (True, _object_or_id),
    "payment_intent": (False, _optional(_object_or_id)),
    "reason": (False, _optional(_string)),
    "status": (True, _nonempty_string),
    "created": (True, _timestamp),
    "metadata": (False, _optional(_metadata)),
    "evidence_details": (False, _optional(_dict)),
    "is_charge_refundable": (False, _boolean),
}

DISPUTE_STATUSES = {
    "warning_needs_response",
    "warning_under_review",
    "warning_closed",
    "needs_response",
    "under_review",
    "won",
    "lost",
    "prevented",
}

SCHEMAS = {
    "payment_intent.succeeded": PAYMENT_INTENT,
    "payment_intent.payment_failed": PAYMENT_INTENT,
    "payment_intent.canceled": PAYMENT_INTENT,
    "charge.refunded": CHARGE,
    "refund.created": REFUND,
    "refund.updated": REFUND,
    "refund.failed": REFUND,
    "charge.refund.updated": REFUND,
    "charge.dispute.created": DISPUTE,
    "charge.dispute.updated": DISPUTE,
    "charge.dispute.closed": DISPUTE,
    "charge.dispute.funds_withdrawn": DISPUTE,
    "charge.dispute.funds_reinstated": DISPUTE,
}


def _check_fields(obj: dict, schema: dict, where: str) -> None:
    for name, (required, check) in schema.items():
        if name not in obj:
            if required:
                raise Malformed(f"{where}.{name} is missing")
            continue
        if not check(obj[name]):
            raise Malformed(f"{where}.{name} has the wrong type or value: {type(obj[name]).__name__}")


def check(event: dict) -> None:
    """Refuse an event of a handled type whose object lacks a field the shop reads, or has it mistyped."""
    if not _nonempty_string(event.get("id")) or not _nonempty_string(event.get("type")):
        raise Malformed("event id and type must be strings")
    if "created" in event and not _timestamp(event["created"]):
        raise Malformed("event.created must be a Unix timestamp")
    schema = SCHEMAS.get(event["type"])
    if schema is None:
        return
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise Malformed("event.data.object must be an object")
    _check_fields(obj, schema, "object")
    if schema is DISPUTE and obj["status"] not in DISPUTE_STATUSES:
        raise Malformed(f"unknown dispute status {obj['status']!r}")
    if schema is CHARGE and isinstance(obj.get("refunds"), dict) and "data" in obj["refunds"]:
        listed = obj["refunds"]["data"]
        if not isinstance(listed, list):
            raise Malformed("object.refunds.data must be a list")
        for index, refund in enumerate(listed):
            if not isinstance(refund, dict):
                raise Malformed(f"object.refunds.data[{index}] must be an object")
            _check_fields(refund, REFUND, f"object.refunds.data[{index}]")


def check_refund(refund_object) -> None:
    """A refund object Stripe's API listed (for charge.refunded) must have the same shape as in an event."""
    if not isinstance(refund_object, dict):
        raise Malformed("a listed refund must be an object")
    _check_fields(refund_object, REFUND, "refund")
