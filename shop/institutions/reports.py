"""The organisation report and the staff overview, and their CSV/XLSX exports (the same rows as the screen)."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import Organisation, Purpose

BREAKDOWN_LABELS = {
    "purpose": gettext_noop("Purpose"),
    "province": gettext_noop("Province"),
    "county": gettext_noop("County"),
    "category": gettext_noop("Category"),
    "month": gettext_noop("Month"),
}


ORDERS_PER_PAGE = 50


class CountedOrders:
    """The counted orders of an organisation's year as a lazy sequence: len() and slices run in SQL.

    Paginator(CountedOrders(...), n) thus fetches one page of rows, whatever the number of orders.
    """

    def __init__(self, organisation: Organisation, year: int):
        self.organisation = organisation
        self.year = year
        self._count = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = quotas.counted_orders_count(self.organisation, year=self.year)
        return self._count

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("CountedOrders supports plain slices only")
        start = index.start or 0
        limit = None if index.stop is None else max(index.stop - start, 0)
        return _with_purpose_labels(
            quotas.counted_orders_summary(self.organisation, year=self.year, offset=start, limit=limit)
        )


def _with_purpose_labels(rows):
    purposes = dict(Purpose.choices)
    return [{**row, "purpose_label": str(purposes.get(row["purpose"], row["purpose"]))} for row in rows]


@dataclass
class Report:
    progress: quotas.Progress
    breakdowns: dict
    orders: list  # all counted orders (exports), or the page shown on screen
    orders_total: Decimal  # the counted value of all of the unit's counted orders, live
    units: list = field(default_factory=list)
    orders_page: Page | None = None

    @property
    def chart(self) -> list[dict]:
        """Monthly bars for the chart, as percentages of the largest month."""
        months = self.breakdowns.get("month", [])
        peak = max((amount for _label, amount in months), default=quotas.ZERO)
        return [
            {"label": label, "amount": amount, "percent": int(amount / peak * 100) if peak else 0}
            for label, amount in months
        ]


def organisation_report(organisation: Organisation, *, year: int, page: int | str | None = None) -> Report:
    """The organisation's year: progress, breakdowns, counted orders and its units' figures.

    With `page` (the screen), `orders` holds that page of the counted orders; without it (exports and
    the printable statement), all of them.
    """
    progress = quotas.progress(organisation, year=year)
    if progress.frozen is not None and progress.frozen.breakdowns:
        breakdowns = {
            by: [(label, Decimal(amount)) for label, amount in rows]
            for by, rows in progress.frozen.breakdowns.items()
        }
    else:
        breakdowns = quotas.all_breakdowns(organisation, year=year)
    counted_orders = CountedOrders(organisation, year)
    orders_page = None
    if page is None:
        orders = counted_orders[:]
    else:
        orders_page = Paginator(counted_orders, ORDERS_PER_PAGE).get_page(page)
        orders = list(orders_page.object_list)
    # The live counted value of the unit: the frozen figures, when there are any, are shown apart.
    orders_total = progress.live_counted if progress.live_counted is not None else progress.counted
    units = []
    if organisation.children.exists():
        everyone = quotas.progress_for_all(year=year)
        units = [everyone[child.pk] for child in organisation.children.order_by("name")]
    return Report(
        progress=progress,
        breakdowns=breakdowns,
        orders=orders,
        orders_total=orders_total,
        units=units,
        orders_page=orders_page,
    )


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
        [
            _("Target of all units below (roll-up)"),
            progress.rollup_target if progress.rollup_target is not None else "",
        ],
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
        sections.append(
            (
                _("By %(what)s") % {"what": _(BREAKDOWN_LABELS[by]).lower()},
                [_(BREAKDOWN_LABELS[by]), _("Counted (CNY)")],
                body,
            )
        )
    body = [
        [
            row["number"],
            dates.local(row["placed"]).strftime("%Y-%m-%d %H:%M"),
            row["organisation_name"],
            row["purpose_label"],
            row["total"],
        ]
        for row in report.orders
    ]
    body.append([_("Total"), "", "", "", report.orders_total])
    sections.append(
        (
            _("Counted orders"),
            [_("Order"), _("Placed"), _("Organisation"), _("Purpose"), _("Counted (CNY)")],
            body,
        )
    )
    return sections


def overview_rows(progresses: list[quotas.Progress]) -> tuple[list[str], list[list]]:
    header = [
        _("Organisation"),
        _("Type"),
        _("Region"),
        _("Supervising unit"),
        _("Target"),
        _("Counted"),
        _("Share reached"),
        _("Roll-up target"),
        _("Roll-up counted"),
    ]
    rows = [
        [
            p.organisation.name,
            p.organisation.get_kind_display(),
            str(p.organisation.region or ""),
            str(p.organisation.parent or ""),
            p.target if p.target is not None else "",
            p.counted,
            _percent(p.share_percent),
            p.rollup_target if p.rollup_target is not None else "",
            p.rollup_counted,
        ]
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
