"""Acceptance (验收): the buying unit confirms receipt line by line; only accepted quantities count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.core import dates
from shop.institutions import acceptance, quotas, refunds
from shop.institutions.models import LineAcceptance, Organisation, OrganisationOrder
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, place_order

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


@pytest.fixture
def order(buyer, organisation, partner):
    rice = factories.ProductFactory(partner=partner, certified=True, price=Decimal("50.00"), title="五常大米")
    tea = factories.ProductFactory(partner=partner, certified=True, price=Decimal("30.00"), title="狗牯脑茶")
    return place_order(buyer, [(rice, 10), (tea, 1)], organisation=organisation)


def url(organisation, order):
    return reverse("institutions:order-acceptance", kwargs={"pk": organisation.pk, "number": order.number})


def lines(order):
    return order.lines.get(title="五常大米"), order.lines.get(title="狗牯脑茶")


def test_an_order_awaiting_acceptance_counts_provisionally_and_the_report_says_how_much(
    client, org_admin, organisation, order
):
    client.force_login(org_admin)

    report = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}))

    assert report.context["report"].progress.counted == Decimal("530.00")
    assert report.context["report"].awaiting_acceptance == Decimal("530.00")
    assert 'id="awaiting-acceptance" data-amount="530.00"' in report.content.decode()


def test_a_member_accepts_line_by_line_and_only_accepted_quantities_count(
    client, buyer, org_admin, organisation, order
):
    rice, tea = lines(order)
    client.force_login(buyer)
    page = client.get(reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number}))
    assert url(organisation, order) in page.content.decode()
    form = client.get(url(organisation, order)).content.decode()
    assert "验收合格数量" in form and "短缺或破损说明" in form
    for english in ("Accepted quantity", "Shortfall", "Confirm receipt", "Awaiting acceptance"):
        assert english not in form and english not in page.content.decode()

    response = client.post(
        url(organisation, order),
        {
            f"quantity_{rice.pk}": "8",
            f"note_{rice.pk}": "两袋破损",
            f"quantity_{tea.pk}": "1",
            f"note_{tea.pk}": "",
        },
    )

    assert response.status_code == 302
    accepted = LineAcceptance.objects.get(line=rice)
    assert (accepted.accepted_quantity, accepted.note, accepted.accepted_by) == (8, "两袋破损", buyer)
    assert LineAcceptance.objects.get(line=tea).accepted_quantity == 1
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("430.00")  # 8 × 50 + 30
    client.force_login(org_admin)
    report = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk})).context["report"]
    assert report.progress.counted == report.orders_total == Decimal("430.00")
    assert report.awaiting_acceptance == Decimal("0.00")
    statement = client.get(reverse("institutions:statement", kwargs={"pk": organisation.pk}))
    assert {line.pk: line.counted for line in statement.context["lines"]} == {
        rice.pk: Decimal("400.00"),
        tea.pk: Decimal("30.00"),
    }
    detail = client.get(reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number}))
    assert "两袋破损" in detail.content.decode()


def test_money_refunded_for_goods_not_accepted_is_not_deducted_twice(buyer, organisation, order):
    rice, tea = lines(order)
    refunds.record(rice, amount=Decimal("100.00"), reference="退两袋")
    link = OrganisationOrder.objects.get(order=order)
    acceptance.accept(link, by=buyer, quantities={rice.pk: (8, "两袋破损，已退款")})

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("430.00")
    counted = {line.pk: line.counted for line in quotas.counted_lines(year=YEAR)}
    assert counted == {rice.pk: Decimal("400.00"), tea.pk: Decimal("30.00")}
    assert quotas.breakdowns(year=YEAR, organisation_ids=[organisation.pk])["purpose"][0][1] == Decimal(
        "430.00"
    )


@pytest.mark.parametrize(
    ("quantity", "note", "message"),
    [
        ("8", "", "请说明 五常大米 的短缺或破损情况"),
        ("11", "多了", "五常大米 的验收数量必须在 0 到 10 之间"),
        ("-1", "x", "五常大米 的验收数量必须在 0 到 10 之间"),
        ("八", "", "请以整数填写 五常大米 的验收数量"),
    ],
)
def test_bad_acceptance_is_refused_with_a_specific_message_and_the_input_kept(
    client, buyer, organisation, order, quantity, note, message
):
    rice, tea = lines(order)
    client.force_login(buyer)

    response = client.post(
        url(organisation, order),
        {f"quantity_{rice.pk}": quantity, f"note_{rice.pk}": note, f"quantity_{tea.pk}": "1"},
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert f'value="{quantity}"' in content
    assert not LineAcceptance.objects.exists()


def test_only_members_of_the_buying_organisation_confirm_receipt(
    client, buyer, organisation, order, staff_user, outsider
):
    above = OrganisationFactory(name="江西省财政厅")
    Organisation.objects.filter(pk=organisation.pk).update(parent=above)
    above_admin = factories.UserFactory(username="above", email="above@example.cn")
    MembershipFactory(organisation=above, user=above_admin, is_administrator=True)
    other_member = factories.UserFactory(username="other", email="other@example.cn")
    MembershipFactory(organisation=OrganisationFactory(), user=other_member)
    rice, _tea = lines(order)

    expected = {None: 302, outsider: 404, other_member: 404, staff_user: 403, above_admin: 403}
    for user, status in expected.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url(organisation, order)).status_code == status, user
        assert (
            client.post(
                url(organisation, order), {f"quantity_{rice.pk}": "0", f"note_{rice.pk}": "x"}
            ).status_code
            == status
        )

    assert not LineAcceptance.objects.exists()
    client.force_login(buyer)
    assert client.get(url(organisation, order)).status_code == 200


def test_the_statement_shows_the_accepted_quantity_of_accepted_lines(
    client, buyer, org_admin, organisation, order
):
    rice, tea = lines(order)
    acceptance.accept(
        OrganisationOrder.objects.get(order=order), by=buyer, quantities={rice.pk: (8, "两袋破损")}
    )
    client.force_login(org_admin)

    page = client.get(reverse("institutions:statement", kwargs={"pk": organisation.pk}))

    shown = {line.pk: line.accepted_quantity for line in page.context["lines"]}
    assert shown == {rice.pk: 8, tea.pk: None}
    html = page.content.decode()
    assert 'data-accepted="8">8</td>' in html
    assert 'data-accepted="">待验收</td>' in html
    assert "验收合格数量" in html
