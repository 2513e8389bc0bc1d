"""The ship form: a courier from the list and a tracking number in that courier's format."""

import pytest
from django.urls import reverse

from shop.core.exceptions import InvalidInput
from shop.order import statuses
from shop.sellers import couriers

pytestmark = pytest.mark.django_db


def ship(client, order, lines, **data):
    return client.post(
        reverse("sellers:ship", kwargs={"number": order.number}),
        {"lines": [line.pk for line in lines], **data},
    )


def test_the_ship_form_offers_the_common_chinese_couriers(client, seller_user, two_seller_order):
    client.force_login(seller_user)

    page = client.get(reverse("sellers:ship", kwargs={"number": two_seller_order.number})).content.decode()

    for name in (
        "顺丰速运",
        "中通快递",
        "圆通速递",
        "韵达快递",
        "申通快递",
        "京东物流",
        "EMS",
        "中国邮政",
        "极兔速递",
        "德邦快递",
        "其他快递",
    ):
        assert f">{name}</option>" in page


def test_a_tracking_number_in_the_wrong_format_is_refused_and_nothing_ships(
    client, seller_user, two_seller_order, own_product
):
    line = two_seller_order.lines.get(product=own_product)
    client.force_login(seller_user)

    response = ship(client, two_seller_order, [line], courier="sf", tracking_number="1234")

    assert response.status_code == 200
    assert "这不是顺丰速运的运单号，格式应类似 SF1234567890123。" in response.content.decode()
    assert 'value="1234"' in response.content.decode()
    line.refresh_from_db()
    assert line.status == statuses.LINE_PENDING


def test_a_number_typed_with_spaces_and_lower_case_is_stored_normalised(
    client, seller_user, two_seller_order, own_product
):
    line = two_seller_order.lines.get(product=own_product)
    client.force_login(seller_user)

    response = ship(client, two_seller_order, [line], courier="jt", tracking_number="jt 1234 5678 90123")

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.shipping_carrier, line.tracking_number) == ("极兔速递", "JT1234567890123")


def test_another_courier_needs_its_name(client, seller_user, two_seller_order, own_product):
    line = two_seller_order.lines.get(product=own_product)
    client.force_login(seller_user)

    refused = ship(client, two_seller_order, [line], courier="other", tracking_number="AB123456")
    accepted = ship(
        client,
        two_seller_order,
        [line],
        courier="other",
        other_courier="安能物流",
        tracking_number="AB123456",
    )

    assert "请填写快递公司名称。" in refused.content.decode()
    assert accepted.status_code == 302
    line.refresh_from_db()
    assert line.shipping_carrier == "安能物流"


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("sf", "SF1234567890123"),
        ("zto", "731234567890123"),
        ("yto", "YT1234567890123"),
        ("yunda", "4312345678901"),
        ("sto", "773123456789012"),
        ("jd", "JDVA12345678901"),
        ("ems", "EA123456789CN"),
        ("post", "9812345678901"),
        ("jt", "JT1234567890123"),
        ("deppon", "DPK123456789012"),
    ],
)
def test_each_couriers_example_format_is_accepted_and_another_couriers_is_not(code, number):
    assert couriers.check(code, number)[1] == number
    assert couriers.BY_CODE[code].example and couriers.check(code, couriers.BY_CODE[code].example)
    with pytest.raises(InvalidInput):
        couriers.check(code, "X1")
