"""The shop's calendar: what "today", "this year" and "this month" mean for every rule and every page.

The shop runs on China's calendar: ``TIME_ZONE = "Asia/Shanghai"`` with ``USE_TZ``. The database and Django
keep instants in UTC; a date is the local date in that zone, so a certificate that expires on 31 December
stops counting at 00:00 in Shanghai (16:00 UTC), and an order placed at 00:30 on 1 January in Shanghai belongs
to the new quota year although it is still 31 December in UTC.

Everything here goes through Django's current time zone, which is ``TIME_ZONE`` (the shop never activates
another one), so ``TruncMonth``/``TruncDate`` without ``tzinfo`` and these helpers agree. Tests move the
clock by replacing ``django.utils.timezone.now``; every helper follows it.
"""

import datetime

from django.utils import timezone


def zone() -> datetime.tzinfo:
    """The shop's time zone (Asia/Shanghai)."""
    return timezone.get_current_timezone()


def now() -> datetime.datetime:
    """The current instant, as a time of day in the shop's time zone."""
    return timezone.localtime()


def today() -> datetime.date:
    """Today's date in the shop's time zone, whatever the server's own clock zone is."""
    return timezone.localdate()


def current_year() -> int:
    return today().year


def local(value: datetime.datetime) -> datetime.datetime:
    """An aware instant shown in the shop's time zone (for display and for picking its date)."""
    return timezone.localtime(value)


def date_of(value: datetime.datetime) -> datetime.date:
    """The shop's calendar date of an aware instant."""
    return timezone.localdate(value)


def year_of(value: datetime.datetime) -> int:
    """The shop's calendar year of an aware instant."""
    return date_of(value).year


def at(day: datetime.date, time: datetime.time = datetime.time()) -> datetime.datetime:
    """The aware instant of a wall-clock time on a day of the shop's calendar (midnight by default)."""
    return datetime.datetime.combine(day, time, tzinfo=zone())


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the day and of the next one; use as ``start <= t < end``."""
    return at(day), at(day + datetime.timedelta(days=1))


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the month and of the next one; use as ``start <= t < end``."""
    following = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    return at(datetime.date(year, month, 1)), at(following)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the year and of the next one; use as ``start <= t < end``."""
    return at(datetime.date(year, 1, 1)), at(datetime.date(year + 1, 1, 1))


def is_past_year(year: int) -> bool:
    """Whether the year has ended on the shop's calendar (the running year and later ones have not)."""
    return year < current_year()
