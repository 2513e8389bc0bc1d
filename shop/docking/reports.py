"""Docked volume: awarded and fulfilled amounts by county, province, category and month, in SQL.

An award's amount is its quantity × the quoted unit price; it is "fulfilled" once its order has been
shipped or completed. Staff see every county; a county officer only the county's sellers.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from shop.core import dates, money
from shop.core.exports import Column, Sheet
from shop.docking.models import Award
from shop.order import statuses

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
BREAKDOWNS = ("county", "province", "category", "month")
FULFILLED_ORDER = (statuses.SHIPPED, statuses.COMPLETED)


def awards(*, year: int, county=None):
    """Awards made in the year (Asia/Shanghai), whose order was not cancelled; one county's if given."""
    start, end = dates.year_bounds(year)
    rows = Award.objects.filter(awarded_at__gte=start, awarded_at__lt=end).exclude(
        order__status=statuses.CANCELLED
    )
    if county is not None:
        rows = rows.filter(quote__partner__county=county)
    return rows


def _key(by: str):
    if by == "county":
        return F("quote__partner__county__name")
    if by == "province":
        return F("quote__partner__county__province__name")
    if by == "category":
        return F("demand__category__name")
    if by == "month":
        return TruncMonth("awarded_at", tzinfo=dates.zone())
    raise ValueError(f"Unknown breakdown {by!r}")


def _amount():
    return ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY)


def breakdown(*, year: int, by: str, county=None) -> list[dict]:
    """One row per key: awards, awarded amount, fulfilled amount; months in order, others largest first."""
    rows = (
        awards(year=year, county=county)
        .annotate(key=_key(by))
        .values("key")
        .annotate(
            count=Count("pk"),
            awarded=Coalesce(Sum(_amount()), ZERO),
            fulfilled=Coalesce(Sum(_amount(), filter=Q(order__status__in=FULFILLED_ORDER)), ZERO),
        )
    )
    ordering = ("key",) if by == "month" else ("-awarded", "key")
    return money.rows_to_fen(list(rows.order_by(*ordering)), "awarded", "fulfilled")


def summary(*, year: int, county=None) -> dict:
    result = awards(year=year, county=county).aggregate(
        count=Count("pk"),
        awarded=Coalesce(Sum(_amount()), ZERO),
        fulfilled=Coalesce(Sum(_amount(), filter=Q(order__status__in=FULFILLED_ORDER)), ZERO),
    )
    return money.rows_to_fen([result], "awarded", "fulfilled")[0]


def labels() -> dict:
    return {
        "county": _("By county"),
        "province": _("By province"),
        "category": _("By category"),
        "month": _("By month"),
    }


def sheets(*, year: int, county=None) -> list[Sheet]:
    """The report as export sheets (shop.core.exports): one per breakdown."""
    result = []
    for by, label in labels().items():
        kind = "month" if by == "month" else "text"
        result.append(
            Sheet(
                title=str(label),
                columns=[
                    Column(str(label), kind),
                    Column(_("Awards"), "integer"),
                    Column(_("Awarded (CNY)"), "money"),
                    Column(_("Fulfilled (CNY)"), "money"),
                ],
                rows=[
                    [row["key"] or "", row["count"], row["awarded"], row["fulfilled"]]
                    for row in breakdown(year=year, by=by, county=county)
                ],
            )
        )
    return result
