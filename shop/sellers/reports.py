"""Sales reports: a seller's (or a county's) paid sales by product and month, summed in SQL."""

import csv
import io

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from oscar.core.loading import get_model

from shop.core import dates

Line = get_model("order", "Line")
Order = get_model("order", "Order")


def sales_lines(partners):
    """Lines of paid, not cancelled orders sold by these sellers."""
    return Line.objects.filter(partner__in=partners, order__in=Order.objects.paid())


def monthly_sales(partners, *, year: int | None = None):
    """Rows of month, product, title, quantity and revenue, newest month first."""
    lines = sales_lines(partners)
    if year:
        lines = lines.filter(order__date_placed__year=year)
    return (
        lines.annotate(month=TruncMonth("order__date_placed"))
        .values("month", "product_id", "title")
        .annotate(
            quantity=Sum("quantity"), revenue=Sum("line_price_incl_tax"), orders=Count("order", distinct=True)
        )
        .order_by("-month", "-revenue", "title")
    )


def monthly_totals(partners, *, year: int | None = None):
    """One row per month with total quantity and revenue: what the chart draws."""
    lines = sales_lines(partners)
    if year:
        lines = lines.filter(order__date_placed__year=year)
    return (
        lines.annotate(month=TruncMonth("order__date_placed"))
        .values("month")
        .annotate(quantity=Sum("quantity"), revenue=Sum("line_price_incl_tax"))
        .order_by("month")
    )


def chart_bars(totals, *, height: int = 160) -> list[dict]:
    """Bar heights (in pixels) for an inline SVG chart of monthly revenue."""
    totals = list(totals)
    peak = max((row["revenue"] or 0 for row in totals), default=0)
    bars = []
    for index, row in enumerate(totals):
        value = row["revenue"] or 0
        bar_height = int(height * value / peak) if peak else 0
        bars.append({**row, "x": index * 48 + 8, "height": bar_height, "y": height - bar_height + 20})
    return bars


def export_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["month", "product_id", "title", "quantity", "revenue", "orders"])
    for row in rows:
        writer.writerow(
            [
                dates.local(row["month"]).strftime("%Y-%m"),
                row["product_id"],
                row["title"],
                row["quantity"],
                f"{row['revenue']:.2f}",
                row["orders"],
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
