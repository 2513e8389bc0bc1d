"""The Chinese delivery address: 收货人, 手机号, 省/市/区 from GB/T 2260, 详细地址, optional postcode."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.customer import addresses
from tests.shop.test_checkout import ADDRESS

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")
Region = get_model("catalogue", "Region")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, consumer, china, certified_product):
    client.force_login(consumer)
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    return client


@pytest.fixture
def beijing(db):
    province = Region.objects.create(code="110000", name="北京市", level="province", province_id="110000")
    Region.objects.create(code="110105", name="朝阳区", level="county", parent=province, province=province)
    return province


def place(client, **changes):
    client.post(reverse("checkout:shipping-address"), {**ADDRESS, **changes}, follow=True)
    client.post(reverse("checkout:payment-method"), {"method": "bank_transfer"})
    return client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)


def test_a_wrong_mobile_number_is_refused_with_a_chinese_message_and_the_form_keeps_what_was_typed(
    shopper,
):
    response = shopper.post(
        reverse("checkout:shipping-address"), {**ADDRESS, "phone": "1234567"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "请输入以 13–19 开头的 11 位中国大陆手机号" in page
    assert "欣山镇幸福路1号" in page and "张晓明" in page
    assert 'value="360726" selected' in page  # the chosen district is still chosen
    assert shopper.get(reverse("checkout:payment-method")).status_code == 302  # no address stored


@pytest.mark.parametrize("typed", ["138 0013 8000", "+86 138-0013-8000", "8613800138000"])
def test_a_mobile_number_with_spaces_or_the_country_code_is_accepted(typed):
    assert addresses.mainland_mobile(typed) == "13800138000"


def test_a_district_outside_the_chosen_city_is_refused(shopper, beijing):
    response = shopper.post(
        reverse("checkout:shipping-address"),
        {**ADDRESS, "district": "110105"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert "请选择所选城市下的区/县。" in response.content.decode()


def test_a_postcode_must_have_six_digits_but_may_be_left_out(shopper, consumer):
    response = shopper.post(
        reverse("checkout:shipping-address"), {**ADDRESS, "postcode": "3421"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "邮政编码为 6 位数字" in response.content.decode()

    place(shopper, postcode="")

    assert Order.objects.get(user=consumer).shipping_address.postcode == ""


def test_without_javascript_choosing_a_province_shows_its_cities(shopper):
    response = shopper.post(reverse("checkout:shipping-address"), {**ADDRESS, "city": "", "district": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="360700">赣州市</option>' in page


def test_the_order_stores_one_name_and_prints_the_address_in_chinese_order_everywhere(
    shopper, consumer, admin_client
):
    response = place(shopper)

    order = Order.objects.get(user=consumer)
    address = order.shipping_address
    assert (address.first_name, address.last_name) == ("张晓明", "")
    assert (address.state, address.line4, address.line3) == ("江西省", "赣州市", "安远县")
    assert address.country_id == "CN" and str(address.phone_number) == "+8613800138000"
    place_line = "江西省 赣州市 安远县 欣山镇幸福路1号 邮编 342100"
    person_line = "张晓明 13800138000"
    for page in (
        response.content.decode(),
        shopper.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode(),
        admin_client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})).content.decode(),
    ):
        assert place_line in page and person_line in page
        assert page.index(place_line) < page.index(person_line)
    assert order.shipping_address.summary == f"{place_line}, {person_line}"


def test_a_municipality_needs_no_separate_city_and_prints_once(shopper, consumer, beijing):
    assert addresses.cities("110000") == [("110000", "北京市")]

    place(shopper, province="110000", city="110000", district="110105")

    address = Order.objects.get(user=consumer).shipping_address
    assert addresses.lines(address)[0] == "北京市 朝阳区 欣山镇幸福路1号 邮编 342100"


def test_the_regions_endpoint_lists_a_provinces_cities_and_a_citys_districts(client, china):
    cities = client.get(reverse("address-regions"), {"province": "360000"}).json()["regions"]
    districts = client.get(reverse("address-regions"), {"city": "360700"}).json()["regions"]

    assert cities == [{"code": "360700", "name": "赣州市"}]
    assert {"code": "360726", "name": "安远县"} in districts


def test_the_address_book_saves_a_chinese_address_and_reopens_it_with_the_same_choices(
    client, consumer, china
):
    client.force_login(consumer)

    response = client.post(reverse("customer:address-create"), ADDRESS)

    assert response.status_code == 302
    saved = UserAddress.objects.get(user=consumer)
    assert (saved.state, saved.line4, saved.line3, saved.line1) == (
        "江西省",
        "赣州市",
        "安远县",
        "欣山镇幸福路1号",
    )
    edit = client.get(reverse("customer:address-detail", kwargs={"pk": saved.pk})).content.decode()
    assert 'value="360000" selected' in edit and 'value="360726" selected' in edit
    assert 'value="13800138000"' in edit
    listing = client.get(reverse("customer:address-list")).content.decode()
    assert "江西省 赣州市 安远县 欣山镇幸福路1号" in listing


def test_the_address_book_refuses_a_bad_mobile_number(client, consumer, china):
    client.force_login(consumer)

    response = client.post(reverse("customer:address-create"), {**ADDRESS, "phone": "02088886666"})

    assert response.status_code == 200
    assert not UserAddress.objects.filter(user=consumer).exists()


def test_the_checkout_shows_no_first_last_split_and_no_country_field(shopper):
    page = shopper.get(reverse("checkout:shipping-address"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'name="last_name"' not in page and 'name="country"' not in page
    for label in ("收货人", "手机号", "省份", "区/县", "详细地址"):
        assert label in page
