import copy
import json
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import statuses
from shop.payment.models import OnlinePayment, WebhookEvent
from tests.payment import stripe_double
from tests.payment.conftest import intent_of, post_event

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")
OrderStatusChange = get_model("order", "OrderStatusChange")


def _nothing_changed(order):
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    assert order.paid_at is None
    assert not Source.objects.filter(order=order).exists()
    assert not PaymentEvent.objects.filter(order=order).exists()
    assert not WebhookEvent.objects.exists()
    assert OnlinePayment.objects.get(order=order).status == OnlinePayment.Status.OPEN


@pytest.fixture
def succeeded_event(placed, stripe_server):
    intent_id = intent_of(placed)
    stripe_server.succeed(intent_id, "card")
    return stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id])


@pytest.mark.django_db
def test_wrong_signature_is_refused(placed, succeeded_event, webhook):
    response = webhook(succeeded_event, secret="whsec_someone_else")
    assert response.status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_stale_timestamp_is_refused(placed, succeeded_event, webhook):
    response = webhook(succeeded_event, timestamp=int(time.time()) - 10 * 60)
    assert response.status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_missing_signature_is_refused(placed, succeeded_event, client):
    response = client.post(
        reverse("payment:stripe-webhook"), data=json.dumps(succeeded_event), content_type="application/json"
    )
    assert response.status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_signature_over_a_different_body_is_refused(placed, succeeded_event, client):
    signed = json.dumps(succeeded_event)
    tampered = json.loads(signed)
    tampered["data"]["object"]["amount"] = 1
    response = client.post(
        reverse("payment:stripe-webhook"),
        data=json.dumps(tampered),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_double.sign(signed),
    )
    assert response.status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_wrong_amount_is_refused(placed, succeeded_event, webhook):
    event = copy.deepcopy(succeeded_event)
    event["data"]["object"]["amount"] = event["data"]["object"]["amount_received"] = 100
    assert webhook(event).status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_wrong_currency_is_refused(placed, succeeded_event, webhook):
    event = copy.deepcopy(succeeded_event)
    event["data"]["object"]["currency"] = "usd"
    assert webhook(event).status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_other_order_reference_is_refused(placed, succeeded_event, webhook):
    event = copy.deepcopy(succeeded_event)
    event["data"]["object"]["metadata"]["order_number"] = "999999"
    assert webhook(event).status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_unknown_payment_intent_is_refused(placed, succeeded_event, webhook):
    event = copy.deepcopy(succeeded_event)
    event["data"]["object"]["id"] = "pi_not_ours"
    assert webhook(event).status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_malformed_json_is_refused_even_when_signed(placed, succeeded_event, webhook):
    assert (
        webhook(None, raw='{"id": "evt_1", "type": "payment_intent.succeeded", "data": ').status_code == 400
    )
    assert webhook(None, raw='["not", "an", "event"]').status_code == 400
    _nothing_changed(placed)


@pytest.mark.django_db
def test_webhook_accepts_only_post(client):
    assert client.get(reverse("payment:stripe-webhook")).status_code == 405


@pytest.mark.django_db
def test_event_types_we_do_not_handle_are_acknowledged_and_ignored(placed, stripe_server, webhook):
    event = stripe_server.event("customer.created", {"id": "cus_1", "object": "customer"})
    response = webhook(event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    _nothing_changed(placed)


@pytest.mark.django_db
def test_same_event_delivered_twice_changes_nothing_the_second_time(placed, succeeded_event, webhook):
    first = webhook(succeeded_event)
    second = webhook(succeeded_event)

    assert (first.status_code, first.json()["outcome"]) == (200, "applied")
    assert (second.status_code, second.json()["outcome"]) == (200, "duplicate")
    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    assert PaymentEvent.objects.filter(order=placed).count() == 1
    assert Source.objects.get(order=placed).amount_debited == Decimal("119.70")
    assert OrderStatusChange.objects.filter(order=placed, new_status=statuses.PAID).count() == 1


@pytest.mark.django_db
def test_a_second_success_event_with_a_new_id_changes_nothing(
    placed, stripe_server, succeeded_event, webhook
):
    webhook(succeeded_event)
    again = stripe_server.event("payment_intent.succeeded", succeeded_event["data"]["object"])

    assert webhook(again).status_code == 200
    assert PaymentEvent.objects.filter(order=placed).count() == 1
    assert Source.objects.filter(order=placed).count() == 1


@pytest.mark.django_db
def test_failure_arriving_after_success_does_not_unpay_the_order(placed, stripe_server, webhook):
    intent_id = intent_of(placed)
    stripe_server.fail(intent_id)
    failed = stripe_server.event(
        "payment_intent.payment_failed", stripe_server.intents[intent_id], created=int(time.time()) - 60
    )
    stripe_server.succeed(intent_id, "alipay")
    succeeded = stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id])
    canceled = stripe_server.event(
        "payment_intent.canceled", {**stripe_server.intents[intent_id], "status": "canceled"}
    )

    assert webhook(succeeded).status_code == 200
    assert webhook(failed).status_code == 200
    assert webhook(canceled).status_code == 200

    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    assert OnlinePayment.objects.get(order=placed).status == OnlinePayment.Status.SUCCEEDED
    assert not OrderStatusChange.objects.filter(order=placed, new_status=statuses.PAYMENT_FAILED).exists()


@pytest.mark.django_db
def test_older_failure_after_a_newer_one_is_ignored(placed, stripe_server, webhook):
    intent_id = intent_of(placed)
    stripe_server.fail(intent_id, message="Newer decline")
    newer = stripe_server.event("payment_intent.payment_failed", stripe_server.intents[intent_id])
    older = copy.deepcopy(newer)
    older["id"] = "evt_older"
    older["created"] = newer["created"] - 30
    older["data"]["object"]["last_payment_error"]["message"] = "Older decline"

    webhook(newer)
    webhook(older)

    assert OnlinePayment.objects.get(order=placed).failure_message == "Newer decline"


@pytest.mark.django_db
def test_payment_failure_shows_failed_state_and_a_retry_succeeds(placed, stripe_server, shopper, webhook):
    intent_id = intent_of(placed)
    stripe_server.fail(intent_id, message="Your card was declined.")
    assert (
        webhook(
            stripe_server.event("payment_intent.payment_failed", stripe_server.intents[intent_id])
        ).status_code
        == 200
    )

    placed.refresh_from_db()
    assert placed.status == statuses.PAYMENT_FAILED
    page = shopper.get(reverse("payment:return", args=[placed.number])).content.decode()
    assert 'data-state="failed"' in page
    assert "Your card was declined." in page
    assert reverse("payment:retry", args=[placed.number]) in page
    assert shopper.get(reverse("payment:retry", args=[placed.number])).status_code == 405

    response = shopper.post(reverse("payment:retry", args=[placed.number]))

    assert response["Location"] == reverse("payment:pay", args=[placed.number])
    placed.refresh_from_db()
    assert placed.status == statuses.PENDING_PAYMENT
    assert intent_of(placed) == intent_id  # a declined PaymentIntent can be confirmed again
    assert shopper.get(response["Location"]).status_code == 200
    stripe_server.succeed(intent_id, "wechat_pay")
    assert (
        webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id])).status_code
        == 200
    )
    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    assert len(stripe_server.calls("POST", "/v1/payment_intents")) == 1


@pytest.mark.django_db
def test_cancelled_intent_is_replaced_by_a_new_one_on_retry(placed, stripe_server, shopper, webhook):
    first = intent_of(placed)
    stripe_server.cancel(first)
    webhook(stripe_server.event("payment_intent.canceled", stripe_server.intents[first]))
    placed.refresh_from_db()
    assert placed.status == statuses.PAYMENT_FAILED

    shopper.post(reverse("payment:retry", args=[placed.number]))

    second = intent_of(placed)
    assert second != first
    create = stripe_server.calls("POST", "/v1/payment_intents")[-1]
    assert create.headers["idempotency-key"] == f"aidmarket-order-{placed.number}-attempt-2"
    assert create.params["amount"] == "11970"
    stripe_server.succeed(second, "card")
    webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[second]))
    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    # A late success for the abandoned intent would be a second charge: refused, not booked.
    stripe_server.succeed(first, "card")
    assert (
        webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[first])).status_code
        == 400
    )
    assert PaymentEvent.objects.filter(order=placed).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_event_id", [True, False])
def test_concurrent_success_webhooks_mark_the_order_paid_once(placed, stripe_server, same_event_id):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    intent_id = intent_of(placed)
    stripe_server.succeed(intent_id, "card")
    first = stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id])
    second = (
        first
        if same_event_id
        else stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id])
    )
    barrier = threading.Barrier(2)
    statuses_seen = []

    def deliver(event):
        try:
            barrier.wait(timeout=10)
            statuses_seen.append(post_event(Client(), event).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(event,)) for event in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses_seen == [200, 200]
    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    assert PaymentEvent.objects.filter(order=placed).count() == 1
    assert Source.objects.filter(order=placed).count() == 1
    assert OrderStatusChange.objects.filter(order=placed, new_status=statuses.PAID).count() == 1
