"""Sellers see why a step was refused, in Chinese, and nothing changes."""

import pytest
from django.urls import reverse

from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.order import statuses
from shop.sellers import fulfilment, helpsell
from tests.sellers.conftest import days, place_order

pytestmark = pytest.mark.django_db


def ship(client, order, *, courier="sf", tracking="SF1002003004005"):
    return client.post(
        reverse("sellers:ship", kwargs={"number": order.number}),
        {"lines": [line.pk for line in order.lines.all()], "courier": courier, "tracking_number": tracking},
    )


def test_shipping_an_unpaid_order_shows_the_chinese_reason_and_ships_nothing(
    client, consumer, seller_user, own_product
):
    unpaid = place_order(consumer, [own_product], status=statuses.PENDING_PAYMENT)
    client.force_login(seller_user)

    response = ship(client, unpaid)

    assert response.status_code == 200
    assert "该订单暂不能发货。" in response.content.decode()
    assert unpaid.lines.get().status == statuses.LINE_PENDING


def test_fulfilment_refusals_say_what_kind_of_refusal_they_are(
    consumer, seller_user, seller2_user, own_product
):
    order = place_order(consumer, [own_product])
    unpaid = place_order(consumer, [own_product], status=statuses.PENDING_PAYMENT)

    with pytest.raises(InvalidInput) as missing:
        fulfilment.mark_shipped(order.lines.all(), by=seller_user, carrier=" ", tracking_number="SF1")
    with pytest.raises(NotPermitted):
        fulfilment.mark_shipped(order.lines.all(), by=seller2_user, carrier="顺丰", tracking_number="SF1")
    with pytest.raises(InvalidState):
        fulfilment.mark_shipped(unpaid.lines.all(), by=seller_user, carrier="顺丰", tracking_number="SF1")

    assert str(missing.value) == "请填写承运商和运单号。"
    assert order.lines.get().status == statuses.LINE_PENDING


def test_flagging_another_sellers_product_is_refused(seller2_user, own_product):
    with pytest.raises(NotPermitted):
        helpsell.flag(own_product, by=seller2_user, quantity=10, reason="other", until=days(10))

    assert not own_product.help_sell_flags.exists()
