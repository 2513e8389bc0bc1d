"""Quota and impact figures group orders by the shop's calendar: a month turns at midnight in Shanghai."""

import datetime
from decimal import Decimal

import pytest

from shop.institutions import impact, quotas
from tests import factories
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def across_midnight(buyer, organisation, partner):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("10.00"))
    # 15:59 UTC on 31 January is 23:59 in Shanghai; 16:00 UTC is already 1 February there.
    place_order(
        buyer,
        [(item, 1)],
        organisation=organisation,
        placed_at=datetime.datetime(2026, 1, 31, 15, 59, tzinfo=UTC),
    )
    place_order(
        buyer,
        [(item, 2)],
        organisation=organisation,
        placed_at=datetime.datetime(2026, 1, 31, 16, 0, tzinfo=UTC),
    )
    return organisation


def test_month_breakdown_puts_an_order_placed_after_shanghai_midnight_in_the_next_month(across_midnight):
    rows = quotas.breakdown(year=2026, organisation_ids=[across_midnight.pk], by="month")

    assert rows == [("2026-01", Decimal("10.00")), ("2026-02", Decimal("20.00"))]


def test_all_breakdowns_at_once_agree_on_the_shanghai_month(across_midnight):
    months = quotas.breakdowns(year=2026, organisation_ids=[across_midnight.pk])["month"]

    assert months == [("2026-01", Decimal("10.00")), ("2026-02", Decimal("20.00"))]


def test_impact_months_follow_the_shanghai_calendar(across_midnight):
    months = dict(impact.impact(year=2026).breakdowns["month"])

    assert months == {"2026-01": Decimal("10.00"), "2026-02": Decimal("20.00")}
