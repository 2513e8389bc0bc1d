"""Report screen, CSV and XLSX agree with the counting function; freezing; overview; statement; impact."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from shop.core import dates
from shop.institutions import quotas, refunds, snapshots
from shop.institutions.models import Organisation, OrganisationOrder, Purpose, YearSnapshot
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory, place_order

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


@pytest.fixture
def counted_orders(buyer, organisation, partner, other_county):
    TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"))
    orange = factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"))
    potato = factories.ProductFactory(
        partner=partner, certified=True, price=Decimal("12.35"), origin_county=other_county
    )
    plain = factories.ProductFactory(partner=partner, price=Decimal("99.00"))
    first = place_order(buyer, [(orange, 3), (plain, 1)], organisation=organisation)
    place_order(buyer, [(potato, 4)], organisation=organisation, purpose=Purpose.UNION_WELFARE)
    refunds.record(first.lines.get(product=orange), amount=Decimal("5.00"))
    return first


def money(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", "").strip())


def test_report_screen_shows_the_counting_functions_figures(client, org_admin, organisation, counted_orders):
    client.force_login(org_admin)

    response = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}))

    assert response.status_code == 200
    expected = quotas.counted_value(organisation, year=YEAR)
    assert expected == Decimal("164.10")  # 3 × 39.90 − 5.00 + 4 × 12.35
    report = response.context["report"]
    assert report.progress.counted == expected
    assert report.orders_total == expected
    content = response.content.decode()
    assert 'data-amount="164.10"' in content
    assert "16.4%" in content
    assert counted_orders.number in content


def test_xlsx_and_csv_totals_equal_the_counting_function(client, org_admin, organisation, counted_orders):
    client.force_login(org_admin)
    expected = quotas.counted_value(organisation, year=YEAR)

    xlsx = client.get(reverse("institutions:report-xlsx", kwargs={"pk": organisation.pk}))
    text = client.get(reverse("institutions:report-csv", kwargs={"pk": organisation.pk}))

    assert xlsx.status_code == text.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    summary = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert Decimal(str(summary[3][1])) == expected  # the "counted toward the target" row
    *totalled, not_counted = workbook.worksheets[1:]
    for sheet in totalled:
        last = list(sheet.iter_rows(values_only=True))[-1]
        assert Decimal(str(last[-1])) == expected, sheet.title
    # The lines that do not count, by reason: the uncertified ¥99.00 line.
    assert list(not_counted.iter_rows(min_row=2, values_only=True)) == [
        ("不计入：没有有效的消费帮扶产品认定", 1, 99)
    ]
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    with translation.override("zh-hans"):
        total_label = gettext("Total")
    totals = [Decimal(row[-1]) for row in rows if row and row[0] == total_label]
    assert len(totals) == 6  # five breakdowns and the order list
    assert set(totals) == {expected}


def new_year_has_come(monkeypatch):
    """Move the clock to half past midnight on 1 January of the next year, Shanghai time."""
    moved = dates.year_bounds(YEAR + 1)[0] + datetime.timedelta(minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_frozen_year_keeps_its_figures_and_shows_a_late_refund_as_adjustment(
    client, org_admin, organisation, counted_orders, staff_user, monkeypatch
):
    new_year_has_come(monkeypatch)
    created = snapshots.freeze_year(YEAR, by=staff_user)
    line = counted_orders.lines.filter(was_certified=True).get()
    refunds.record(line, amount=Decimal("10.00"))
    client.force_login(org_admin)

    response = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}), {"year": YEAR})

    assert created >= 1
    progress = response.context["report"].progress
    assert progress.counted == Decimal("164.10")
    assert progress.live_counted == Decimal("154.10")
    assert progress.adjustment == Decimal("-10.00")
    assert 'id="adjustment"' in response.content.decode()
    assert snapshots.freeze_year(YEAR, by=staff_user) == 0  # freezing twice keeps the first snapshot


def test_staff_freeze_refuses_the_running_year(client, staff_user, organisation):
    client.force_login(staff_user)

    client.post(reverse("institutions-dashboard:freeze"), {"year": YEAR})

    assert not YearSnapshot.objects.exists()


def test_staff_overview_lists_filters_sorts_and_exports(client, staff_user, organisation, counted_orders):
    other = OrganisationFactory(name="某国有企业", kind=Organisation.Kind.STATE_OWNED)
    TargetFactory(organisation=other, year=YEAR, fixed_amount=Decimal("50.00"))
    client.force_login(staff_user)
    url = reverse("institutions-dashboard:overview")

    everything = client.get(url, {"year": YEAR, "sort": "-counted"})
    soe_only = client.get(url, {"year": YEAR, "kind": Organisation.Kind.STATE_OWNED})
    exported = client.get(url, {"year": YEAR, "format": "csv"})

    rows = everything.context["rows"]
    assert [row.organisation for row in rows] == [organisation, other]
    assert rows[0].counted == quotas.counted_value(organisation, year=YEAR)
    assert [row.organisation for row in soe_only.context["rows"]] == [other]
    csv_rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert any(row[:1] == [organisation.name] and row[5] == "164.10" for row in csv_rows)


def test_printable_statement_lists_counted_lines_and_total(client, org_admin, organisation, counted_orders):
    client.force_login(org_admin)

    response = client.get(reverse("institutions:statement", kwargs={"pk": organisation.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert counted_orders.number in content
    assert "164.10" in content
    assert "99.00" not in content  # the uncertified line is not on the statement


def test_supervising_unit_report_shows_units_below(client, partner):
    top = OrganisationFactory(name="省厅")
    below = OrganisationFactory(name="市局", parent=top)
    admin = factories.UserFactory(username="topadmin")
    MembershipFactory(organisation=top, user=admin, is_administrator=True)
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("10.00"))
    place_order(admin, [(item, 2)], organisation=below)
    client.force_login(admin)

    top_report = client.get(reverse("institutions:report", kwargs={"pk": top.pk}))
    below_report = client.get(reverse("institutions:report", kwargs={"pk": below.pk}))

    assert top_report.context["report"].progress.rollup_counted == Decimal("20.00")
    assert [unit.organisation for unit in top_report.context["report"].units] == [below]
    assert below_report.status_code == 200


def test_impact_dashboard_sums_paid_sales_from_poverty_counties(
    client, staff_user, consumer, buyer, organisation, partner, non_poverty_county
):
    certified = factories.ProductFactory(partner=partner, certified=True, price=Decimal("10.00"))
    plain = factories.ProductFactory(partner=partner, price=Decimal("5.00"))
    elsewhere = factories.ProductFactory(
        partner=partner, price=Decimal("7.00"), origin_county=non_poverty_county
    )
    place_order(consumer, [(certified, 1), (plain, 2), (elsewhere, 1)])
    place_order(buyer, [(certified, 3)], organisation=organisation)
    client.force_login(staff_user)

    response = client.get(reverse("institutions-dashboard:impact"))
    exported = client.get(reverse("institutions-dashboard:impact"), {"format": "xlsx"})

    impact = response.context["impact"]
    assert impact.total_sales == Decimal("57.00")
    assert impact.poverty_county_sales == Decimal("50.00")
    assert impact.certified_sales == Decimal("40.00")
    assert impact.institutional_sales == Decimal("30.00")
    assert impact.consumer_sales == Decimal("20.00")
    assert impact.sellers_with_sales == 1
    assert impact.households_linked == partner.households_linked
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    assert len(workbook.worksheets) >= 5


def test_report_screen_pages_the_counted_orders_in_sql(
    client,
    org_admin,
    organisation,
    counted_orders,
    buyer,
    partner,
    monkeypatch,
    django_assert_max_num_queries,
):
    """The screen shows one page of counted orders; the total is the unit's, whatever page is shown."""
    from shop.institutions import reports

    extra = factories.ProductFactory(partner=partner, certified=True, price=Decimal("10.00"))
    third = place_order(buyer, [(extra, 2)], organisation=organisation)
    monkeypatch.setattr(reports, "ORDERS_PER_PAGE", 2)
    client.force_login(org_admin)
    url = reverse("institutions:report", kwargs={"pk": organisation.pk})
    expected = quotas.counted_value(organisation, year=YEAR)

    first_page = client.get(url)
    second_page = client.get(url, {"page": 2})

    assert first_page.context["report"].orders_total == expected == Decimal("184.10")
    assert second_page.context["report"].orders_total == expected
    first_numbers = [row["number"] for row in first_page.context["report"].orders]
    second_numbers = [row["number"] for row in second_page.context["report"].orders]
    assert len(first_numbers) == 2 and second_numbers == [third.number]  # oldest first
    assert counted_orders.number in first_numbers
    assert first_page.context["paginator"].count == 3
    assert "page=2" in first_page.content.decode()
    # The page's rows carry the counted value after refunds: the first order's refund of 5.00.
    totals = {row["number"]: row["total"] for row in first_page.context["report"].orders}
    assert totals[counted_orders.number] == Decimal("114.70")  # 3 × 39.90 − 5.00
    assert client.get(url, {"page": "x"}).status_code == 200  # a bad page number shows page 1


def test_impact_dashboard_names_help_sell_outcomes_in_chinese(client, staff_user, partner):
    from shop.sellers.models import HelpSellFlag

    product = factories.ProductFactory(partner=partner)
    until = dates.today() + datetime.timedelta(days=10)
    for end_reason in ("", "", HelpSellFlag.EndReason.SOLD_OUT):
        HelpSellFlag.objects.create(
            product=product, quantity=100, reason="other", until=until, end_reason=end_reason
        )
    client.force_login(staff_user)

    response = client.get(reverse("institutions-dashboard:impact"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    with translation.override("zh-hans"):
        running, sold_out = gettext("Running"), gettext("Sold out")
    assert running != "Running"
    assert response.context["impact"].help_sell == {running: 2, sold_out: 1}
    assert f"<td>{running}</td><td>2</td>" in response.content.decode()


def test_the_reports_figures_from_the_ledger_equal_each_figure_computed_alone_from_the_lines(
    buyer, organisation, partner, other_county, counted_orders
):
    """quotas.unit_ledger_figures() (breakdowns, awaiting acceptance, counted orders, lines not counted,
    summed from the unit's ledger rows) gives the figures breakdowns(), awaiting_acceptance(),
    counted_orders_count() and not_counted() compute from the lines: with a refund, a short acceptance,
    an affiliated body's order, an uncertified line and another organisation's order."""
    from shop.institutions import acceptance

    union = OrganisationFactory(
        name="工会", parent=organisation, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    MembershipFactory(organisation=union, user=buyer)
    rice = factories.ProductFactory(partner=partner, certified=True, price=Decimal("50.00"))
    honey = factories.ProductFactory(
        partner=partner, certified=True, price=Decimal("20.00"), origin_county=other_county
    )
    accepted = place_order(buyer, [(rice, 10), (honey, 2)], organisation=organisation)
    link = OrganisationOrder.objects.get(order=accepted)
    rice_line, honey_line = accepted.lines.get(product=rice), accepted.lines.get(product=honey)
    acceptance.accept(link, by=buyer, quantities={rice_line.pk: (8, "两袋破损"), honey_line.pk: (2, "")})
    refunds.record(honey_line, amount=Decimal("7.00"))
    place_order(buyer, [(honey, 3)], organisation=union, purpose=Purpose.UNION_WELFARE)
    place_order(buyer, [(rice, 1)], organisation=OrganisationFactory(name="别的单位"))

    figures = quotas.unit_ledger_figures(organisation, year=YEAR)

    assert figures.breakdowns == quotas.all_breakdowns(organisation, year=YEAR)
    assert figures.awaiting_acceptance == quotas.awaiting_acceptance(organisation, year=YEAR)
    assert figures.orders == quotas.counted_orders_count(organisation, year=YEAR) == 4
    assert figures.not_counted == quotas.not_counted(organisation, year=YEAR)
    assert [(row["reason"], row["lines"]) for row in figures.not_counted] == [
        (quotas.Reason.NOT_CERTIFIED, 1)  # the fixture's uncertified line
    ]
    # Not accepted yet: the fixture's two orders (114.70 after its refund, 4 × 12.35) and the union's 3 × 20.
    assert figures.awaiting_acceptance == Decimal("114.70") + Decimal("49.40") + Decimal("60.00")
    counted = sum((amount for _label, amount in figures.breakdowns["purpose"]), Decimal("0"))
    assert counted == quotas.counted_value(organisation, year=YEAR)
