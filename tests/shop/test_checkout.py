"""A consumer checks out through the real views and the order freezes origin and certification."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from catalogue_ext import certification
from shop.core import dates
from shop.core.models import OutgoingMail
from tests.commit import CommittingClient
from tests.factories import CertificateFactory, ProductFactory

Order = get_model("order", "Order")
Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")
Email = get_model("communication", "Email")

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """Requests commit as in production, so the order confirmation goes out (see tests/commit.py)."""
    return CommittingClient()


ADDRESS = {
    "first_name": "张晓明",
    "phone": "13800138000",
    "province": "360000",  # 江西省
    "city": "360700",  # 赣州市
    "district": "360726",  # 安远县
    "line1": "欣山镇幸福路1号",
    "postcode": "342100",
}


def checkout(client, *, method="bank_transfer"):
    """Walk the whole checkout as a shopper does; returns the last response."""
    response = client.get(reverse("checkout:index"), follow=True)
    assert response.status_code == 200
    response = client.post(reverse("checkout:shipping-address"), ADDRESS, follow=True)
    assert response.status_code == 200, response.content.decode()[:500]
    response = client.get(reverse("checkout:payment-method"))
    assert response.status_code == 200
    response = client.post(reverse("checkout:payment-method"), {"method": method}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(reverse("checkout:preview"))
    return client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)


@pytest.fixture
def shopper(client, consumer, china):
    client.force_login(consumer)
    return client


def test_consumer_checkout_places_an_order_with_origin_and_certification_frozen(
    shopper, consumer, certified_product, uncertified_product
):
    shopper.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 2})
    shopper.post(reverse("basket:add", kwargs={"pk": uncertified_product.pk}), {"quantity": 1})

    response = checkout(shopper)

    assert response.status_code == 200
    order = Order.objects.get(user=consumer)
    assert response.redirect_chain[-1][0].endswith(reverse("checkout:thank-you"))
    assert order.number in response.content.decode()
    assert order.status == "pending_payment"
    assert order.payment_method == "bank_transfer"
    assert (
        order.total_incl_tax
        == certified_product.stockrecords.get().price * 2 + uncertified_product.stockrecords.get().price
    )
    certified_line = order.lines.get(product=certified_product)
    assert certified_line.origin_county_id == "360726"
    assert certified_line.origin_province_id == "360000"
    assert certified_line.was_certified is True
    assert certified_line.was_poverty_county is True
    assert certified_line.certificate_number == certified_product.current_certificate().number
    plain_line = order.lines.get(product=uncertified_product)
    assert plain_line.was_certified is False
    assert plain_line.certificate_number == ""
    assert order.sources.get().source_type.code == "bank_transfer"
    assert any(order.number in message.body for message in mail.outbox)
    assert consumer.email in mail.outbox[-1].to
    # Oscar's confirmation went through the shop's mail helper, and stays in the customer's e-mail history.
    confirmation = OutgoingMail.objects.get(template="oscar/communication", recipients=[consumer.email])
    assert confirmation.state == OutgoingMail.State.SENT and order.number in confirmation.body
    assert Email.objects.filter(user=consumer, subject=confirmation.subject).exists()


def test_certificate_expiring_after_the_order_does_not_change_the_order(shopper, consumer, partner):
    product = ProductFactory(partner=partner)
    certificate = CertificateFactory(product=product)
    shopper.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    checkout(shopper)

    certificate.expiry_date = dates.today() - datetime.timedelta(days=1)
    certificate.issue_date = certificate.expiry_date - datetime.timedelta(days=365)
    certificate.save()

    line = Line.objects.get(order__user=consumer)
    assert line.was_certified is True
    assert not certification.is_product_certified(product)


def test_order_history_lists_the_order_with_its_status(shopper, consumer, certified_product):
    shopper.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    checkout(shopper)
    order = Order.objects.get(user=consumer)

    listing = shopper.get(reverse("customer:order-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    detail = shopper.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()

    assert order.number in listing
    assert "待付款" in listing
    assert certified_product.title in detail


def test_cash_on_delivery_is_recorded_as_the_payment_method(shopper, consumer, certified_product):
    shopper.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})

    checkout(shopper, method="cash_on_delivery")

    order = Order.objects.get(user=consumer)
    assert order.payment_method == "cash_on_delivery"


def test_unknown_payment_method_is_refused_and_nothing_is_ordered(shopper, consumer, certified_product):
    shopper.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    shopper.post(reverse("checkout:shipping-address"), ADDRESS, follow=True)

    response = shopper.post(reverse("checkout:payment-method"), {"method": "bitcoin"})

    assert response.status_code == 200
    assert "bitcoin" in response.content.decode() or "选择" in response.content.decode()
    assert not Order.objects.filter(user=consumer).exists()


def test_placing_an_order_for_more_than_is_in_stock_fails_cleanly(shopper, consumer, partner):
    product = ProductFactory(partner=partner, num_in_stock=1, certified=True)
    shopper.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    shopper.post(reverse("checkout:shipping-address"), ADDRESS, follow=True)
    shopper.post(reverse("checkout:payment-method"), {"method": "bank_transfer"})
    # Someone else buys the last unit between the basket and the order.
    StockRecord.objects.filter(product=product).update(num_allocated=1)

    response = shopper.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)

    assert not Order.objects.filter(user=consumer).exists()
    assert StockRecord.objects.get(product=product).num_allocated == 1
    assert response.status_code == 200
