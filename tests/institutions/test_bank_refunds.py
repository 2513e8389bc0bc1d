"""Staff record bank-transfer refunds line by line from Oscar's order page; they flow into the quota."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import LineRefund
from shop.sellers import onboarding
from tests import factories
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


@pytest.fixture
def order_staff(staff_user):
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    return staff_user


@pytest.fixture
def bank_order(buyer, organisation, partner):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("40.00"))
    other = factories.ProductFactory(partner=partner, certified=True, price=Decimal("15.00"))
    return place_order(buyer, [(item, 3), (other, 2)], organisation=organisation)


def url(order):
    return reverse("dashboard:order-bank-refund", kwargs={"number": order.number})


def refund(client, order, line, **values):
    data = {
        "line": line.pk,
        "amount": "30.00",
        "refunded_on": dates.today().isoformat(),
        "reference": "退-001",
    }
    return client.post(url(order), {**data, **values})


def test_staff_record_a_bank_refund_per_line_and_the_quota_falls_by_it(
    client, order_staff, bank_order, organisation
):
    line = bank_order.lines.get(line_price_incl_tax=Decimal("120.00"))
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("150.00")
    client.force_login(order_staff)
    detail = client.get(reverse("dashboard:order-detail", kwargs={"number": bank_order.number}))
    assert url(bank_order) in detail.content.decode()

    response = refund(client, bank_order, line, amount="30.00", reference="工行退款 20261130-1")

    assert response.status_code == 302
    [recorded] = LineRefund.objects.filter(line=line)
    assert recorded.amount == Decimal("30.00")
    assert recorded.reference == "工行退款 20261130-1"
    assert dates.date_of(recorded.refunded_at) == dates.today()
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("120.00")
    assert "工行退款 20261130-1" in bank_order.notes.get().message
    page = client.get(url(bank_order))
    assert 'data-left="90.00"' in page.content.decode()
    for english in (
        "Bank refunds",
        "Record a bank refund",
        "Left to refund",
        "Amount refunded",
        "Order line",
    ):
        assert english not in page.content.decode()
    assert "工行退款 20261130-1" in page.content.decode()


def test_a_refund_above_what_is_left_of_the_line_is_refused_and_the_form_keeps_the_input(
    client, order_staff, bank_order
):
    line = bank_order.lines.get(line_price_incl_tax=Decimal("30.00"))
    client.force_login(order_staff)
    assert refund(client, bank_order, line, amount="20.00").status_code == 302

    response = refund(client, bank_order, line, amount="10.01", reference="建行退款-77")

    assert response.status_code == 400
    content = response.content.decode()
    assert "该商品行最多还可退 ¥10.00" in content
    assert 'value="建行退款-77"' in content and 'value="10.01"' in content
    assert LineRefund.objects.filter(line=line).count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": "0"}, "退款金额必须为正数"),
        ({"amount": "-5"}, "退款金额必须为正数"),
        ({"refunded_on": (dates.today() + datetime.timedelta(days=1)).isoformat()}, "退款日期不能晚于今天"),
        ({"reference": ""}, "请填写退款转账的银行流水号"),
    ],
)
def test_bad_refund_input_gets_a_specific_message_and_nothing_is_stored(
    client, order_staff, bank_order, values, message
):
    client.force_login(order_staff)

    response = refund(client, bank_order, bank_order.lines.first(), **values)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LineRefund.objects.exists()


def test_an_order_paid_online_is_not_refunded_as_a_bank_transfer(
    client, order_staff, buyer, organisation, partner
):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("40.00"))
    online = place_order(buyer, [(item, 1)], organisation=organisation, payment_method="stripe")
    client.force_login(order_staff)

    response = refund(client, online, online.lines.get())

    assert response.status_code == 400
    assert "通过 Stripe 退款" in response.content.decode()
    assert not LineRefund.objects.exists()


def test_only_staff_who_may_change_orders_record_bank_refunds(
    client, staff_user, buyer, org_admin, partner, bank_order
):
    seller = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, seller)
    line = bank_order.lines.first()

    for user in (None, buyer, org_admin, seller, staff_user):
        client.logout()
        if user is not None:
            client.force_login(user)
        for response in (client.get(url(bank_order)), refund(client, bank_order, line)):
            assert response.status_code in (302, 403, 404), user
            assert "bank-refund-form" not in response.content.decode()
    assert not LineRefund.objects.exists()
