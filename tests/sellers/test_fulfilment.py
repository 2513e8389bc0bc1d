import pytest
from django.core import mail
from django.urls import reverse

from shop.checkout.payment_methods import CASH_ON_DELIVERY
from shop.order import statuses

pytestmark = pytest.mark.django_db


def ship(client, order, lines, *, courier="sf", tracking="SF1002003004005"):
    return client.post(
        reverse("sellers:ship", kwargs={"number": order.number}),
        {"lines": [line.pk for line in lines], "courier": courier, "tracking_number": tracking},
    )


def test_seller_sees_only_its_own_lines_of_a_shared_order(client, seller_user, two_seller_order, own_product):
    client.force_login(seller_user)

    listing = client.get(reverse("sellers:order-lines")).content.decode()
    ship_page = client.get(reverse("sellers:ship", kwargs={"number": two_seller_order.number}))

    assert "安远脐橙" in listing and "于都红薯" not in listing
    offered = list(ship_page.context["form"].fields["lines"].queryset)
    assert [line.product_id for line in offered] == [own_product.pk]


def test_partial_then_full_shipment_across_two_sellers(
    client, consumer, seller_user, seller2_user, two_seller_order, own_product, other_product
):
    order = two_seller_order
    own_line = order.lines.get(product=own_product)
    other_line = order.lines.get(product=other_product)

    client.force_login(seller_user)
    response = ship(client, order, [own_line])

    assert response.status_code == 302
    own_line.refresh_from_db()
    other_line.refresh_from_db()
    order.refresh_from_db()
    assert (own_line.status, own_line.shipping_carrier, own_line.tracking_number) == (
        statuses.LINE_SHIPPED,
        "顺丰速运",
        "SF1002003004005",
    )
    assert other_line.status == statuses.LINE_PENDING
    assert order.status == statuses.PAID  # partially shipped
    assert mail.outbox[-1].to == [consumer.email]
    assert "SF1002003004005" in mail.outbox[-1].body

    # The customer sees the status and the tracking number in the order history.
    client.force_login(consumer)
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert "SF1002003004005" in page and "顺丰速运" in page

    client.force_login(seller2_user)
    ship(client, order, [other_line], courier="post", tracking="9812345678901")

    order.refresh_from_db()
    assert order.status == statuses.SHIPPED
    assert order.lines.filter(status=statuses.LINE_SHIPPED).count() == 2


def test_seller_cannot_ship_another_sellers_line(client, seller_user, two_seller_order, other_product):
    other_line = two_seller_order.lines.get(product=other_product)
    client.force_login(seller_user)

    response = ship(client, two_seller_order, [other_line])

    assert response.status_code == 404
    other_line.refresh_from_db()
    assert other_line.status == statuses.LINE_PENDING
    assert other_line.tracking_number == ""


def test_unpaid_order_cannot_be_shipped_but_cash_on_delivery_can(client, consumer, seller_user, own_product):
    from tests.sellers.conftest import place_order

    unpaid = place_order(consumer, [own_product], status=statuses.PENDING_PAYMENT)
    cod = place_order(consumer, [own_product], status=statuses.PENDING_PAYMENT)
    cod.payment_method = CASH_ON_DELIVERY
    cod.save()
    client.force_login(seller_user)

    refused = ship(client, unpaid, list(unpaid.lines.all()))
    accepted = ship(client, cod, list(cod.lines.all()))

    assert refused.status_code == 200
    assert unpaid.lines.get().status == statuses.LINE_PENDING
    assert accepted.status_code == 302
    assert cod.lines.get().status == statuses.LINE_SHIPPED


def test_carrier_and_tracking_number_are_required(client, seller_user, two_seller_order, own_product):
    line = two_seller_order.lines.get(product=own_product)
    client.force_login(seller_user)

    response = ship(client, two_seller_order, [line], courier="", tracking="")

    assert response.status_code == 200
    line.refresh_from_db()
    assert line.status == statuses.LINE_PENDING


def test_oscar_order_pages_are_staff_only(client, seller_user, two_seller_order, staff_user):
    staff_user.is_superuser = True  # Oscar's order pages want model permissions; a superuser has them all
    staff_user.save()
    client.force_login(seller_user)
    seller_list = client.get(reverse("dashboard:order-list"))
    seller_detail = client.get(reverse("dashboard:order-detail", kwargs={"number": two_seller_order.number}))
    client.force_login(staff_user)
    staff_detail = client.get(reverse("dashboard:order-detail", kwargs={"number": two_seller_order.number}))

    assert seller_list.status_code in (302, 403)
    assert seller_detail.status_code in (302, 403)
    assert staff_detail.status_code == 200
