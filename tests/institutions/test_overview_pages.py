"""The pages that read the quota ledger for many organisations or for one: the staff overview builds the
figures of only the page it shows (sorted and totalled over every listed organisation), the organisation
page pages its orders, the quota report sums the long tail of a breakdown on screen; each runs the same
number of queries whatever the number of organisations and orders, and shows the live figures."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import ngettext

from shop.core import dates
from shop.institutions import quotas, reports
from shop.institutions.models import Organisation
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory, place_order

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


def product(partner, price, **options):
    return factories.ProductFactory(
        partner=partner, certified=True, price=Decimal(price), num_in_stock=10_000, **options
    )


@pytest.fixture(autouse=True)
def short_pages(monkeypatch):
    """Ten organisations a page, so that a few organisations make several pages."""
    monkeypatch.setattr(reports, "OVERVIEW_PER_PAGE", 10)


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def organisations_buying(count: int, buyer, rice, *, first: int = 0) -> list[Organisation]:
    """`count` organisations, the n-th buying n + 1 bags of rice (distinct counted values)."""
    made = []
    for index in range(first, first + count):
        organisation = OrganisationFactory(name=f"单位{index:03d}")
        TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"))
        MembershipFactory(organisation=organisation, user=buyer)
        place_order(buyer, [(rice, index + 1)], organisation=organisation)
        made.append(organisation)
    return made


def test_the_overview_pages_every_organisation_in_order_with_live_figures_and_totals_of_all(
    client, staff_user, partner
):
    buyer = factories.UserFactory(username="bulkbuyer")
    rice = product(partner, "10.00")
    organisations = organisations_buying(13, buyer, rice)
    union = OrganisationFactory(
        name="单位000工会", parent=organisations[0], relation_to_parent=Organisation.Relation.AFFILIATED
    )
    MembershipFactory(organisation=union, user=buyer)
    place_order(buyer, [(rice, 100)], organisation=union)
    url = reverse("institutions-dashboard:overview")
    client.force_login(staff_user)

    first = client.get(url, {"year": YEAR, "sort": "-counted"})
    second = client.get(url, {"year": YEAR, "sort": "-counted", "page": 2})

    rows = [*first.context["rows"], *second.context["rows"]]
    assert len(first.context["rows"]) == reports.OVERVIEW_PER_PAGE
    assert first.context["total"] == second.context["total"] == 14
    assert {row.organisation.pk for row in rows} == {*(o.pk for o in organisations), union.pk}
    counted = [row.counted for row in rows]
    assert counted == sorted(counted, reverse=True)
    for row in rows:
        assert row.counted == quotas.progress(row.organisation, year=YEAR).counted
    # The unit counts its union's ¥1,000; the union's row is left out of the counted total.
    assert rows[0].organisation == organisations[0] and rows[0].counted == Decimal("1010.00")
    everything = sum((row.counted for row in rows if row.organisation != union), Decimal(0))
    assert first.context["totals"].counted == second.context["totals"].counted == everything
    assert first.context["totals"].target == Decimal("13000.00")


def test_the_overview_sorts_by_name_and_share_across_pages(client, staff_user, partner):
    buyer = factories.UserFactory(username="bulkbuyer")
    organisations = organisations_buying(12, buyer, product(partner, "10.00"))
    url = reverse("institutions-dashboard:overview")
    client.force_login(staff_user)

    by_name = [
        row.organisation.name
        for page in (1, 2)
        for row in client.get(url, {"year": YEAR, "page": page}).context["rows"]
    ]
    by_share = [
        row.organisation
        for page in (1, 2)
        for row in client.get(url, {"year": YEAR, "sort": "share", "page": page}).context["rows"]
    ]

    assert by_name == sorted(o.name for o in organisations)
    assert by_share == organisations  # the n-th bought n + 1 bags of the same target


def test_the_overview_page_and_its_export_run_the_same_queries_for_5_and_25_organisations(
    client, staff_user, partner
):
    buyer = factories.UserFactory(username="bulkbuyer")
    rice = product(partner, "10.00")
    url = reverse("institutions-dashboard:overview")
    client.force_login(staff_user)
    organisations_buying(5, buyer, rice)
    queries(client, url)  # the session's first request creates it
    small = [queries(client, url, {"year": YEAR}), queries(client, url, {"year": YEAR, "format": "csv"})]

    organisations_buying(20, buyer, rice, first=5)
    queries(client, url)  # after new memberships, cached menus may be read again once
    large = [
        queries(client, url, {"year": YEAR}),
        queries(client, url, {"year": YEAR, "format": "csv"}),
        queries(client, url, {"year": YEAR, "sort": "-share", "page": 2}),
    ]

    assert large == [*small, small[0]]
    export = client.get(url, {"year": YEAR, "format": "csv"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == 1 + 25 + 1  # header, every organisation, total


def test_the_organisation_page_pages_its_orders_and_shows_the_live_figure(
    client, org_admin, organisation, buyer, partner
):
    rice = product(partner, "10.00")
    TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"))
    url = reverse("institutions:detail", kwargs={"pk": organisation.pk})
    client.force_login(org_admin)
    for _ in range(2):
        place_order(buyer, [(rice, 1)], organisation=organisation)
    queries(client, url)
    few = queries(client, url)

    for _ in range(28):  # 30 orders in all
        place_order(buyer, [(rice, 1)], organisation=organisation)
    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert queries(client, url) == few
    assert len(first.context["orders"]) == 25 and len(second.context["orders"]) == 5
    assert first.context["progress"].counted == quotas.progress(organisation, year=YEAR).counted
    assert first.context["progress"].counted == Decimal("300.00")


def test_the_report_sums_a_long_breakdown_beyond_its_first_rows_on_screen_and_exports_every_row(
    client, org_admin, organisation, buyer, partner
):
    counties = [
        factories.CountyFactory(code=f"3607{index + 40}", name=f"测试县{index:02d}") for index in range(15)
    ]
    for index, county in enumerate(counties):
        place_order(
            buyer, [(product(partner, "10.00", origin_county=county), index + 1)], organisation=organisation
        )
    client.force_login(org_admin)

    report = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk})).context["report"]
    export = client.get(reverse("institutions:report-csv", kwargs={"pk": organisation.pk}))

    shown = report.breakdowns_shown["county"]
    assert (
        shown[: reports.BREAKDOWN_ROWS_SHOWN] == report.breakdowns["county"][: reports.BREAKDOWN_ROWS_SHOWN]
    )
    # The three smallest counties (1, 2 and 3 bags) in one row.
    assert shown[-1] == (ngettext("%(count)d other", "%(count)d others", 3) % {"count": 3}, Decimal("60.00"))
    assert len(shown) == reports.BREAKDOWN_ROWS_SHOWN + 1
    assert sum(amount for _label, amount in shown) == report.progress.counted == Decimal("1200.00")
    names = {county.name for county in counties}
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert names <= {row[0] for row in rows if row}


def test_the_report_runs_the_same_queries_for_1_and_13_organisations(
    client, org_admin, organisation, buyer, partner
):
    rice = product(partner, "10.00")
    place_order(buyer, [(rice, 1)], organisation=organisation)
    url = reverse("institutions:report", kwargs={"pk": organisation.pk})
    client.force_login(org_admin)
    queries(client, url)
    alone = queries(client, url)

    organisations_buying(12, factories.UserFactory(username="bulkbuyer"), rice)
    queries(client, url)  # after new memberships, cached menus may be read again once

    assert queries(client, url) == alone
