"""The stored quota ledger (LedgerEntry): after every kind of event that changes a counted figure, an
organisation's row for the year equals the live aggregate over its order lines; the recount repairs a
row that drifted; the staff overview reads the rows in a number of queries that does not grow with the
number of organisations."""

from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.core import dates
from shop.core.exceptions import LimitExceeded, NotPermitted
from shop.institutions import acceptance, ledger, quotas, refunds
from shop.institutions.models import LedgerEntry, Organisation, OrganisationOrder, Purpose
from shop.order import statuses
from tests import factories
from tests.commit import committed
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory, place_order

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


def product(partner, price, **options):
    return factories.ProductFactory(partner=partner, certified=True, price=Decimal(price), **options)


def live(organisation) -> Decimal:
    return quotas.counted_by_organisation(year=YEAR, organisation_ids=[organisation.pk]).get(
        organisation.pk, Decimal("0.00")
    )


def entry(organisation) -> LedgerEntry:
    return LedgerEntry.objects.get(organisation=organisation, year=YEAR)


def assert_row_is_live(organisation, expected: str) -> LedgerEntry:
    row = entry(organisation)
    assert row.counted == live(organisation) == Decimal(expected)
    assert row.q1 + row.q2 + row.q3 + row.q4 == row.counted
    assert sum((Decimal(amount) for amount in row.by_purpose.values()), Decimal(0)) == row.counted
    assert row.line_count == quotas.qualifying_lines(year=YEAR, organisation_ids=[organisation.pk]).count()
    assert_report_figures_are_live(organisation)
    return row


def assert_report_figures_are_live(organisation) -> None:
    """The report's figures summed from the unit's ledger rows equal those computed from its lines."""
    figures = quotas.unit_ledger_figures(organisation, year=YEAR)
    assert figures.breakdowns == quotas.all_breakdowns(organisation, year=YEAR)
    assert figures.awaiting_acceptance == quotas.awaiting_acceptance(organisation, year=YEAR)
    assert figures.orders == quotas.counted_orders_count(organisation, year=YEAR)
    assert figures.not_counted == quotas.not_counted(organisation, year=YEAR)


def test_a_placed_organisation_order_is_in_the_ledger(buyer, organisation, partner):
    assert not LedgerEntry.objects.exists()

    place_order(
        buyer, [(product(partner, "30.00"), 2), (product(partner, "15.00"), 1)], organisation=organisation
    )

    row = assert_row_is_live(organisation, "75.00")
    assert row.line_count == 2
    assert getattr(row, f"q{(dates.today().month - 1) // 3 + 1}") == Decimal("75.00")
    assert row.by_purpose == {Purpose.CANTEEN: "75.00"}


def test_a_personal_order_and_an_uncertified_line_leave_the_ledger_alone(
    buyer, organisation, partner, uncertified_product
):
    place_order(buyer, [(product(partner, "30.00"), 1)])
    place_order(buyer, [(uncertified_product, 1), (product(partner, "20.00"), 1)], organisation=organisation)

    assert LedgerEntry.objects.count() == 1
    assert_row_is_live(organisation, "20.00")


def test_a_bank_refund_recorded_by_staff_lowers_the_row(client, order_staff, buyer, organisation, partner):
    order = place_order(
        buyer, [(product(partner, "40.00"), 3), (product(partner, "15.00"), 2)], organisation=organisation
    )
    line = order.lines.get(line_price_incl_tax=Decimal("120.00"))
    client.force_login(order_staff)

    response = client.post(
        reverse("dashboard:order-bank-refund", kwargs={"number": order.number}),
        {"line": line.pk, "amount": "30.00", "refunded_on": dates.today().isoformat(), "reference": "退-001"},
    )

    assert response.status_code == 302
    assert_row_is_live(organisation, "120.00")


def test_a_refund_refused_for_exceeding_the_line_leaves_the_row(buyer, organisation, partner):
    order = place_order(buyer, [(product(partner, "40.00"), 1)], organisation=organisation)

    with pytest.raises(LimitExceeded):
        refunds.record(order.lines.get(), amount=Decimal("40.01"))

    assert_row_is_live(organisation, "40.00")


def test_a_line_cancelled_in_the_dashboard_leaves_the_row(client, order_staff, buyer, organisation, partner):
    order = place_order(
        buyer, [(product(partner, "30.00"), 1), (product(partner, "45.00"), 2)], organisation=organisation
    )
    cancelled = order.lines.get(line_price_incl_tax=Decimal("90.00"))
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
    assert cancelled.status == statuses.LINE_CANCELLED
    assert assert_row_is_live(organisation, "30.00").line_count == 1


def test_an_order_set_to_refunded_in_the_dashboard_empties_its_part_of_the_row(
    client, order_staff, buyer, organisation, partner
):
    place_order(buyer, [(product(partner, "30.00"), 1)], organisation=organisation)
    refunded = place_order(buyer, [(product(partner, "70.00"), 2)], organisation=organisation)
    assert_row_is_live(organisation, "170.00")
    client.force_login(order_staff)

    response = client.post(
        reverse("dashboard:order-detail", kwargs={"number": refunded.number}),
        {"order_action": "change_order_status", "new_status": "refunded"},
    )

    assert response.status_code == 302
    assert_row_is_live(organisation, "30.00")


def test_an_order_paid_later_enters_the_row_when_it_is_paid(
    client, order_staff, buyer, organisation, partner
):
    order = place_order(
        buyer, [(product(partner, "30.00"), 1)], organisation=organisation, status=statuses.PENDING_PAYMENT
    )
    assert_row_is_live(organisation, "0.00")

    order.set_status(statuses.PAID)

    assert_row_is_live(organisation, "30.00")


def test_an_acceptance_with_a_shortfall_lowers_the_row(client, buyer, organisation, partner):
    order = place_order(
        buyer, [(product(partner, "50.00"), 10), (product(partner, "30.00"), 1)], organisation=organisation
    )
    rice = order.lines.get(quantity=10)
    tea = order.lines.get(quantity=1)
    client.force_login(buyer)

    response = client.post(
        reverse("institutions:order-acceptance", kwargs={"pk": organisation.pk, "number": order.number}),
        {
            f"quantity_{rice.pk}": "8",
            f"note_{rice.pk}": "两袋破损",
            f"quantity_{tea.pk}": "1",
            f"note_{tea.pk}": "",
        },
    )

    assert response.status_code == 302
    assert_row_is_live(organisation, "430.00")


def test_a_refused_acceptance_leaves_the_row(buyer, outsider, organisation, partner):
    order = place_order(buyer, [(product(partner, "50.00"), 10)], organisation=organisation)
    link = OrganisationOrder.objects.get(order=order)

    with pytest.raises(NotPermitted):
        acceptance.accept(link, by=outsider, quantities={order.lines.get().pk: (5, "少了")})

    assert_row_is_live(organisation, "500.00")


def test_a_union_order_has_its_own_row_and_counts_in_its_units_overview_figure(
    client, staff_user, buyer, organisation, partner, other_county
):
    organisation.paired_counties.set([other_county])
    union = OrganisationFactory(
        name="赣州市财政局工会", parent=organisation, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"))
    place_order(buyer, [(product(partner, "10.00"), 1)], organisation=organisation)
    place_order(
        buyer,
        [(product(partner, "25.00", origin_county=other_county), 4)],
        organisation=union,
        purpose=Purpose.UNION_WELFARE,
    )

    assert_row_is_live(organisation, "10.00")
    assert assert_row_is_live(union, "100.00").by_county == {other_county.pk: "100.00"}
    client.force_login(staff_user)
    rows = {
        row.organisation.pk: row
        for row in client.get(reverse("institutions-dashboard:overview"), {"year": YEAR}).context["rows"]
    }
    live_progress = quotas.progress(organisation, year=YEAR)
    assert rows[organisation.pk].counted == live_progress.counted == Decimal("110.00")
    assert rows[organisation.pk].paired_counted == live_progress.paired_counted == Decimal("100.00")
    assert rows[organisation.pk].by_purpose == live_progress.by_purpose


def test_the_recount_command_repairs_a_tampered_row_and_removes_a_stray_one(buyer, organisation, partner):
    place_order(buyer, [(product(partner, "30.00"), 2)], organisation=organisation)
    stranger = OrganisationFactory(name="别的单位")
    LedgerEntry.objects.filter(organisation=organisation).update(
        counted=Decimal("999.00"), q1=Decimal("5.00")
    )
    LedgerEntry.objects.create(
        organisation=stranger, year=YEAR, counted=Decimal("8.00"), recomputed_at=dates.now()
    )
    out = StringIO()

    call_command("recount_ledger", "--no-progress", stdout=out)

    assert "2 row(s) differed" in out.getvalue()
    assert_row_is_live(organisation, "60.00")
    assert not LedgerEntry.objects.filter(organisation=stranger).exists()
    out = StringIO()
    call_command("recount_ledger", "--no-progress", stdout=out)
    assert "0 row(s) differed" in out.getvalue()


def test_the_daily_check_is_scheduled_and_repairs_drift(buyer, organisation, partner, caplog):
    place_order(buyer, [(product(partner, "30.00"), 1)], organisation=organisation)
    LedgerEntry.objects.filter(organisation=organisation).delete()

    summary = ledger.check()

    assert summary == {"years": 1, "repaired": 1}
    assert "drifted" in caplog.text
    assert_row_is_live(organisation, "30.00")
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "shop.institutions.tasks.check_quota_ledger" in tasks


def test_on_commit_a_transaction_refreshes_each_row_once(settings, buyer, organisation, partner, monkeypatch):
    settings.QUOTA_LEDGER_ON_COMMIT = True
    refreshed = []
    original = quotas.refresh_ledger
    monkeypatch.setattr(
        quotas,
        "refresh_ledger",
        lambda ids, years: (refreshed.append((set(ids), set(years))), original(ids, years)),
    )
    rice = product(partner, "50.00")

    with committed():
        order = place_order(buyer, [(rice, 2)], organisation=organisation)
        refunds.record(order.lines.get(), amount=Decimal("20.00"))
        assert not LedgerEntry.objects.exists()  # not before the commit

    assert refreshed == [({organisation.pk}, {YEAR})]
    assert_row_is_live(organisation, "80.00")


def overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("institutions-dashboard:overview"), {"year": YEAR})
    assert response.status_code == 200
    return len(captured)


def add_organisations(count: int, buyer, partner, other_county):
    for index in range(count):
        organisation = OrganisationFactory(
            name=f"单位{index:03d}", paired=[other_county] if index % 2 else []
        )
        TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("5000.00"))
        MembershipFactory(organisation=organisation, user=buyer)
        place_order(
            buyer, [(product(partner, "10.00", origin_county=other_county), 1)], organisation=organisation
        )


def test_the_staff_overview_runs_the_same_queries_for_5_and_50_organisations(
    client, staff_user, partner, other_county
):
    buyer = factories.UserFactory(username="bulkbuyer")
    client.force_login(staff_user)
    add_organisations(5, buyer, partner, other_county)
    overview_queries(client)  # the session's first request creates it
    small = overview_queries(client)

    add_organisations(45, buyer, partner, other_county)
    overview_queries(client)  # after new memberships, cached menus may be read again once
    large = overview_queries(client)

    assert large == small
    response = client.get(reverse("institutions-dashboard:overview"), {"year": YEAR, "sort": "-counted"})
    assert response.context["total"] == 50
    assert response.context["totals"].counted == Decimal("500.00")


def test_the_overview_is_refused_to_a_member_who_is_not_staff(client, buyer):
    client.force_login(buyer)

    response = client.get(reverse("institutions-dashboard:overview"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_organisation_whose_lines_all_fail_has_a_row_that_lists_them(
    buyer, organisation, uncertified_product
):
    place_order(buyer, [(uncertified_product, 2)], organisation=organisation)

    row = assert_row_is_live(organisation, "0.00")
    total = str(
        OrganisationOrder.objects.get(organisation=organisation).order.lines.get().line_price_incl_tax
    )
    assert row.not_counted == {quotas.Reason.NOT_CERTIFIED.value: [1, total]}
    assert (row.line_count, row.order_count, row.by_month) == (0, 0, {})


def test_a_row_written_before_the_report_figures_existed_is_recomputed_when_the_report_is_read(
    client, org_admin, buyer, organisation, partner, other_county
):
    place_order(buyer, [(product(partner, "30.00"), 2)], organisation=organisation)
    place_order(
        buyer, [(product(partner, "12.50", origin_county=other_county), 4)], organisation=organisation
    )
    # As the migration that added the report's figures left the rows: the old figures, the new ones empty.
    LedgerEntry.objects.filter(organisation=organisation).update(
        revision=1, by_province={}, by_category={}, by_month={}, order_count=0, awaiting_acceptance=0
    )
    client.force_login(org_admin)

    report = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk})).context["report"]

    assert entry(organisation).revision == quotas.LEDGER_REVISION
    assert report.breakdowns == quotas.all_breakdowns(organisation, year=YEAR)
    assert sorted(amount for _county, amount in report.breakdowns["county"]) == [
        Decimal("50.00"),
        Decimal("60.00"),
    ]
    assert report.orders_page.paginator.count == 2
    assert report.awaiting_acceptance == Decimal("110.00")
