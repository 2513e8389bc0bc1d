"""Correctly signed events whose content has the wrong shape: 400, and not one row changes."""

import copy

import pytest
from oscar.core.loading import get_model

from shop.payment import event_schema
from shop.payment.models import Dispute, DisputeEvent, OnlinePayment, Refund, RefundLine, WebhookEvent
from tests.payment.conftest import intent_of

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")
PaymentEvent = get_model("order", "PaymentEvent")
OrderStatusChange = get_model("order", "OrderStatusChange")

pytestmark = pytest.mark.django_db

COUNTED = (
    Order,
    Line,
    OrderStatusChange,
    Source,
    Transaction,
    PaymentEvent,
    OnlinePayment,
    Refund,
    RefundLine,
    Dispute,
    DisputeEvent,
    WebhookEvent,
)


def _rows():
    return {model.__name__: model.objects.count() for model in COUNTED} | {
        "statuses": tuple(Order.objects.order_by("pk").values_list("status", flat=True)),
        "line statuses": tuple(Line.objects.order_by("pk").values_list("status", flat=True)),
        "payments": tuple(OnlinePayment.objects.order_by("pk").values_list("status", flat=True)),
    }


def _set(path, value):
    def mutate(obj):
        target = obj
        *parents, last = path
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return mutate


_DELETE = object()

INTENT_MUTATIONS = {
    "metadata is a list": _set(["metadata"], ["order_number"]),
    "metadata is a string": _set(["metadata"], "order_number=1"),
    "metadata value is a list": _set(["metadata", "order_number"], ["100001"]),
    "id is a list": _set(["id"], ["pi_1"]),
    "amount is a string": _set(["amount"], "11970"),
    "amount is true": _set(["amount"], True),
    "amount is a float": _set(["amount"], 119.7),
    "amount is negative": _set(["amount"], -1),
    "currency is missing": _set(["currency"], _DELETE),
    "currency is a number": _set(["currency"], 156),
    "latest_charge is a list": _set(["latest_charge"], ["ch_1"]),
    "last_payment_error is a string": _set(["last_payment_error"], "declined"),
    "payment_method_types is a string": _set(["payment_method_types"], "card"),
}


@pytest.fixture
def paid_intent(placed, stripe_server):
    intent_id = intent_of(placed)
    stripe_server.succeed(intent_id, "card")
    return stripe_server.intents[intent_id]


def _refused_each(webhook, stripe_server, event_types, original, mutations):
    """Post every mutation of `original` as every event type; each must be a 400 that changes nothing."""
    before = _rows()
    answers = {}
    for event_type in event_types:
        for name, mutation in mutations.items():
            obj = copy.deepcopy(original)
            mutation(obj)
            answers[f"{event_type}: {name}"] = webhook(stripe_server.event(event_type, obj)).status_code
    assert answers == dict.fromkeys(answers, 400)
    assert _rows() == before


def test_malformed_payment_intent_events_are_refused_and_change_nothing(
    placed, paid_intent, stripe_server, webhook
):
    _refused_each(
        webhook,
        stripe_server,
        ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled"],
        paid_intent,
        INTENT_MUTATIONS,
    )


def test_malformed_event_envelopes_are_refused(placed, paid_intent, stripe_server, webhook):
    before = _rows()
    for broken in (
        {"type": ["payment_intent.succeeded"]},
        {"id": 12},
        {"created": "yesterday"},
        {"data": {"object": ["not", "an", "object"]}},
        {"data": {}},
        {"data": []},
    ):
        event = {**stripe_server.event("payment_intent.succeeded", paid_intent), **broken}
        assert webhook(event).status_code == 400, broken
    assert _rows() == before


REFUND_MUTATIONS = {
    "metadata is a string": _set(["metadata"], "refund_reference=1"),
    "metadata is a list": _set(["metadata"], [1]),
    "amount is missing": _set(["amount"], _DELETE),
    "amount is zero": _set(["amount"], 0),
    "amount is a string": _set(["amount"], "1000"),
    "currency is a list": _set(["currency"], ["cny"]),
    "status is a dict": _set(["status"], {"value": "succeeded"}),
    "payment_intent is a list": _set(["payment_intent"], ["pi_1"]),
    "charge is a number": _set(["charge"], 7),
}


def test_malformed_refund_events_are_refused_and_change_nothing(org_order, stripe_server, webhook):
    _refused_each(
        webhook,
        stripe_server,
        ["refund.created", "refund.updated", "refund.failed", "charge.refund.updated"],
        stripe_server.refund_in_dashboard(intent_of(org_order), amount=1000),
        REFUND_MUTATIONS,
    )


def test_charge_refunded_with_a_malformed_refund_list_is_refused(org_order, stripe_server, webhook):
    refund_object = stripe_server.refund_in_dashboard(intent_of(org_order), amount=1000)
    charge = copy.deepcopy(stripe_server.charges[refund_object["charge"]])
    before = _rows()

    for refunds in ({"data": "re_1"}, {"data": [["re_1"]]}, {"data": [{**refund_object, "amount": "1000"}]}):
        assert (
            webhook(stripe_server.event("charge.refunded", {**charge, "refunds": refunds})).status_code == 400
        )
    assert (
        webhook(stripe_server.event("charge.refunded", {**charge, "payment_intent": ["pi"]})).status_code
        == 400
    )
    assert _rows() == before


DISPUTE_MUTATIONS = {
    "charge is a list": _set(["charge"], ["ch_1"]),
    "charge is missing": _set(["charge"], _DELETE),
    "amount is null": _set(["amount"], None),
    "amount is a string": _set(["amount"], "14440"),
    "status is unknown": _set(["status"], "charge_refunded"),
    "status is a list": _set(["status"], ["lost"]),
    "metadata is a string": _set(["metadata"], "x"),
    "reason is a dict": _set(["reason"], {"code": "fraudulent"}),
    "created is a string": _set(["created"], "2026-11-30"),
    "evidence_details is a list": _set(["evidence_details"], []),
    "is_charge_refundable is a string": _set(["is_charge_refundable"], "no"),
}


def test_malformed_dispute_events_are_refused_and_change_nothing(org_order, stripe_server, webhook):
    _refused_each(
        webhook,
        stripe_server,
        [
            "charge.dispute.created",
            "charge.dispute.updated",
            "charge.dispute.closed",
            "charge.dispute.funds_withdrawn",
            "charge.dispute.funds_reinstated",
        ],
        stripe_server.open_dispute(intent_of(org_order)),
        DISPUTE_MUTATIONS,
    )


def test_dispute_amount_beyond_the_payment_is_refused(org_order, stripe_server, webhook):
    dispute = stripe_server.open_dispute(intent_of(org_order), amount=10**9)
    before = _rows()

    assert webhook(stripe_server.event("charge.dispute.created", dispute)).status_code == 400
    assert _rows() == before


def test_schema_accepts_what_stripe_documents():
    intent = {
        "id": "pi_1",
        "amount": 100,
        "currency": "cny",
        "metadata": {},
        "latest_charge": {"id": "ch_1", "object": "charge"},
        "last_payment_error": None,
        "status": "succeeded",
    }
    event_schema.check(
        {"id": "evt_1", "type": "payment_intent.succeeded", "created": 1, "data": {"object": intent}}
    )
    event_schema.check({"id": "evt_2", "type": "customer.created", "data": {"object": {"id": ["anything"]}}})
