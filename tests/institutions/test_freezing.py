"""Only a year that has ended can be frozen: the domain function refuses the running year, the page explains."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.core import dates
from shop.core.exceptions import InvalidState, NotPermitted
from shop.institutions import snapshots
from shop.institutions.models import YearSnapshot
from tests.institutions.factories import TargetFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def set_clock(monkeypatch, instant: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: instant)


@pytest.fixture
def target_2026(organisation):
    return TargetFactory(organisation=organisation, year=2026, fixed_amount=Decimal("100.00"))


def test_the_running_year_cannot_be_frozen_one_minute_before_shanghai_new_year(
    monkeypatch, staff_user, target_2026
):
    set_clock(monkeypatch, datetime.datetime(2026, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai

    with pytest.raises(InvalidState):
        snapshots.freeze_year(2026, by=staff_user)

    assert not YearSnapshot.objects.exists()


def test_a_year_can_be_frozen_from_shanghai_midnight_although_utc_is_still_in_it(
    monkeypatch, staff_user, organisation, target_2026
):
    set_clock(
        monkeypatch, datetime.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    )  # 00:00 on 1 January in Shanghai

    created = snapshots.freeze_year(2026, by=staff_user)

    assert created >= 1
    assert YearSnapshot.objects.filter(organisation=organisation, year=2026).exists()


def test_future_years_cannot_be_frozen(staff_user):
    with pytest.raises(InvalidState):
        snapshots.freeze_year(dates.current_year() + 1, by=staff_user)


def test_only_staff_freeze(org_admin, target_2026, monkeypatch):
    set_clock(monkeypatch, datetime.datetime(2027, 3, 1, tzinfo=UTC))

    with pytest.raises(NotPermitted):
        snapshots.freeze_year(2026, by=org_admin)

    assert not YearSnapshot.objects.exists()


def test_the_freeze_page_refuses_the_running_year_with_a_reason(client, staff_user, target_2026):
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:freeze"), {"year": dates.current_year()}, follow=True
    )

    assert "只能冻结已结束的年度。" in response.content.decode()
    assert not YearSnapshot.objects.exists()


def test_the_freeze_page_freezes_a_finished_year(client, staff_user, organisation, target_2026, monkeypatch):
    set_clock(monkeypatch, datetime.datetime(2027, 3, 1, tzinfo=UTC))
    client.force_login(staff_user)

    response = client.post(reverse("institutions-dashboard:freeze"), {"year": 2026})

    assert response.status_code == 302
    assert YearSnapshot.objects.filter(organisation=organisation, year=2026).exists()
