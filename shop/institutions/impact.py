"""The platform's impact: paid sales from former poverty counties, in SQL aggregates, for staff."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.core import dates
from shop.core.exports import Cell, Column, Sheet
from shop.institutions import quotas
from shop.institutions.reports import BREAKDOWN_LABELS, breakdown_sheet, summary_sheet

Line = get_model("order", "Line")
Order = get_model("order", "Order")
Partner = get_model("partner", "Partner")
ProductCategory = get_model("catalogue", "ProductCategory")
HelpSellFlag = get_model("sellers", "HelpSellFlag")


def sales_lines(*, year: int):
    """Lines of paid, not cancelled orders placed in the year (Asia/Shanghai), net of refunds."""
    start, end = dates.year_bounds(year)
    return Line.objects.filter(
        order__in=Order.objects.paid().filter(date_placed__gte=start, date_placed__lt=end)
    ).annotate_refunded()


def _total(expression="net"):
    return quotas._sum(expression)


@dataclass
class Impact:
    year: int
    total_sales: Decimal
    poverty_county_sales: Decimal
    certified_sales: Decimal
    institutional_sales: Decimal
    consumer_sales: Decimal
    sellers_with_sales: int
    households_linked: int
    breakdowns: dict
    help_sell: dict | None

    @property
    def certified_percent(self):
        return _percent(self.certified_sales, self.total_sales)

    @property
    def institutional_percent(self):
        return _percent(self.institutional_sales, self.poverty_county_sales)


def _percent(part, whole):
    return (part / whole * 100).quantize(Decimal("0.1")) if whole else None


def impact(*, year: int) -> Impact:
    """Sales from the 832 counties by province, county, category and month; shares; sellers and households."""
    lines = sales_lines(year=year).order_by()
    poverty = lines.filter(was_poverty_county=True)
    total_sales = lines.aggregate(total=_total())["total"]
    split = poverty.aggregate(poverty=_total())
    certified_sales = poverty.filter(was_certified=True).aggregate(total=_total())["total"]
    institutional = poverty.filter(order__organisation_link__isnull=False).aggregate(total=_total())["total"]
    first_category = (
        ProductCategory.objects.filter(product=OuterRef("product_id"))
        .order_by("pk")
        .values("category__name")[:1]
    )
    breakdowns = {
        "province": _grouped(poverty.values(key=F("origin_province__name"))),
        "county": _grouped(poverty.values(key=F("origin_county__name"))),
        "category": _grouped(poverty.annotate(key=Subquery(first_category)).values("key")),
        "month": sorted(
            (key.strftime("%Y-%m"), amount)
            for key, amount in _grouped(
                poverty.annotate(key=TruncMonth("order__date_placed")).values("key"),
                raw=True,
            )
        ),
    }
    partner_ids = poverty.exclude(partner__isnull=True).values("partner_id").distinct()
    sellers = Partner.objects.filter(pk__in=partner_ids).aggregate(
        count=Count("pk"), households=Sum("households_linked")
    )
    return Impact(
        year=year,
        total_sales=total_sales,
        poverty_county_sales=split["poverty"],
        certified_sales=certified_sales,
        institutional_sales=institutional,
        consumer_sales=split["poverty"] - institutional,
        sellers_with_sales=sellers["count"],
        households_linked=sellers["households"] or 0,
        breakdowns=breakdowns,
        help_sell=_help_sell(year),
    )


def _grouped(rows, raw=False):
    result = [(row["key"], row["amount"]) for row in rows.annotate(amount=_total())]
    if raw:
        return [(key, amount) for key, amount in result if key is not None]
    return sorted(((key or "—", amount) for key, amount in result), key=lambda item: (-item[1], item[0]))


def _help_sell(year: int) -> dict:
    """How the year's help-sell flags ended (or that they are still running)."""
    start, end = dates.year_bounds(year)
    flags = HelpSellFlag.objects.filter(created_at__gte=start, created_at__lt=end)
    rows = flags.values("end_reason").annotate(count=Count("pk")).order_by("end_reason")
    labels = dict(HelpSellFlag.EndReason.choices)
    return {str(labels.get(row["end_reason"]) or _("Running")): row["count"] for row in rows}


def sheets(data: Impact) -> list[Sheet]:
    """The impact figures as sheets for the export writer: summary, each breakdown, help-sell outcomes."""
    summary = [
        [_("Year"), Cell(data.year, "integer")],
        [_("All paid sales"), Cell(data.total_sales, "money")],
        [_("Sales from former poverty counties"), Cell(data.poverty_county_sales, "money")],
        [_("Of which certified products"), Cell(data.certified_sales, "money")],
        [
            _("Certified share of all sales"),
            Cell(_fraction(data.certified_sales, data.total_sales), "percent"),
        ],
        [_("Institutional sales"), Cell(data.institutional_sales, "money")],
        [_("Consumer sales"), Cell(data.consumer_sales, "money")],
        [_("Sellers with sales"), Cell(data.sellers_with_sales, "integer")],
        [_("Households linked to those sellers"), Cell(data.households_linked, "integer")],
    ]
    result = [summary_sheet(summary)]
    for by, rows in data.breakdowns.items():
        label = _(BREAKDOWN_LABELS[by])
        result.append(breakdown_sheet(label, label, _("Sales (CNY)"), rows))
    if data.help_sell is not None:
        result.append(
            Sheet(
                _("Help-sell flags"),
                [Column(_("Outcome")), Column(_("Flags"), "integer")],
                [[outcome, count] for outcome, count in data.help_sell.items()],
            )
        )
    return result


def _fraction(part, whole):
    return part / whole if whole else None
