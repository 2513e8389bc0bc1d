"""Staff record bank-transfer refunds per order line from the dashboard; the ledger drops by the amount."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.core import dates
from shop.institutions import quotas, refunds
from shop.institutions.models import LineRefund
from shop.order import statuses
from tests import factories
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_staff(staff_user):
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    return staff_user


@pytest.fixture
def paid(buyer, organisation, partner):
    rice = factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"), title="赣南脐橙")
    tea = factories.ProductFactory(
        partner=partner, certified=True, price=Decimal("12.00"), title="井冈山绿茶"
    )
    return place_order(buyer, [(rice, 3), (tea, 1)], organisation=organisation)  # 119.70 + 12.00


def url(order):
    return reverse("institutions-dashboard:transfer-refunds", kwargs={"number": order.number})


def post(client, order, chosen, **values):
    data = {
        "line": chosen.pk,
        "amount": "20.00",
        "refunded_on": dates.today().isoformat(),
        "reference": "ICBC-R-1",
    }
    data.update(values)
    return client.post(url(order), data)


def test_staff_record_a_refund_and_the_quota_report_drops_by_it(
    client, order_staff, paid, organisation, org_admin
):
    year = dates.current_year()
    before = quotas.counted_value(organisation, year=year)
    line = paid.lines.get(product__title="赣南脐橙")
    client.force_login(order_staff)

    response = post(client, paid, line, amount="39.90", reference="ICBC-20261102-7")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:order-detail", kwargs={"number": paid.number})
    refund = LineRefund.objects.get()
    assert (refund.line, refund.amount, refund.reference, refund.recorded_by) == (
        line,
        Decimal("39.90"),
        "ICBC-20261102-7",
        order_staff,
    )
    assert dates.date_of(refund.refunded_at) == dates.today()
    assert quotas.counted_value(organisation, year=year) == before - Decimal("39.90") == Decimal("91.80")
    client.force_login(org_admin)
    report = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}) + f"?year={year}")
    assert "91.80" in report.content.decode()


def test_order_page_shows_the_refund_and_links_to_the_form(client, order_staff, paid):
    line = paid.lines.first()
    refunds.record_bank_refund(
        line, amount=Decimal("5.00"), reference="BOC-55", refunded_on=dates.today(), by=order_staff
    )
    client.force_login(order_staff)

    page = client.get(reverse("dashboard:order-detail", kwargs={"number": paid.number})).content.decode()

    assert url(paid) in page
    assert "BOC-55" in page and "¥5.00" in page


def test_more_than_is_left_after_earlier_refunds_is_refused_and_the_form_keeps_the_input(
    client, order_staff, paid
):
    line = paid.lines.get(product__title="井冈山绿茶")  # 12.00
    refunds.record(line, amount=Decimal("10.00"), reference="earlier")
    client.force_login(order_staff)

    response = post(client, paid, line, amount="2.01", reference="ICBC-too-much")

    assert response.status_code == 400
    body = response.content.decode()
    assert "最多还可退款 ¥2.00" in body
    assert 'value="2.01"' in body and 'value="ICBC-too-much"' in body
    assert LineRefund.objects.count() == 1


@pytest.mark.parametrize(
    "values, message",
    [
        ({"amount": "0"}, "退款金额必须为正数"),
        ({"amount": "-3"}, "退款金额必须为正数"),
        ({"reference": ""}, "请填写退款转账的银行流水号"),
        ({"refunded_on": "2099-01-01"}, "退款日期不能晚于今天"),
        ({"refunded_on": "2001-01-01"}, "退款日期不能早于下单日期"),
        ({"line": ""}, "请选择退款对应的订单行"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(client, order_staff, paid, values, message):
    client.force_login(order_staff)

    response = post(client, paid, paid.lines.first(), **values)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LineRefund.objects.exists()


def test_a_line_of_another_order_cannot_be_refunded_here(client, order_staff, paid, buyer, partner):
    other = place_order(buyer, [(factories.ProductFactory(partner=partner, price=Decimal("8.00")), 1)])
    client.force_login(order_staff)

    response = post(client, paid, other.lines.get(), amount="1.00")

    assert response.status_code == 400
    assert not LineRefund.objects.exists()


def test_an_unpaid_order_is_refused(client, order_staff, buyer, organisation, partner):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("50.00"))
    waiting = place_order(buyer, [(item, 1)], organisation=organisation, status=statuses.PENDING_PAYMENT)
    client.force_login(order_staff)

    response = post(client, waiting, waiting.lines.get(), amount="1.00")

    assert response.status_code == 400
    assert "只有已付款的订单才能退款" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "buyer", "org_admin", "seller", "staff_without_permission"])
def test_only_staff_allowed_to_change_orders_may_record(
    client, role, paid, buyer, org_admin, partner, staff_user
):
    users = {
        "anonymous": None,
        "buyer": buyer,
        "org_admin": org_admin,
        "seller": factories.UserFactory(username="seller", email="seller@example.cn"),
        "staff_without_permission": staff_user,
    }
    if role == "seller":
        partner.users.add(users["seller"])
    if users[role] is not None:
        client.force_login(users[role])

    page = client.get(url(paid))
    response = post(client, paid, paid.lines.first(), amount="1.00")

    if role == "staff_without_permission":
        assert page.status_code == 200  # staff may look
        assert response.status_code == 400
        assert "只有工作人员可以登记退款" in response.content.decode()
    else:
        assert page.status_code == 302 and "login" in page["Location"]
        assert response.status_code == 302 and "login" in response["Location"]
    assert not LineRefund.objects.exists()


def test_the_refunds_page_costs_the_same_for_more_lines_and_refunds(
    client, order_staff, buyer, organisation, partner
):
    def queries(order) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(order)).status_code == 200
        return len(captured)

    products = [factories.ProductFactory(partner=partner, price=Decimal("10.00")) for _ in range(8)]
    small = place_order(buyer, [(products[0], 1)], organisation=organisation)
    large = place_order(buyer, [(product, 2) for product in products], organisation=organisation)
    refunds.record(small.lines.get(), amount=Decimal("1.00"))
    for line in large.lines.all():
        refunds.record(line, amount=Decimal("1.00"))
        refunds.record(line, amount=Decimal("2.00"))
    client.force_login(order_staff)

    assert queries(large) == queries(small)
