"""The organisation report, the statement and the staff overview, and their exports (the same rows as the screen)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from shop.core.exports import Cell, Column, Sheet
from shop.institutions import quotas
from shop.institutions.models import AnnualTarget, Organisation, Purpose

BREAKDOWN_LABELS = {
    "purpose": gettext_noop("Purpose"),
    "province": gettext_noop("Province"),
    "county": gettext_noop("County"),
    "category": gettext_noop("Category"),
    "month": gettext_noop("Month"),
}


ORDERS_PER_PAGE = 50
BREAKDOWN_ROWS_SHOWN = 12  # on screen; the exports list every row


class CountedOrders:
    """The counted orders of an organisation's year as a lazy sequence: len() and slices run in SQL.

    Paginator(CountedOrders(...), n) thus fetches one page of rows, whatever the number of orders.
    """

    def __init__(
        self,
        organisation: Organisation,
        year: int,
        *,
        tree: quotas.Tree | None = None,
        count: int | None = None,
    ):
        self.organisation = organisation
        self.year = year
        self.tree = tree
        self._count = count  # when the caller has counted them already (the ledger's figures)

    def __len__(self) -> int:
        if self._count is None:
            self._count = quotas.counted_orders_count(self.organisation, year=self.year, tree=self.tree)
        return self._count

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("CountedOrders supports plain slices only")
        start = index.start or 0
        limit = None if index.stop is None else max(index.stop - start, 0)
        return _with_purpose_labels(
            quotas.counted_orders_summary(
                self.organisation, year=self.year, offset=start, limit=limit, tree=self.tree
            )
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
    not_counted: list = field(default_factory=list)  # lines that do not count, by reason (live)
    awaiting_acceptance: Decimal = quotas.ZERO  # counted provisionally: lines the buyer has not accepted yet

    @property
    def breakdowns_shown(self) -> dict:
        """Each breakdown as the screen lists it: its largest rows and the rest summed in one row, so a
        unit that bought from hundreds of counties gets a page of the same length (the exports list all)."""
        shown = {}
        for by, rows in self.breakdowns.items():
            if len(rows) <= BREAKDOWN_ROWS_SHOWN + 1:
                shown[by] = rows
                continue
            rest = rows[BREAKDOWN_ROWS_SHOWN:]
            label = ngettext("%(count)d other", "%(count)d others", len(rest)) % {"count": len(rest)}
            shown[by] = [
                *rows[:BREAKDOWN_ROWS_SHOWN],
                (label, sum((amount for _key, amount in rest), quotas.ZERO)),
            ]
        return shown

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
    tree = quotas.Tree(below=organisation.pk)
    # The headline figures of the organisation and of the units right below it from the quota ledger's
    # rows (kept current after every change), in one pass; the breakdowns and the orders from the lines.
    children = tree.children[organisation.pk]
    figures = quotas.progress_for_all(
        year=year,
        from_ledger=True,
        organisation_ids=[organisation.pk, *children],
        tree=tree,
        loaded=[organisation],
    )
    progress = figures[organisation.pk]
    units = sorted(
        (figures[pk] for pk in children), key=lambda unit: (unit.organisation.name, unit.organisation.pk)
    )
    # The breakdowns, the part awaiting acceptance, the number of counted orders and the lines that do not
    # count: from the same ledger rows, so they add up to the headline.
    lines = quotas.unit_ledger_figures(organisation, year=year, tree=tree)
    if progress.frozen is not None and progress.frozen.breakdowns:
        breakdowns = {
            by: [(label, Decimal(amount)) for label, amount in rows]
            for by, rows in progress.frozen.breakdowns.items()
        }
    else:
        breakdowns = lines.breakdowns
    counted_orders = CountedOrders(organisation, year, tree=tree, count=lines.orders)
    orders_page = None
    if page is None:
        orders = counted_orders[:]
    else:
        orders_page = Paginator(counted_orders, ORDERS_PER_PAGE).get_page(page)
        orders = list(orders_page.object_list)
    # The live counted value of the unit: the frozen figures, when there are any, are shown apart.
    orders_total = progress.live_counted if progress.live_counted is not None else progress.counted
    return Report(
        progress=progress,
        breakdowns=breakdowns,
        orders=orders,
        orders_total=orders_total,
        units=units,
        orders_page=orders_page,
        not_counted=lines.not_counted,
        awaiting_acceptance=lines.awaiting_acceptance,
    )


def _fraction(percent: Decimal | None) -> Decimal | None:
    """A percentage figure (16.4) as the fraction a spreadsheet shows with % (0.164)."""
    return None if percent is None else percent / 100


def summary_rows(progress: quotas.Progress) -> list[list]:
    return [
        [_("Organisation"), progress.organisation.name],
        [_("Year"), Cell(progress.year, "integer")],
        [_("Target"), Cell(progress.target, "money")],
        [_("Counted toward the target"), Cell(progress.counted, "money")],
        [_("Share reached"), Cell(_fraction(progress.share_percent), "percent")],
        [_("Remaining"), Cell(progress.remaining, "money")],
        [_("Counted from paired counties"), Cell(progress.paired_counted, "money")],
        [_("Required for paired counties"), Cell(progress.paired_target, "money")],
        [_("Share expected by today at an even pace"), Cell(_fraction(progress.expected_percent), "percent")],
        [
            _("Projected year-end share at the current rate"),
            Cell(_fraction(progress.projected_percent), "percent"),
        ],
        [_("Target of all units below (roll-up)"), Cell(progress.rollup_target, "money")],
        [_("Counted by all units below (roll-up)"), Cell(progress.rollup_counted, "money")],
        [_("Frozen"), _("yes") if progress.frozen else _("no")],
        [_("Adjustment after freezing"), Cell(progress.adjustment, "money")],
    ]


def summary_sheet(rows: list[list]) -> Sheet:
    return Sheet(_("Summary"), [Column(_("Item"), width=36), Column(_("Value"))], rows)


def breakdown_sheet(title: str, label: str, amount_header: str, rows) -> Sheet:
    """A breakdown (label, amount) with its total row."""
    body = [[key, amount] for key, amount in rows]
    body.append([_("Total"), sum((amount for _key, amount in rows), quotas.ZERO)])
    return Sheet(title, [Column(label), Column(amount_header, "money")], body)


def report_sheets(report: Report) -> list[Sheet]:
    """The report as sheets for the export writer: the summary, each breakdown and the counted orders."""
    rows = summary_rows(report.progress)
    rows.append(
        [_("Of which awaiting acceptance (counted provisionally)"), Cell(report.awaiting_acceptance, "money")]
    )
    sheets = [summary_sheet(rows)]
    for by, rows in report.breakdowns.items():
        sheets.append(
            breakdown_sheet(
                _("By %(what)s") % {"what": _(BREAKDOWN_LABELS[by]).lower()},
                _(BREAKDOWN_LABELS[by]),
                _("Counted (CNY)"),
                rows,
            )
        )
    body = [
        [row["number"], row["placed"], row["organisation_name"], row["purpose_label"], row["total"]]
        for row in report.orders
    ]
    body.append([_("Total"), None, None, None, report.orders_total])
    sheets.append(
        Sheet(
            _("Counted orders"),
            [
                Column(_("Order")),
                Column(_("Placed"), "datetime"),
                Column(_("Organisation")),
                Column(_("Purpose")),
                Column(_("Counted (CNY)"), "money"),
            ],
            body,
        )
    )
    if report.not_counted:
        sheets.append(
            Sheet(
                _("Not counted"),
                [
                    Column(_("Reason"), width=36),
                    Column(_("Lines"), "integer"),
                    Column(_("Line total (CNY)"), "money"),
                ],
                [
                    [
                        _("Not counted: %(reason)s") % {"reason": row["reason"].label},
                        row["lines"],
                        row["amount"],
                    ]
                    for row in report.not_counted
                ],
            )
        )
    return sheets


def statement_sheets(organisation: Organisation, *, year: int) -> list[Sheet]:
    """The purchase statement's counted lines, each with its order, fapiao title, refunds and counted value."""
    lines = quotas.report_lines(organisation, year=year).select_related(
        "order__organisation_link__organisation", "origin_county__province", "origin_county__parent"
    )
    body = []
    total = quotas.ZERO
    for line in lines:
        link = line.order.organisation_link
        body.append(
            [
                line.order.number,
                line.order.date_placed,
                link.organisation.name,
                link.fapiao_title,
                line.title,
                line.origin_county.full_name if line.origin_county else "",
                line.certificate_number,
                line.quantity,
                line.line_price_incl_tax,
                line.refunded,
                line.counted,
            ]
        )
        total += line.counted
    body.append([_("Total"), None, None, None, None, None, None, None, None, None, total])
    columns = [
        Column(_("Order")),
        Column(_("Placed"), "datetime"),
        Column(_("Organisation")),
        Column(_("Fapiao title")),
        Column(_("Product")),
        Column(_("Origin county")),
        Column(_("Certificate")),
        Column(_("Quantity"), "integer"),
        Column(_("Line total (CNY)"), "money"),
        Column(_("Refunded (CNY)"), "money"),
        Column(_("Counted (CNY)"), "money"),
    ]
    return [Sheet(_("Purchase statement"), columns, body)]


OVERVIEW_SORTS = {
    "name": lambda name, figures: name,
    "target": lambda name, figures: figures.target or 0,
    "counted": lambda name, figures: figures.counted,
    "share": lambda name, figures: figures.share or 0,
}
OVERVIEW_PER_PAGE = 50


@dataclass
class Overview:
    """A page of the staff overview: its rows' progress, the page, and the totals of every listed row."""

    rows: list  # quotas.Progress of the organisations on the page, in the listing's order
    page: Page
    total: int  # organisations listed (all pages)
    totals: quotas.ColumnTotals


def _overview_listing(
    *, year: int, kind: str, region: str, sort: str, tree: quotas.Tree
) -> tuple[list[int], dict[int, quotas.Headline]]:
    """The listed organisations' ids in the overview's order and every organisation's headline figures:
    filtered in SQL, sorted on the ledger's figures, no organisation instantiated."""
    organisations = _listed(kind=kind, region=region)
    figures = quotas.headlines(year=year, tree=tree)
    sort = sort if sort.lstrip("-") in OVERVIEW_SORTS else "name"
    key = OVERVIEW_SORTS[sort.lstrip("-")]
    listed = sorted(
        organisations.order_by("name", "pk").values_list("pk", "name"),
        key=lambda row: key(row[1], figures[row[0]]),
        reverse=sort.startswith("-"),
    )
    return [pk for pk, _name in listed], figures


def overview(
    *, year: int, kind: str = "", region: str = "", sort: str = "", page: int | str | None = None
) -> Overview:
    """The staff overview's page: every organisation (filtered by type and region: a province, prefecture
    or county code) sorted by name, target, counted or share (``-`` descending), with totals over all of
    them, and the progress of only the organisations on the page; all from the quota ledger's rows."""
    tree = quotas.Tree()
    listed, figures = _overview_listing(year=year, kind=kind, region=region, sort=sort, tree=tree)
    shown = Paginator(listed, OVERVIEW_PER_PAGE).get_page(page)
    progresses = quotas.progress_for_all(
        year=year, from_ledger=True, organisation_ids=shown.object_list, tree=tree
    )
    return Overview(
        rows=[progresses[pk] for pk in shown.object_list],
        page=shown,
        total=len(listed),
        totals=quotas.column_totals([figures[pk] for pk in listed], tree=tree),
    )


def overview_rows(*, year: int, kind: str = "", region: str = "", sort: str = "") -> list[quotas.Progress]:
    """Every listed organisation's progress in the overview's order (the export of the staff overview)."""
    tree = quotas.Tree()
    listed, _figures = _overview_listing(year=year, kind=kind, region=region, sort=sort, tree=tree)
    progresses = quotas.progress_for_all(year=year, from_ledger=True, organisation_ids=listed, tree=tree)
    return [progresses[pk] for pk in listed]


def overview_count(*, year: int, kind: str = "", region: str = "") -> int:
    """How many organisations the overview lists (whether its export is written now or by a job)."""
    return _listed(kind=kind, region=region).count()


def _listed(*, kind: str, region: str):
    organisations = Organisation.objects.all()
    if kind:
        organisations = organisations.filter(kind=kind)
    if region:
        organisations = organisations.in_region(region)
    return organisations


def overview_sheet(progresses: list[quotas.Progress]) -> Sheet:
    """The staff overview's rows (organisations with target, counted and share) as an export sheet, with
    a total row that counts each line once (quotas.column_totals)."""
    columns = [
        Column(_("Organisation")),
        Column(_("Type")),
        Column(_("Region")),
        Column(_("Supervising unit")),
        Column(_("Target"), "money"),
        Column(_("Counted"), "money"),
        Column(_("Share reached"), "percent"),
        Column(_("Roll-up target"), "money"),
        Column(_("Roll-up counted"), "money"),
    ]
    rows = [
        [
            p.organisation.name,
            p.organisation.get_kind_display(),
            str(p.organisation.region or ""),
            str(p.organisation.parent or ""),
            p.target,
            p.counted,
            _fraction(p.share_percent),
            p.rollup_target,
            p.rollup_counted,
        ]
        for p in progresses
    ]
    totals = quotas.column_totals(progresses)
    rows.append(
        [
            _("Total"),
            None,
            None,
            None,
            totals.target,
            totals.counted,
            None,
            totals.rollup_target,
            totals.rollup_counted,
        ]
    )
    return Sheet(_("Organisations"), columns, rows)


# ---------------------------------------------------------------------------------------------------
# The finance bureau's statistics table: one row per unit of its region, roll-ups by city and county.


@dataclass
class StatisticsRow:
    """One unit's (or one roll-up's) figures for the year, as the authority's statistics table has them."""

    label: str
    declared: Decimal | None
    share: Decimal | None
    reserved: Decimal | None
    completed: Decimal
    union: Decimal
    paired: Decimal
    quarters: dict
    organisation: Organisation | None = None
    city: object = None  # catalogue Region or None
    county: object = None
    units: int = 1

    @property
    def rate(self) -> Decimal | None:
        return None if not self.reserved else self.completed / self.reserved

    @property
    def rate_percent(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.1"))

    @property
    def bar_percent(self) -> int:
        return 0 if self.rate is None else min(int(self.rate * 100), 100)


@dataclass
class Statistics:
    year: int
    units: list  # StatisticsRow per unit, by region code then name
    by_city: list
    by_county: list
    total: StatisticsRow


def _city_and_county(region):
    """The prefecture-level city and the county of a unit's registered region (None above that level)."""
    if region is None:
        return None, None
    if region.level == "county":
        parent = region.parent
        return (parent if parent is not None and parent.level == "city" else None), region
    if region.level == "city":
        return region, None
    return None, None


def statistics(organisation_ids, *, year: int) -> Statistics:
    """The statistics table of these organisations for the year.

    Affiliated bodies (trade unions) are no rows of their own: they count toward their unit, shown as the
    unit's "of which union". Every figure comes from quotas.unit_statistics(), the same composition the
    unit's own report shows, read from the quota ledger's stored rows; each roll-up is the sum of its
    units, so every line counts once.
    """
    figures = quotas.unit_statistics(year=year, organisation_ids=organisation_ids, from_ledger=True)
    targets = {
        target.organisation_id: target
        for target in AnnualTarget.objects.filter(year=year, organisation_id__in=list(figures))
    }
    units = []
    for pk, unit in figures.items():
        organisation = unit.progress.organisation
        if organisation.counts_toward_parent and organisation.parent_id in figures:
            continue
        target = targets.get(pk)
        declared = target.declared_canteen_spending if target else None
        share = None
        if target is not None and target.fixed_amount is None:
            share = target.share if target.share is not None else organisation.effective_quota_share
        city, county = _city_and_county(organisation.region)
        units.append(
            StatisticsRow(
                label=organisation.name,
                declared=declared,
                share=share,
                reserved=unit.progress.target,
                completed=unit.progress.counted,
                union=unit.affiliated,
                paired=unit.progress.paired_counted,
                quarters=unit.quarters,
                organisation=organisation,
                city=city,
                county=county,
            )
        )
    units.sort(key=lambda row: (row.organisation.region_id or "999999", row.label))
    return Statistics(
        year=year,
        units=units,
        by_city=_rolled_up(
            units, lambda row: (row.city.code, row.city.name) if row.city else None, _city_rest
        ),
        by_county=_rolled_up(
            units, lambda row: (row.county.code, row.county.full_name) if row.county else None, _county_rest
        ),
        total=sum_rows(_("Total"), units),
    )


def _city_rest(row) -> tuple:
    return ("", _("Province-level units"))


def _county_rest(row) -> tuple:
    if row.city is not None:
        return (row.city.code, _("%(city)s, city-level units") % {"city": row.city.name})
    return ("", _("Province-level units"))


def _rolled_up(units, key, rest) -> list[StatisticsRow]:
    groups = {}
    for row in units:
        code, label = key(row) or rest(row)
        groups.setdefault((code or "999999", label), []).append(row)
    return [sum_rows(label, rows) for (_code, label), rows in sorted(groups.items())]


def sum_rows(label: str, rows: list[StatisticsRow]) -> StatisticsRow:
    def total(name):
        return sum((getattr(row, name) or quotas.ZERO for row in rows), quotas.ZERO)

    reserved = [row.reserved for row in rows if row.reserved is not None]
    return StatisticsRow(
        label=label,
        declared=total("declared"),
        share=None,
        reserved=sum(reserved, quotas.ZERO) if reserved else None,
        completed=total("completed"),
        union=total("union"),
        paired=total("paired"),
        quarters={q: sum((row.quarters[q] for row in rows), quotas.ZERO) for q in range(1, 5)},
        units=len(rows),
    )


def _figure_columns() -> list[Column]:
    return [
        Column(_("Declared canteen food spending (CNY)"), "money"),
        Column(_("Reserved share"), "percent"),
        Column(_("Reserved amount (CNY)"), "money"),
        Column(_("Completed amount (CNY)"), "money"),
        Column(_("Completion rate"), "percent"),
        Column(_("Of which trade union (CNY)"), "money"),
        Column(_("Of which paired counties (CNY)"), "money"),
        *[Column(_("Q%(quarter)d completed (CNY)") % {"quarter": q}, "money") for q in range(1, 5)],
    ]


def _figures(row: StatisticsRow) -> list:
    return [
        row.declared,
        row.share,
        row.reserved,
        row.completed,
        row.rate,
        row.union,
        row.paired,
        *[row.quarters[q] for q in range(1, 5)],
    ]


def statistics_sheets(table: Statistics) -> list[Sheet]:
    """The table as export sheets: the units, then the roll-ups by city and by county."""
    unit_rows = [
        [
            row.label,
            row.organisation.credit_code,
            row.organisation.region.full_name if row.organisation.region else "",
            row.organisation.get_kind_display(),
            *_figures(row),
        ]
        for row in table.units
    ]
    unit_rows.append([table.total.label, None, None, None, *_figures(table.total)])
    units = Sheet(
        _("Units %(year)d") % {"year": table.year},
        [
            Column(_("Unit name"), width=30),
            Column(_("Unified social credit code"), width=20),
            Column(_("Region")),
            Column(_("Type")),
            *_figure_columns(),
        ],
        unit_rows,
    )
    sheets = [units]
    for title, header, rows in (
        (_("By city"), _("City"), table.by_city),
        (_("By county"), _("County"), table.by_county),
    ):
        body = [[row.label, row.units, *_figures(row)] for row in rows]
        body.append([table.total.label, table.total.units, *_figures(table.total)])
        sheets.append(
            Sheet(title, [Column(header, width=24), Column(_("Units"), "integer"), *_figure_columns()], body)
        )
    return sheets
