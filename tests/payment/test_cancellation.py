import pytest
from django.urls import reverse

from shop.order import statuses
from shop.payment.models import OnlinePayment
from tests.payment.conftest import intent_of

pytestmark = pytest.mark.django_db


def _cancel(client, order):
    return client.post(
        reverse("dashboard:order-detail", kwargs={"number": order.number}),
        {"order_action": "change_order_status", "new_status": statuses.CANCELLED},
    )


def test_cancelling_an_order_cancels_its_open_payment_intent(placed, stripe_server, staff_client, webhook):
    intent_id = intent_of(placed)

    _cancel(staff_client, placed)

    placed.refresh_from_db()
    assert placed.status == statuses.CANCELLED
    [call] = stripe_server.calls("POST", f"/v1/payment_intents/{intent_id}/cancel")
    assert call.headers["idempotency-key"] == f"aidmarket-cancel-{intent_id}"
    assert stripe_server.intents[intent_id]["status"] == "canceled"
    assert OnlinePayment.objects.get(order=placed).status == OnlinePayment.Status.CANCELED
    # Stripe's own canceled event arriving afterwards changes nothing.
    assert (
        webhook(stripe_server.event("payment_intent.canceled", stripe_server.intents[intent_id])).status_code
        == 200
    )
    placed.refresh_from_db()
    assert placed.status == statuses.CANCELLED


def test_order_paid_meanwhile_is_not_cancelled(placed, stripe_server, staff_client):
    intent_id = intent_of(placed)
    stripe_server.succeed(intent_id, "card")  # paid at Stripe, webhook not yet arrived

    response = _cancel(staff_client, placed)

    placed.refresh_from_db()
    assert placed.status == statuses.PENDING_PAYMENT
    assert OnlinePayment.objects.get(order=placed).status == OnlinePayment.Status.OPEN
    assert "Stripe 未取消该订单的在线支付" in staff_client.get(response["Location"]).content.decode()
