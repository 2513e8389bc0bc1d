from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.checkout import payment_methods
from shop.order import statuses
from shop.payment.models import OnlinePayment
from tests.payment import stripe_double
from tests.payment.conftest import intent_of, place_order

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


def test_order_is_placed_awaiting_payment_with_an_intent_for_exactly_its_total(placed, stripe_server):
    order = placed
    assert order.status == statuses.PENDING_PAYMENT
    assert order.payment_method == "stripe"
    assert order.total_incl_tax == Decimal("119.70")
    [create] = stripe_server.calls("POST", "/v1/payment_intents")
    assert create.params["amount"] == "11970"
    assert create.params["currency"] == "cny"
    assert create.params["payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert create.params["payment_method_options"] == {"wechat_pay": {"client": "web"}}
    assert create.params["metadata"] == {"order_number": order.number, "attempt": "1"}
    assert create.headers["idempotency-key"] == f"aidmarket-order-{order.number}-attempt-1"
    payment = OnlinePayment.objects.get(order=order)
    assert (payment.amount, payment.currency, payment.status) == (Decimal("119.70"), "CNY", "open")
    assert not Source.objects.filter(order=order).exists()


def test_placing_the_order_leads_to_the_payment_element(stripe_server, shopper, china, products):
    order, response = place_order(shopper, products[0])
    assert response["Location"] == reverse("payment:pay", args=[order.number])

    page = shopper.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    intent = stripe_server.intents[intent_of(order)]
    assert f'data-client-secret="{intent["client_secret"]}"' in html
    assert f'data-publishable-key="{stripe_double.PUBLISHABLE_KEY}"' in html
    assert "https://js.stripe.com/v3/" in html
    assert stripe_double.SECRET_KEY not in html
    assert f"/payment/orders/{order.number}/return/" in html
    # Reloading the page reuses the PaymentIntent instead of opening another.
    shopper.get(response["Location"])
    assert len(stripe_server.calls("POST", "/v1/payment_intents")) == 1


@pytest.mark.parametrize("method_type", ["card", "alipay", "wechat_pay"])
def test_each_payment_method_pays_the_order_once_stripe_confirms(
    placed, stripe_server, shopper, webhook, method_type
):
    order = placed
    intent_id = intent_of(order)
    return_url = reverse("payment:return", args=[order.number])
    if method_type == "alipay":
        stripe_server.require_action(intent_id, "alipay")
        page = shopper.get(return_url).content.decode()
        assert 'data-state="alipay-redirect"' in page
        assert f"https://hooks.stripe.com/redirect/authenticate/src_{intent_id}" in page
    elif method_type == "wechat_pay":
        stripe_server.require_action(intent_id, "wechat_pay")
        page = shopper.get(return_url).content.decode()
        assert 'data-state="wechat-qr"' in page
        assert f"https://qr.stripe.com/{intent_id}.svg" in page

    stripe_server.succeed(intent_id, method_type)
    # Back from Stripe before the webhook: the browser's word is not enough.
    page = shopper.get(return_url + f"?payment_intent={intent_id}&redirect_status=succeeded").content.decode()
    assert 'data-state="confirming"' in page
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT

    response = webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id]))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert order.paid_at is not None
    source = Source.objects.get(order=order)
    assert (source.source_type.code, source.reference) == ("stripe", intent_id)
    assert (source.amount_allocated, source.amount_debited) == (Decimal("119.70"), Decimal("119.70"))
    event = PaymentEvent.objects.get(order=order)
    assert (event.event_type.name, event.amount, event.reference) == ("Paid", Decimal("119.70"), intent_id)
    assert [q.quantity for q in event.line_quantities.all()] == [3]
    assert OnlinePayment.objects.get(order=order).method_type == method_type
    assert Order.objects.paid().filter(pk=order.pk).exists()
    page = shopper.get(return_url).content.decode()
    assert 'data-state="paid"' in page


def test_without_keys_online_payment_is_not_offered_and_offline_checkout_works(
    stripe_server, settings, shopper, china, products
):
    settings.STRIPE_SECRET_KEY = ""

    assert [m.code for m in payment_methods.available()] == ["bank_transfer", "cash_on_delivery"]
    response = shopper.post(reverse("checkout:payment-method"), {"method": "stripe"})
    assert response.status_code != 302 or not response["Location"].endswith(reverse("checkout:preview"))
    order, response = place_order(shopper, products[0], method="bank_transfer")

    assert order.payment_method == "bank_transfer"
    assert order.status == statuses.PENDING_PAYMENT
    assert not OnlinePayment.objects.exists()
    assert stripe_server.requests == []
    assert shopper.get(reverse("payment:pay", args=[order.number])).status_code == 302


def test_with_keys_online_payment_is_offered_first(stripe_server):
    assert [m.code for m in payment_methods.available()] == ["stripe", "bank_transfer", "cash_on_delivery"]


def test_other_customers_cannot_see_or_pay_an_order(placed, client, staff_user):
    stranger = placed.user.__class__.objects.create_user("stranger", "stranger@example.cn", "pass-word-123")
    client.force_login(stranger)
    for name in ("payment:pay", "payment:return"):
        assert client.get(reverse(name, args=[placed.number])).status_code == 404
    assert client.post(reverse("payment:retry", args=[placed.number])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(placed, client):
    response = client.get(reverse("payment:pay", args=[placed.number]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_stripe_being_down_keeps_the_order_and_the_pay_page_recovers(stripe_server, shopper, china, products):
    stripe_server.fail_next = 3  # the library's first try and both retries
    order, response = place_order(shopper, products[0])
    assert order.status == statuses.PENDING_PAYMENT
    assert not OnlinePayment.objects.filter(order=order).exists()

    page = shopper.get(response["Location"])

    assert page.status_code == 200
    assert OnlinePayment.objects.filter(order=order).count() == 1
    assert "data-client-secret" in page.content.decode()


def test_order_page_offers_to_pay_until_stripe_confirms(placed, stripe_server, shopper, webhook):
    order_page = reverse("customer:order", kwargs={"order_number": placed.number})
    assert reverse("payment:pay", args=[placed.number]) in shopper.get(order_page).content.decode()

    intent_id = intent_of(placed)
    stripe_server.fail(intent_id)
    webhook(stripe_server.event("payment_intent.payment_failed", stripe_server.intents[intent_id]))
    assert reverse("payment:retry", args=[placed.number]) in shopper.get(order_page).content.decode()

    stripe_server.succeed(intent_id)
    webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id]))
    assert 'id="pay-online"' not in shopper.get(order_page).content.decode()


def test_return_page_shows_processing_while_stripe_waits_for_the_bank(placed, stripe_server, shopper):
    stripe_server.intents[intent_of(placed)]["status"] = "processing"
    page = shopper.get(reverse("payment:return", args=[placed.number])).content.decode()
    assert 'data-state="processing"' in page


def test_stripe_registers_as_a_checkout_method_only_when_its_key_is_set(settings, monkeypatch):
    from django.apps import apps

    from shop.payment import methods

    monkeypatch.setattr(payment_methods, "_online_providers", [])
    settings.STRIPE_SECRET_KEY = ""
    apps.get_app_config("payment").ready()
    assert payment_methods._online_providers == []

    settings.STRIPE_SECRET_KEY = stripe_double.SECRET_KEY
    apps.get_app_config("payment").ready()
    assert payment_methods._online_providers == [methods.stripe_methods]
