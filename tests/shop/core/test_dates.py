"""The shop's calendar is China's: dates and years turn at midnight in Shanghai, not in UTC."""

import datetime

import pytest
from django.utils import timezone

from shop.core import dates

UTC = datetime.UTC


def set_clock(monkeypatch, instant: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: instant)


def test_today_turns_at_shanghai_midnight_while_utc_is_still_on_the_previous_day(monkeypatch):
    set_clock(monkeypatch, datetime.datetime(2026, 6, 1, 16, 0, tzinfo=UTC))  # 00:00 on 2 June in Shanghai

    assert dates.today() == datetime.date(2026, 6, 2)


def test_today_is_still_the_previous_day_one_minute_before_shanghai_midnight(monkeypatch):
    set_clock(monkeypatch, datetime.datetime(2026, 6, 1, 15, 59, tzinfo=UTC))  # 23:59 on 1 June in Shanghai

    assert dates.today() == datetime.date(2026, 6, 1)


def test_the_year_turns_at_shanghai_new_year_not_utc_new_year(monkeypatch):
    set_clock(monkeypatch, datetime.datetime(2026, 12, 31, 16, 0, tzinfo=UTC))

    assert dates.today() == datetime.date(2027, 1, 1)
    assert dates.current_year() == 2027
    assert dates.is_past_year(2026)
    assert not dates.is_past_year(2027)


def test_the_running_year_is_not_past_one_minute_before_new_year(monkeypatch):
    set_clock(monkeypatch, datetime.datetime(2026, 12, 31, 15, 59, tzinfo=UTC))

    assert dates.current_year() == 2026
    assert not dates.is_past_year(2026)
    assert dates.is_past_year(2025)


def test_year_bounds_are_shanghai_midnights():
    start, end = dates.year_bounds(2026)

    assert start == datetime.datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    assert end == datetime.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert timezone.is_aware(start) and timezone.is_aware(end)


@pytest.mark.parametrize(
    ("instant", "year"),
    [
        (
            datetime.datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC),
            2026,
        ),  # 23:59:59 on 31 December in Shanghai
        (datetime.datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC), 2027),  # 00:00 on 1 January in Shanghai
        (datetime.datetime(2027, 1, 1, 0, 30, tzinfo=UTC), 2027),
    ],
)
def test_an_instant_belongs_to_the_year_whose_bounds_hold_it(instant, year):
    start, end = dates.year_bounds(year)

    assert dates.year_of(instant) == year
    assert start <= instant < end


def test_an_instant_just_before_shanghai_new_year_is_outside_the_next_year():
    start, _ = dates.year_bounds(2027)

    assert datetime.datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC) < start


def test_month_bounds_wrap_december_into_the_next_year():
    start, end = dates.month_bounds(2026, 12)

    assert dates.local(start) == dates.at(datetime.date(2026, 12, 1))
    assert end == dates.year_bounds(2027)[0]
    assert dates.month_bounds(2026, 2) == (
        dates.at(datetime.date(2026, 2, 1)),
        dates.at(datetime.date(2026, 3, 1)),
    )


def test_day_bounds_and_date_of_agree():
    start, end = dates.day_bounds(datetime.date(2026, 3, 8))

    assert dates.date_of(start) == datetime.date(2026, 3, 8)
    assert dates.date_of(end - datetime.timedelta(microseconds=1)) == datetime.date(2026, 3, 8)
    assert dates.date_of(end) == datetime.date(2026, 3, 9)
    assert end - start == datetime.timedelta(days=1)


def test_at_places_a_wall_clock_time_in_shanghai():
    placed = dates.at(datetime.date(2026, 1, 1), datetime.time(10))

    assert placed == datetime.datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
    assert dates.local(placed).strftime("%Y-%m-%d %H:%M") == "2026-01-01 10:00"


def test_the_shop_time_zone_is_shanghai():
    assert str(dates.zone()) == "Asia/Shanghai"
    assert dates.now().utcoffset() == datetime.timedelta(hours=8)
