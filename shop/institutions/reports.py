"""The organisation report and the staff overview, and their CSV/XLSX exports (the same rows as the screen)."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shop.institutions import quotas
from shop.institutions.models import Organisation, Purpose

BREAKDOWN_LABELS = {
    "purpose": gettext_noop("Purpose"),
    "province": gettext_noop("Province"),
    "county": gettext_noop("County"),
    "category": gettext_noop("Category"),
    "month": gettext_noop("Month"),
}


@dataclass
class Report:
    progress: quotas.Progress
    breakdowns: dict
    orders: list
    units: list = field(default_factory=list)

    @property
    def orders_total(self) -> Decimal:
        return sum((row["total"] for row in self.orders), quotas.ZERO)

    @property
    def chart(self) -> list[dict]:
        """Monthly bars for the chart, as percentages of the largest month."""
        months = self.breakdowns.get("month", [])
        peak = max((amount for _label, amount in months), default=quotas.ZERO)
        return [
            {"label": label, "amount": amount, "percent": int(amount / peak * 100) if peak else 0}
            for label, amount in months
        ]


def organisation_report(organisation: Organisation, *, year: int) -> Report:
    """The organisation's year: progress, breakdowns, counted orders and its units' figures."""
    progress = quotas.progress(organisation, year=year)
    if progress.frozen is not None and progress.frozen.breakdowns:
        breakdowns = {
            by: [(label, Decimal(amount)) for label, amount in rows] for by, rows in progress.frozen.breakdowns.items()
        }
    else:
        breakdowns = quotas.all_breakdowns(organisation, year=year)
    purposes = dict(Purpose.choices)
    orders = [
        {**row, "purpose_label": str(purposes.get(row["purpose"], row["purpose"]))}
        for row in quotas.counted_orders_summary(organisation, year=year)
    ]
    units = []
    if organisation.children.exists():
        everyone = quotas.progress_for_all(year=year)
        units = [everyone[child.pk] for child in organisation.children.order_by("name")]
    return Report(progress=progress, breakdowns=breakdowns, orders=orders, units=units)


def _percent(value):
    return "" if value is None else f"{value}%"


def summary_rows(progress: quotas.Progress) -> list[list]:
    return [
        [_("Organisation"), progress.organisation.name],
        [_("Year"), progress.year],
        [_("Target"), progress.target if progress.target is not None else ""],
        [_("Counted toward the target"), progress.counted],
        [_("Share reached"), _percent(progress.share_percent)],
        [_("Remaining"), progress.remaining if progress.remaining is not None else ""],
        [_("Counted from paired counties"), progress.paired_counted],
        [_("Required for paired counties"), progress.paired_target],
        [_("Share expected by today at an even pace"), _percent(progress.expected_percent)],
        [_("Projected year-end share at the current rate"), _percent(progress.projected_percent)],
        [_("Target of all units below (roll-up)"), progress.rollup_target if progress.rollup_target is not None else ""],
        [_("Counted by all units below (roll-up)"), progress.rollup_counted],
        [_("Frozen"), _("yes") if progress.frozen else _("no")],
        [_("Adjustment after freezing"), progress.adjustment],
    ]


def report_sections(report: Report) -> list[tuple[str, list[str], list[list]]]:
    """The report as (title, header, rows) sections; CSV and XLSX both write exactly these."""
    sections = [(_("Summary"), [_("Item"), _("Value")], summary_rows(report.progress))]
    for by, rows in report.breakdowns.items():
        body = [[label, amount] for label, amount in rows]
        body.append([_("Total"), sum((amount for _label, amount in rows), quotas.ZERO)])
        sections.append((_("By %(what)s") % {"what": _(BREAKDOWN_LABELS[by]).lower()}, [_(BREAKDOWN_LABELS[by]), _("Counted (CNY)")], body))
    body = [
        [row["number"], row["placed"].astimezone(quotas.certification.SHANGHAI).strftime("%Y-%m-%d %H:%M"),
         row["organisation_name"], row["purpose_label"], row["total"]]
        for row in report.orders
    ]
    body.append([_("Total"), "", "", "", report.orders_total])
    sections.append(
        (_("Counted orders"), [_("Order"), _("Placed"), _("Organisation"), _("Purpose"), _("Counted (CNY)")], body)
    )
    return sections


def overview_rows(progresses: list[quotas.Progress]) -> tuple[list[str], list[list]]:
    header = [_("Organisation"), _("Type"), _("Region"), _("Supervising unit"), _("Target"), _("Counted"),
              _("Share reached"), _("Roll-up target"), _("Roll-up counted")]
    rows = [
        [p.organisation.name, p.organisation.get_kind_display(), str(p.organisation.region or ""),
         str(p.organisation.parent or ""), p.target if p.target is not None else "", p.counted,
         _percent(p.share_percent), p.rollup_target if p.rollup_target is not None else "", p.rollup_counted]
        for p in progresses
    ]
    return header, rows


def to_csv(sections) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for title, header, rows in sections:
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([_cell(value) for value in row] for row in rows)
        writer.writerow([])
    # A byte-order mark makes Excel open the UTF-8 file with the Chinese intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sections) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, (title, header, rows) in enumerate(sections, start=1):
        sheet = workbook.create_sheet(title=f"{index} {title}"[:31])
        sheet.append([str(value) for value in header])
        for row in rows:
            sheet.append([value if isinstance(value, (int, Decimal)) else str(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    return str(value)
