"""Sales reports: a seller's (or a county's) paid sales by product and month, net of refunds, summed in SQL."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.core.exports import Column, Sheet
from shop.core.money import CENT

Line = get_model("order", "Line")
ZERO = Decimal("0.00")
Order = get_model("order", "Order")


def sales_lines(partners):
    """Lines of paid, not cancelled orders sold by these sellers, each with its refunds and net amount."""
    return Line.objects.filter(partner__in=partners, order__in=Order.objects.paid()).annotate_refunded()


def monthly_sales(partners, *, year: int | None = None) -> list[dict]:
    """Rows of month, product, title, quantity, refunded, revenue after refunds and orders, newest month first."""
    lines = sales_lines(partners)
    if year:
        lines = lines.filter(order__date_placed__year=year)
    rows = (
        lines.annotate(month=TruncMonth("order__date_placed"))
        .values("month", "product_id", "title")
        .annotate(
            quantity=Sum("quantity"),
            refunded=Sum("refunded"),
            revenue=Sum("net"),
            orders=Count("order", distinct=True),
        )
        .order_by("-month", "-revenue", "title")
    )
    return [_in_fen(row, "refunded", "revenue") for row in rows]


def monthly_totals(partners, *, year: int | None = None) -> list[dict]:
    """One row per month with total quantity and revenue after refunds: what the chart draws."""
    lines = sales_lines(partners)
    if year:
        lines = lines.filter(order__date_placed__year=year)
    rows = (
        lines.annotate(month=TruncMonth("order__date_placed"))
        .values("month")
        .annotate(quantity=Sum("quantity"), revenue=Sum("net"))
        .order_by("month")
    )
    return [_in_fen(row, "revenue") for row in rows]


def _in_fen(row: dict, *names: str) -> dict:
    # SQLite sums decimals as floats: back to whole fen.
    for name in names:
        row[name] = (row[name] or ZERO).quantize(CENT)
    return row


def chart_bars(totals, *, height: int = 160) -> list[dict]:
    """Bar heights (in pixels) for an inline SVG chart of monthly revenue."""
    totals = list(totals)
    peak = max((row["revenue"] or 0 for row in totals), default=0)
    bars = []
    for index, row in enumerate(totals):
        value = max(row["revenue"] or 0, 0)
        bar_height = int(height * value / peak) if peak > 0 else 0
        bars.append({**row, "x": index * 48 + 8, "height": bar_height, "y": height - bar_height + 20})
    return bars


def sales_sheet(rows) -> Sheet:
    """The report's rows as the export writer's sheet: the same figures as the screen."""
    return Sheet(
        title=_("Sales by product and month"),
        columns=[
            Column(_("Month"), "month"),
            Column(_("Product ID"), "integer"),
            Column(_("Product")),
            Column(_("Quantity"), "integer"),
            Column(_("Refunded (CNY)"), "money"),
            Column(_("Revenue after refunds (CNY)"), "money"),
            Column(_("Orders"), "integer"),
        ],
        rows=(
            [
                row["month"],
                row["product_id"],
                row["title"],
                row["quantity"],
                row["refunded"],
                row["revenue"],
                row["orders"],
            ]
            for row in rows
        ),
    )
