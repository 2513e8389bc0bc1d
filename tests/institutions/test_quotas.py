"""The quota rule, figure by figure, with hand-computed expected values."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from oscar.core.loading import get_model

from catalogue_ext import certification
from shop.core import dates
from shop.core.exceptions import LimitExceeded
from shop.institutions import quotas, refunds
from shop.institutions.models import AnnualTarget, Organisation, Purpose
from shop.order import statuses
from tests import factories
from tests.institutions.factories import OrganisationFactory, TargetFactory, place_order

Order = get_model("order", "Order")
ProductCertificate = get_model("catalogue", "ProductCertificate")

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


def product(partner, price, *, certified=True, county=None, **kwargs):
    if county is not None:
        kwargs["origin_county"] = county
    return factories.ProductFactory(partner=partner, certified=certified, price=Decimal(price), **kwargs)


def test_only_certified_lines_from_poverty_counties_count(buyer, organisation, partner, non_poverty_county):
    certified = product(partner, "39.90")
    uncertified = product(partner, "50.00", certified=False)
    not_poor = product(partner, "20.00", county=non_poverty_county)

    place_order(buyer, [(certified, 2), (uncertified, 1), (not_poor, 3)], organisation=organisation)

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("79.80")


def test_certificate_expiring_after_the_order_still_counts(buyer, organisation, partner):
    item = product(partner, "39.90")
    place_order(buyer, [(item, 1)], organisation=organisation)

    item.certificates.update(
        status=ProductCertificate.Status.EXPIRED,
        expiry_date=dates.today() - datetime.timedelta(days=1),
        issue_date=dates.today() - datetime.timedelta(days=300),
    )

    assert not certification.is_product_certified(item)
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("39.90")


def test_product_certified_only_after_the_order_does_not_count(buyer, organisation, partner):
    item = product(partner, "39.90", certified=False)
    place_order(buyer, [(item, 1)], organisation=organisation)

    factories.CertificateFactory(product=item)

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("0.00")


@pytest.mark.parametrize(
    "status",
    [statuses.CANCELLED, statuses.PENDING_PAYMENT, statuses.PAYMENT_FAILED, statuses.AWAITING_APPROVAL],
)
def test_cancelled_unpaid_and_unapproved_orders_do_not_count(buyer, organisation, partner, status):
    item = product(partner, "10.00")
    place_order(buyer, [(item, 1)], organisation=organisation)  # paid: 10.00 counts
    place_order(buyer, [(item, 5)], organisation=organisation, status=status)

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("10.00")


@pytest.mark.parametrize("status", [statuses.PAID, statuses.SHIPPED, statuses.COMPLETED])
def test_paid_shipped_and_completed_orders_count(buyer, organisation, partner, status):
    item = product(partner, "10.00")
    place_order(buyer, [(item, 3)], organisation=organisation, status=status)

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("30.00")


def test_personal_orders_do_not_count(buyer, organisation, partner):
    item = product(partner, "10.00")
    place_order(buyer, [(item, 3)])

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("0.00")


def test_partial_refund_is_deducted_from_its_line(buyer, organisation, partner):
    item = product(partner, "39.90")
    other = product(partner, "12.00")
    order = place_order(buyer, [(item, 3), (other, 1)], organisation=organisation)  # 119.70 + 12.00

    refunds.record(order.lines.get(product=item), amount=Decimal("39.90"), reference="RF-1")
    refunds.record(order.lines.get(product=item), amount=Decimal("10.00"), reference="RF-2")

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("81.80")  # 131.70 - 49.90


def test_refund_larger_than_the_line_is_refused(buyer, organisation, partner):
    item = product(partner, "39.90")
    order = place_order(buyer, [(item, 1)], organisation=organisation)

    with pytest.raises(LimitExceeded):
        refunds.record(order.lines.get(), amount=Decimal("40.00"))

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("39.90")


def test_refund_of_an_uncounted_line_changes_nothing(buyer, organisation, partner):
    counted = product(partner, "39.90")
    uncertified = product(partner, "50.00", certified=False)
    order = place_order(buyer, [(counted, 1), (uncertified, 1)], organisation=organisation)

    refunds.record(order.lines.get(product=uncertified), amount=Decimal("50.00"))

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("39.90")


def test_year_boundary_is_midnight_in_shanghai(buyer, organisation, partner):
    item = product(partner, "10.00")
    utc = datetime.UTC
    # 2025-12-31 23:59:59 in Shanghai is 15:59:59 UTC; one second later it is 2026 in Shanghai.
    place_order(
        buyer,
        [(item, 1)],
        organisation=organisation,
        placed_at=datetime.datetime(2025, 12, 31, 15, 59, 59, tzinfo=utc),
    )
    place_order(
        buyer,
        [(item, 2)],
        organisation=organisation,
        placed_at=datetime.datetime(2025, 12, 31, 16, 0, 0, tzinfo=utc),
    )

    assert quotas.counted_value(organisation, year=2025) == Decimal("10.00")
    assert quotas.counted_value(organisation, year=2026) == Decimal("20.00")


def test_paired_county_part_counts_only_lines_from_paired_counties(buyer, partner, county, other_county):
    organisation = OrganisationFactory(paired=[other_county])
    TargetFactory(
        organisation=organisation, year=YEAR, fixed_amount=Decimal("1000.00"), paired_share=Decimal("0.30")
    )
    from_county = product(partner, "10.00", county=county)
    from_paired = product(partner, "25.00", county=other_county)

    place_order(buyer, [(from_county, 2), (from_paired, 2)], organisation=organisation)
    progress = quotas.progress(organisation, year=YEAR)

    assert progress.counted == Decimal("70.00")
    assert progress.paired_counted == Decimal("50.00")
    assert progress.paired_target == Decimal("300.00")


def test_target_is_declared_canteen_spending_times_the_organisations_share(organisation):
    organisation.quota_share = Decimal("0.20")
    organisation.save()

    target = AnnualTarget.objects.create(
        organisation=organisation, year=YEAR, declared_canteen_spending=Decimal("1234567.89")
    )

    assert target.amount == Decimal("246913.58")  # 1,234,567.89 × 20% = 246,913.578 → 246,913.58


@override_settings(AIDMARKET_DEFAULT_QUOTA_SHARE="0.10")
def test_target_uses_the_site_wide_share_unless_the_organisation_or_target_sets_one(organisation):
    target = AnnualTarget.objects.create(
        organisation=organisation, year=YEAR, declared_canteen_spending=Decimal("500000")
    )
    assert target.amount == Decimal("50000.00")

    target.share = Decimal("0.30")
    assert target.amount == Decimal("150000.00")

    target.fixed_amount = Decimal("88000.00")
    assert target.amount == Decimal("88000.00")


def test_three_level_hierarchy_rolls_up_to_the_sum_of_its_units(buyer, partner):
    province = OrganisationFactory(name="省农业农村厅")
    city = OrganisationFactory(name="市农业农村局", parent=province)
    county_unit = OrganisationFactory(name="县农业农村局", parent=city)
    union = OrganisationFactory(
        name="省农业农村厅工会", parent=province, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    for unit, amount in ((province, "1000.00"), (city, "500.00"), (county_unit, "200.00")):
        TargetFactory(organisation=unit, year=YEAR, fixed_amount=Decimal(amount))
    item = product(partner, "10.00")
    place_order(buyer, [(item, 1)], organisation=province)
    place_order(buyer, [(item, 2)], organisation=city)
    place_order(buyer, [(item, 4)], organisation=county_unit)
    place_order(buyer, [(item, 8)], organisation=union, purpose=Purpose.UNION_WELFARE)

    top = quotas.progress(province, year=YEAR)
    middle = quotas.progress(city, year=YEAR)
    bottom = quotas.progress(county_unit, year=YEAR)

    assert top.counted == Decimal("90.00")  # its own 10 + its union's 80
    assert middle.rollup_counted == Decimal("60.00")
    assert bottom.rollup_counted == Decimal("40.00")
    assert top.rollup_counted == top.counted + middle.rollup_counted == Decimal("150.00")
    assert top.rollup_target == Decimal("1700.00")
    assert top.by_purpose == {Purpose.CANTEEN: Decimal("10.00"), Purpose.UNION_WELFARE: Decimal("80.00")}
    assert quotas.counted_value(province, year=YEAR, include_units=True) == Decimal("150.00")


def test_all_at_once_equals_one_by_one(buyer, partner, other_county):
    first = OrganisationFactory(paired=[other_county])
    second = OrganisationFactory(parent=first)
    item = product(partner, "10.00", county=other_county)
    place_order(buyer, [(item, 3)], organisation=first)
    place_order(buyer, [(item, 5)], organisation=second)

    everyone = quotas.progress_for_all(year=YEAR)

    for organisation in (first, second):
        one = quotas.progress(organisation, year=YEAR)
        assert everyone[organisation.pk].counted == one.counted
        assert everyone[organisation.pk].rollup_counted == one.rollup_counted
        assert everyone[organisation.pk].paired_counted == one.paired_counted
    assert everyone[first.pk].counted == Decimal("30.00")
    assert everyone[first.pk].rollup_counted == Decimal("80.00")


def test_pacing_expects_an_even_share_and_projects_the_current_rate(organisation):
    TargetFactory(organisation=organisation, year=2026, fixed_amount=Decimal("3650.00"))
    progress = quotas.progress(organisation, year=2026, today=datetime.date(2026, 7, 1))  # day 182 of 365
    progress.counted = Decimal("730.00")  # 20 %

    assert progress.expected_percent == Decimal("49.9")
    assert progress.is_behind
    assert progress.projected_percent == Decimal("40.1")  # 20 % / (182/365)
    assert progress.remaining == Decimal("2920.00")


def test_breakdowns_add_up_to_the_counted_value(buyer, organisation, partner, other_county):
    item = product(partner, "10.00")
    other = product(partner, "7.50", county=other_county)
    place_order(buyer, [(item, 2), (other, 2)], organisation=organisation)
    place_order(buyer, [(item, 1)], organisation=organisation, purpose=Purpose.UNION_WELFARE)

    counted = quotas.counted_value(organisation, year=YEAR)
    for rows in quotas.all_breakdowns(organisation, year=YEAR).values():
        assert sum(amount for _label, amount in rows) == counted == Decimal("45.00")
    assert dict(quotas.all_breakdowns(organisation, year=YEAR)["county"]) == {
        "安远县": Decimal("30.00"),
        "于都县": Decimal("15.00"),
    }


def test_standing_is_the_target_and_counted_value_that_progress_reports(buyer, partner):
    province = OrganisationFactory(name="省农业农村厅")
    city = OrganisationFactory(name="市农业农村局", parent=province)
    union = OrganisationFactory(
        name="省农业农村厅工会", parent=province, relation_to_parent=Organisation.Relation.AFFILIATED
    )
    TargetFactory(organisation=province, year=YEAR, fixed_amount=Decimal("1000.00"))
    item = product(partner, "10.00")
    place_order(buyer, [(item, 1)], organisation=province)
    place_order(buyer, [(item, 2)], organisation=city)
    place_order(buyer, [(item, 8)], organisation=union, purpose=Purpose.UNION_WELFARE)

    standings = {unit: quotas.standing(unit, year=YEAR) for unit in (province, city)}

    assert standings[province] == (
        Decimal("1000.00"),
        Decimal("90.00"),
    )  # its union's orders count, a unit's not
    assert standings[city] == (None, Decimal("20.00"))
    for unit, standing in standings.items():
        progress = quotas.progress(unit, year=YEAR)
        assert standing == (progress.target, progress.counted)


def test_standing_of_a_frozen_year_is_the_snapshots(organisation, staff_user):
    from shop.institutions import snapshots

    TargetFactory(organisation=organisation, year=YEAR - 1, fixed_amount=Decimal("500.00"))
    snapshots.freeze_year(YEAR - 1, by=staff_user)
    AnnualTarget.objects.filter(organisation=organisation, year=YEAR - 1).update(
        fixed_amount=Decimal("900.00")
    )

    standing = quotas.standing(organisation, year=YEAR - 1)

    assert standing == (Decimal("500.00"), Decimal("0.00"))
    progress = quotas.progress(organisation, year=YEAR - 1)
    assert standing == (progress.target, progress.counted)
