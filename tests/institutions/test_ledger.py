"""The quota ledger counts every line once, on every surface, following the money of the line.

Each test goes through the real pages (report, CSV, XLSX, statement, staff overview, Oscar's order
dashboard) and compares with the counting functions.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import Organisation, Purpose, YearSnapshot
from tests import factories
from tests.institutions.factories import OrganisationFactory, TargetFactory, place_order

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()
LAST_YEAR = YEAR - 1


@pytest.fixture
def order_staff(staff_user):
    """A member of staff allowed to handle orders in Oscar's dashboard."""
    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="order", codename__in=["view_order", "change_order"]
        )
    )
    return staff_user


def product(partner, price, **options):
    return factories.ProductFactory(partner=partner, certified=True, price=Decimal(price), **options)


@pytest.fixture
def unit_with_union(organisation, buyer, partner, county, other_county):
    """A unit paired with 于都县 and its trade union; both buy from 于都县 and from elsewhere."""
    organisation.paired_counties.set([other_county])
    union = OrganisationFactory(
        name="赣州市财政局工会", parent=organisation, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"))
    paired = product(partner, "25.00", origin_county=other_county)
    elsewhere = product(partner, "10.00", origin_county=county)
    place_order(buyer, [(paired, 2), (elsewhere, 1)], organisation=organisation)
    place_order(buyer, [(paired, 4)], organisation=union, purpose=Purpose.UNION_WELFARE)
    return union


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def summary_value(rows, label):
    return next(row[1] for row in rows if row and row[0] == label)


def test_union_purchases_from_a_paired_county_count_in_the_units_paired_figure_everywhere(
    client, org_admin, organisation, unit_with_union
):
    client.force_login(org_admin)
    expected = Decimal("150.00")  # the unit's 2 × 25 and its union's 4 × 25 from 于都县

    page = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}))
    statement = client.get(reverse("institutions:statement", kwargs={"pk": organisation.pk}))
    as_csv = client.get(reverse("institutions:report-csv", kwargs={"pk": organisation.pk}))
    as_xlsx = client.get(reverse("institutions:report-xlsx", kwargs={"pk": organisation.pk}))

    assert page.context["report"].progress.paired_counted == expected
    assert "¥150.00" in page.content.decode()
    assert statement.context["report"].progress.paired_counted == expected
    assert "¥150.00" in statement.content.decode()
    assert Decimal(summary_value(csv_rows(as_csv), "来自定点帮扶县")) == expected
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    xlsx = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert Decimal(str(xlsx["来自定点帮扶县"])) == expected
    assert quotas.progress_for_all(year=YEAR)[organisation.pk].paired_counted == expected


def test_freezing_keeps_the_paired_figure_and_its_purposes_sum_to_the_frozen_total(
    client, staff_user, org_admin, organisation, buyer, partner, county, other_county
):
    organisation.paired_counties.set([other_county])
    union = OrganisationFactory(parent=organisation, relation_to_parent=Organisation.Relation.AFFILIATED)
    last_year = dates.at(datetime.date(LAST_YEAR, 6, 1), datetime.time(12))
    paired = product(partner, "25.00", origin_county=other_county)
    place_order(
        buyer, [(paired, 2), (product(partner, "10.00"), 1)], organisation=organisation, placed_at=last_year
    )
    place_order(buyer, [(paired, 4)], organisation=union, purpose=Purpose.UNION_WELFARE, placed_at=last_year)
    client.force_login(org_admin)
    report_url = reverse("institutions:report", kwargs={"pk": organisation.pk}) + f"?year={LAST_YEAR}"
    live = client.get(report_url).context["report"].progress

    client.force_login(staff_user)
    client.post(reverse("institutions-dashboard:freeze"), {"year": LAST_YEAR})
    client.force_login(org_admin)
    frozen = client.get(report_url).context["report"].progress

    snapshot = YearSnapshot.objects.get(organisation=organisation, year=LAST_YEAR)
    assert frozen.frozen == snapshot
    assert live.paired_counted == frozen.paired_counted == snapshot.paired_counted == Decimal("150.00")
    assert snapshot.by_purpose == {Purpose.CANTEEN: "60.00", Purpose.UNION_WELFARE: "100.00"}
    assert sum(Decimal(value) for value in snapshot.by_purpose.values()) == snapshot.counted == live.counted


def report_counted(client, user, organisation) -> Decimal:
    client.force_login(user)
    response = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}))
    assert response.status_code == 200
    return response.context["report"].progress.counted


def test_an_order_set_to_refunded_in_the_dashboard_counts_nothing(
    client, order_staff, org_admin, buyer, organisation, partner
):
    kept = place_order(buyer, [(product(partner, "30.00"), 1)], organisation=organisation)
    refunded = place_order(buyer, [(product(partner, "70.00"), 2)], organisation=organisation)
    assert report_counted(client, org_admin, organisation) == Decimal("170.00")

    client.force_login(order_staff)
    response = client.post(
        reverse("dashboard:order-detail", kwargs={"number": refunded.number}),
        {"order_action": "change_order_status", "new_status": "refunded"},
    )

    assert response.status_code == 302
    refunded.refresh_from_db()
    assert refunded.status == "refunded"
    assert report_counted(client, org_admin, organisation) == Decimal("30.00")
    assert quotas.line_counts(refunded.lines.get(), year=YEAR) == (False, quotas.Reason.ORDER_REFUNDED)
    assert quotas.line_counts(kept.lines.get(), year=YEAR) == (True, quotas.Reason.COUNTS)


def test_a_line_cancelled_in_the_dashboard_counts_nothing_while_the_rest_of_the_order_counts(
    client, order_staff, org_admin, buyer, organisation, partner
):
    order = place_order(
        buyer, [(product(partner, "30.00"), 1), (product(partner, "45.00"), 2)], organisation=organisation
    )
    cancelled = order.lines.get(line_price_incl_tax=Decimal("90.00"))
    assert report_counted(client, org_admin, organisation) == Decimal("120.00")

    client.force_login(order_staff)
    client.post(
        reverse("dashboard:order-detail", kwargs={"number": order.number}),
        {
            "line_action": "change_line_statuses",
            "selected_line": [cancelled.pk],
            f"selected_line_qty_{cancelled.pk}": 2,
            "new_status": "cancelled",
        },
    )

    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    assert report_counted(client, org_admin, organisation) == Decimal("30.00")
    client.force_login(org_admin)
    statement = client.get(reverse("institutions:statement", kwargs={"pk": organisation.pk}))
    assert [line.pk for line in statement.context["lines"]] == [order.lines.get(line_price_incl_tax=30).pk]


def test_the_staff_overview_totals_count_a_unit_and_its_union_once(
    client, staff_user, buyer, organisation, partner
):
    union = OrganisationFactory(
        name="赣州市财政局工会", parent=organisation, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    below = OrganisationFactory(name="赣州市章贡区财政局", parent=organisation)
    TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"))
    TargetFactory(organisation=below, year=YEAR, fixed_amount=Decimal("300.00"))
    item = product(partner, "10.00")
    place_order(buyer, [(item, 1)], organisation=organisation)
    place_order(buyer, [(item, 2)], organisation=union, purpose=Purpose.UNION_WELFARE)
    place_order(buyer, [(item, 4)], organisation=below)
    client.force_login(staff_user)
    url = reverse("institutions-dashboard:overview")

    page = client.get(url, {"year": YEAR})
    exported = csv_rows(client.get(url, {"year": YEAR, "format": "csv"}))

    rows = {p.organisation.pk: p for p in page.context["rows"]}
    assert rows[organisation.pk].counted == Decimal("30.00")  # its own 10 and its union's 20
    assert rows[union.pk].counted == Decimal("20.00")
    assert sum(p.counted for p in rows.values()) == Decimal("90.00")  # the union twice
    totals = page.context["totals"]
    assert totals.counted == Decimal("70.00")  # every purchase once: 10 + 20 + 40
    assert totals.rollup_counted == Decimal("70.00")
    assert totals.target == Decimal("1300.00")
    assert totals.rollup_target == Decimal("1300.00")
    footer = page.content.decode().split('id="overview-totals"')[1]
    assert 'data-amount="70.00"' in footer and 'data-amount="1300.00"' in footer
    total_row = exported[-1]
    assert total_row[0] == "合计"
    assert [Decimal(total_row[i]) for i in (4, 5, 7, 8)] == [
        Decimal("1300.00"),
        Decimal("70.00"),
        Decimal("1300.00"),
        Decimal("70.00"),
    ]


def test_overview_totals_of_a_filtered_list_still_count_a_listed_union_alone(
    client, staff_user, buyer, organisation, partner
):
    union = OrganisationFactory(
        name="赣州市财政局工会",
        parent=organisation,
        relation_to_parent=Organisation.Relation.AFFILIATED,
        kind=Organisation.Kind.SOCIAL,
    )
    place_order(buyer, [(product(partner, "10.00"), 1)], organisation=organisation)
    place_order(buyer, [(product(partner, "10.00"), 2)], organisation=union, purpose=Purpose.UNION_WELFARE)
    client.force_login(staff_user)

    page = client.get(reverse("institutions-dashboard:overview"), {"year": YEAR, "kind": union.kind})

    assert [p.organisation for p in page.context["rows"]] == [union]
    assert page.context["totals"].counted == Decimal("20.00")
