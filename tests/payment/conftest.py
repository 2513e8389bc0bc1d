import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.checkout import payment_methods
from shop.core import dates
from shop.institutions import quotas
from shop.payment import methods
from shop.payment.models import OnlinePayment
from tests import factories
from tests.institutions.factories import VALID_CODE, MembershipFactory, OrganisationFactory
from tests.payment import stripe_double

Order = get_model("order", "Order")


@pytest.fixture
def stripe_server(settings):
    """The real stripe library pointed at a local double of api.stripe.com, with test keys set."""
    double, server = stripe_double.serve()
    settings.STRIPE_SECRET_KEY = stripe_double.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = stripe_double.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = stripe_double.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = double.base_url
    # What PaymentConfig.ready() does when the process starts with STRIPE_SECRET_KEY set.
    payment_methods.register_online_provider(methods.stripe_methods)
    yield double
    server.shutdown()
    server.server_close()
    assert double.problems == [], double.problems


def post_event(client, event, *, secret=stripe_double.WEBHOOK_SECRET, timestamp=None, raw=None):
    payload = raw if raw is not None else json.dumps(event)
    return client.post(
        reverse("payment:stripe-webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_double.sign(payload, secret=secret, timestamp=timestamp),
    )


@pytest.fixture
def webhook(client):
    def send(event, **kwargs):
        return post_event(client, event, **kwargs)

    return send


@pytest.fixture
def shopper(db, consumer):
    client = Client()
    client.force_login(consumer)
    return client


def place_order(client, product=None, *, items=None, method="stripe", quantity=1, tagging=None):
    """Check out through the real URLs: basket, address, shipping, payment method, preview, place order.

    items: [(product, quantity)] instead of one product; tagging: the organisation step's form data.
    """
    for item, count in items or [(product, quantity)]:
        response = client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": count})
        assert response.status_code == 302, response.content[:500]
    response = client.post(
        reverse("checkout:shipping-address"),
        {
            "first_name": "李华",
            "phone": "13800138000",
            "province": "360000",
            "city": "360700",
            "district": "360726",
            "line1": "幸福路 1 号",
            "postcode": "342100",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.get(reverse("checkout:shipping-method"))
    response = client.post(reverse("checkout:payment-method"), {"method": method})
    assert response.status_code == 302, response.content.decode()[:3000]
    if tagging is not None:
        response = client.post(reverse("institutions:checkout-tagging"), tagging)
        assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.order_by("-pk").first()
    return order, response


@pytest.fixture
def products(db, partner):
    return [
        factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90")),
        factories.ProductFactory(partner=partner, certified=True, price=Decimal("12.35")),
    ]


@pytest.fixture
def placed(stripe_server, shopper, china, products):
    """An order for 3 × 39.90 placed with online payment: awaiting payment, with its PaymentIntent."""
    order, _response = place_order(shopper, products[0], quantity=3)
    return order


def intent_of(order) -> str:
    return OnlinePayment.objects.filter(order=order).order_by("-attempt").first().intent_id


def tagging(organisation):
    return {
        "buy_for": str(organisation.pk),
        "purpose": "canteen",
        "fapiao_type": "ordinary",
        "fapiao_title": organisation.name,
        "taxpayer_id": VALID_CODE,
    }


def counted(organisation):
    year = dates.current_year()
    return quotas.counted_by_organisation(year=year, organisation_ids=[organisation.pk]).get(
        organisation.pk, Decimal("0.00")
    )


@pytest.fixture
def organisation(consumer):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=consumer)
    return organisation


@pytest.fixture
def org_order(stripe_server, shopper, china, products, organisation, webhook):
    """An organisation's order, 3 × 39.90 + 2 × 12.35 = 144.40, paid online and confirmed by Stripe."""
    order, response = place_order(
        shopper, items=[(products[0], 3), (products[1], 2)], tagging=tagging(organisation)
    )
    assert response["Location"] == reverse("payment:pay", args=[order.number])
    intent_id = intent_of(order)
    stripe_server.succeed(intent_id, "alipay")
    assert (
        webhook(stripe_server.event("payment_intent.succeeded", stripe_server.intents[intent_id])).status_code
        == 200
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def staff_client(staff_user):
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    client = Client()
    client.force_login(staff_user)
    return client
