"""The consumption-aid quota rule: what counts toward an organisation's annual target.

The counted value of an organisation's year follows the money of each line: the line total (after
discounts) paid for it minus what was refunded for it, or, once the buying unit accepted the line
(acceptance.py), minus the value of the quantity it did not accept if that is more (order lines' `annotate_refunded()`, the one
refund rule: bank-transfer refunds staff record with refunds.record() and Stripe-confirmed refunds),
over lines whose product was certified, from a poverty county and an agricultural or sideline product
(catalogue_ext.agricultural) at the moment of ordering, of the
organisation's orders placed in that year (Asia/Shanghai calendar) that are paid. A cancelled line
counts nothing (nothing was delivered for it), and neither does an order whose status is "refunded":
that status says the whole payment went back, so it zeroes the order even where staff set it in the
dashboard without recording line refunds.

Whether one line counts is decided by the named conditions in CONDITIONS, written once for both
worlds: `line_counts()` judges a basket line (its product, live: the checkout's quota preview) or an
order line (the facts the order creator froze on it, and its order) in Python, and
`counting_filter()` is the same conditions as one Q for the reports. The order creator freezes a
line's product facts with `frozen_line_fields()`, the very facts the preview judged.

counted_lines() is the one definition; every figure below (reports, exports, the staff overview,
the impact dashboard) is an SQL aggregate over it, for one organisation or for all at once.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter, Greatest, Round, TruncMonth
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalogue_ext import agricultural
from shop.core import dates
from shop.core.grouping import grouping_sets
from shop.core.money import CENT
from shop.institutions.models import (
    AnnualTarget,
    LedgerEntry,
    LineAcceptance,
    Organisation,
    OrganisationOrder,
    YearSnapshot,
    target_amount,
)
from shop.order import statuses
from shop.order.models import refunded_line_ids

Order = get_model("order", "Order")
Line = get_model("order", "Line")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductCertificate = get_model("catalogue", "ProductCertificate")
Region = get_model("catalogue", "Region")

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
# Each breakdown of the report and the ledger field that holds it.
BREAKDOWN_FIELDS = {
    "purpose": "by_purpose",
    "province": "by_province",
    "county": "by_county",
    "category": "by_category",
    "month": "by_month",
}
BREAKDOWNS = tuple(BREAKDOWN_FIELDS)


def counted_orders(*, year: int, organisation_ids: Iterable[int] | None = None):
    """Organisation orders placed in the year (Asia/Shanghai) that are paid and not cancelled."""
    start, end = dates.year_bounds(year)
    orders = Order.objects.paid().filter(
        date_placed__gte=start, date_placed__lt=end, organisation_link__isnull=False
    )
    if organisation_ids is not None:
        orders = orders.filter(organisation_link__organisation_id__in=list(organisation_ids))
    return orders


class Reason(models.TextChoices):
    """Why a line counts toward the quota, or the first condition it fails."""

    COUNTS = "counts", _("Counts toward the organisation's quota")
    NOT_POVERTY_COUNTY = "not_poverty_county", _("Not from a former poverty county")
    NOT_CERTIFIED = "not_certified", _("No valid consumption-aid certificate")
    NOT_AGRICULTURAL = "not_agricultural", _("Not an agricultural or sideline product")
    NOT_ORGANISATION_ORDER = "not_organisation_order", _("Not ordered for an organisation")
    NOT_PAID = "not_paid", _("Not paid, or cancelled")
    ORDER_REFUNDED = "order_refunded", _("The order was refunded")
    LINE_CANCELLED = "line_cancelled", _("The line was cancelled")
    OTHER_YEAR = "other_year", _("Placed in another year")


@dataclass(frozen=True)
class LineFacts:
    """What the conditions read of a line. A basket line is judged as the organisation order it would
    become, so its order facts hold and its year is the one asked about."""

    poverty_county: bool
    certified: bool
    agricultural: bool = True
    organisation_order: bool = True
    paid: bool = True
    order_refunded: bool = False
    line_cancelled: bool = False
    year: int | None = None


@dataclass(frozen=True)
class Condition:
    """One named condition: how Python checks it on a line's facts, and the same check as a Q on lines."""

    fails_with: Reason
    holds: Callable[[LineFacts, int | None], bool]
    q: Callable[[int | None], Q]


def _in_year_q(year: int | None) -> Q:
    if year is None:
        return Q()
    start, end = dates.year_bounds(year)
    return Q(order__date_placed__gte=start, order__date_placed__lt=end)


# In the order their reasons are reported. The product conditions are frozen on the order line when
# the order is placed (frozen_line_fields), so a later certificate or map change never moves a count.
CONDITIONS = (
    Condition(
        Reason.NOT_POVERTY_COUNTY,
        lambda facts, year: facts.poverty_county,
        lambda year: Q(was_poverty_county=True),
    ),
    Condition(Reason.NOT_CERTIFIED, lambda facts, year: facts.certified, lambda year: Q(was_certified=True)),
    Condition(
        Reason.NOT_AGRICULTURAL,
        lambda facts, year: facts.agricultural,
        lambda year: Q(was_agricultural=True),
    ),
    Condition(
        Reason.NOT_ORGANISATION_ORDER,
        lambda facts, year: facts.organisation_order,
        lambda year: Q(order__organisation_link__isnull=False),
    ),
    Condition(
        Reason.NOT_PAID,
        lambda facts, year: facts.paid,
        lambda year: Q(order__status__in=statuses.PAID_STATUSES),
    ),
    # An order set to "refunded" (by Stripe's full refund, or by staff in the dashboard) has returned
    # all its money: it counts nothing, whether or not refunds were recorded line by line.
    Condition(
        Reason.ORDER_REFUNDED,
        lambda facts, year: not facts.order_refunded,
        lambda year: ~Q(order__status=statuses.REFUNDED),
    ),
    Condition(
        Reason.LINE_CANCELLED,
        lambda facts, year: not facts.line_cancelled,
        lambda year: ~Q(status=statuses.LINE_CANCELLED),
    ),
    Condition(Reason.OTHER_YEAR, lambda facts, year: year is None or facts.year in (None, year), _in_year_q),
)


def evaluate(facts: LineFacts, *, year: int | None = None) -> tuple[bool, Reason]:
    """(True, COUNTS) when every condition holds, else (False, the first failing condition's reason)."""
    for condition in CONDITIONS:
        if not condition.holds(facts, year):
            return False, condition.fails_with
    return True, Reason.COUNTS


def line_counts(line, *, year: int | None = None) -> tuple[bool, Reason]:
    """Whether a basket line (judged live) or an order line (its frozen facts and order) counts, and why not."""
    return evaluate(line_facts(line), year=year)


def counting_filter(*, year: int | None = None) -> Q:
    """The conditions of line_counts() as one Q on order lines (all years when `year` is None)."""
    combined = Q()
    for condition in CONDITIONS:
        combined &= condition.q(year)
    return combined


def line_facts(line) -> LineFacts:
    if getattr(line, "order_id", None) is None:  # a basket line: its product as it is now
        fields = frozen_line_fields(line.product)
        return LineFacts(
            poverty_county=fields["was_poverty_county"],
            certified=fields["was_certified"],
            agricultural=fields["was_agricultural"],
        )
    order = line.order
    return LineFacts(
        poverty_county=line.was_poverty_county,
        certified=line.was_certified,
        agricultural=line.was_agricultural,
        organisation_order=OrganisationOrder.objects.filter(order=order).exists(),
        paid=order.status in statuses.PAID_STATUSES,
        order_refunded=order.status == statuses.REFUNDED,
        line_cancelled=line.status == statuses.LINE_CANCELLED,
        year=dates.year_of(order.date_placed) if order.date_placed else None,
    )


def frozen_line_fields(product, *, on: datetime.date | None = None) -> dict:
    """The quota facts of a product (a variant's parent) as an order line freezes them when ordered."""
    source = product.parent if product.is_child else product
    county = source.origin_county
    certificate = (
        ProductCertificate.objects.valid(on=on or dates.today())
        .filter(product=source)
        .order_by("-expiry_date")
        .first()
    )
    return {
        "origin_county": county,
        "origin_province_id": county.province_id if county else None,
        "was_certified": certificate is not None,
        "was_poverty_county": bool(county and county.is_poverty_county),
        "was_agricultural": agricultural.is_agricultural(source),
        "certificate_number": certificate.number if certificate else "",
    }


def qualifying_lines(*, year: int, organisation_ids: Iterable[int] | None = None):
    """THE rule in SQL: lines that count toward the quota in the year (counting_filter()).

    The conditions are written as joins from the line rather than as `order IN (subquery)`:
    PostgreSQL can then start from the organisation's own orders (index on the organisation link)
    instead of scanning every paid order of the year, and grouping by the organisation link reuses
    the join.
    """
    lines = Line.objects.filter(counting_filter(year=year))
    if organisation_ids is None:
        return lines
    return lines.filter(order__organisation_link__organisation_id__in=list(organisation_ids))


def annotate_deduction(lines):
    """Each line with `refunded`, `not_accepted` (the value of the quantity its buyer did not accept,
    0 before acceptance), `deduction` (the larger of the two: money refunded for goods not accepted is
    not deducted twice) and `counted` (line total − deduction)."""
    price = F("line_price_incl_tax")
    accepted_value = Round(
        ExpressionWrapper(price * F("acceptance__accepted_quantity") / F("quantity"), output_field=MONEY),
        2,
        output_field=MONEY,
    )
    return (
        lines.annotate_refunded()
        .annotate(
            not_accepted=Case(
                When(
                    acceptance__isnull=False,
                    then=ExpressionWrapper(price - accepted_value, output_field=MONEY),
                ),
                default=Value(ZERO),
                output_field=MONEY,
            )
        )
        .annotate(deduction=Greatest(F("refunded"), F("not_accepted"), output_field=MONEY))
        .annotate(counted=ExpressionWrapper(price - F("deduction"), output_field=MONEY))
    )


def having_deductions(lines):
    """Only the lines with money refunded or quantity not accepted: the few lines whose counted value is
    less than their total, so the deduction is computed for them alone."""
    short = LineAcceptance.objects.filter(accepted_quantity__lt=F("line__quantity"))
    return lines.filter(pk__in=refunded_line_ids(short))


def counted_lines(*, year: int, organisation_ids: Iterable[int] | None = None):
    """The qualifying lines, each annotated with its refunded, deducted and counted amounts."""
    return annotate_deduction(qualifying_lines(year=year, organisation_ids=organisation_ids))


def totals(lines, group) -> list[dict]:
    """Counted value of `lines` grouped by `group(queryset)` (a .values(...) call), as SQL aggregates.

    The line totals are summed in one query and the deductions (refunds, quantities not accepted) of
    the few lines that have any in a second one, so the per-line lookup never runs over every line.
    """
    rows = {}
    for row in group(lines.order_by()).annotate(total=_sum("line_price_incl_tax")):
        rows[_group_key(row)] = row
    deducted = annotate_deduction(having_deductions(lines.order_by()))
    for row in group(deducted).annotate(total=_sum("deduction")):
        rows[_group_key(row)]["total"] -= row["total"]
    for row in rows.values():  # SQLite sums decimals as floats: back to whole fen
        row["total"] = row["total"].quantize(CENT)
    return list(rows.values())


def _group_key(row) -> tuple:
    return tuple((name, value) for name, value in row.items() if name != "total")


def _sum(expression="counted"):
    return Coalesce(Sum(expression, output_field=MONEY), Value(ZERO), output_field=MONEY)


def counted_by_organisation(
    *, year: int, organisation_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    """Each organisation's own orders' counted value (no roll-up), one SQL aggregate for all."""
    rows = totals(
        qualifying_lines(year=year, organisation_ids=organisation_ids),
        lambda lines: lines.values(org=F("order__organisation_link__organisation_id")),
    )
    return {row["org"]: row["total"] for row in rows}


def _breakdown_key(by: str):
    """The SQL expression a breakdown groups the counted lines by."""
    if by == "purpose":
        return F("order__organisation_link__purpose")
    if by == "province":
        return F("origin_province__name")
    if by == "county":
        return F("origin_county__name")
    if by == "category":
        return Subquery(
            ProductCategory.objects.filter(product=OuterRef("product_id"))
            .order_by("pk")
            .values("category__name")[:1]
        )
    if by == "month":
        return TruncMonth("order__date_placed")
    raise ValueError(f"Unknown breakdown {by!r}")


def breakdown(*, year: int, organisation_ids: Iterable[int] | None, by: str) -> list[tuple[str, Decimal]]:
    """Counted value grouped by purpose, province, county, category or month, largest first (months in order)."""
    key = _breakdown_key(by)
    rows = totals(
        qualifying_lines(year=year, organisation_ids=organisation_ids),
        lambda lines: lines.annotate(key=key).values("key"),
    )
    return _presented(by, [(row["key"], row["total"]) for row in rows])


def breakdowns(*, year: int, organisation_ids: Iterable[int] | None) -> dict[str, list[tuple[str, Decimal]]]:
    """Every breakdown at once. On PostgreSQL one `GROUPING SETS` pass over the counted lines (and one
    over the refunded ones) instead of a pass per breakdown; elsewhere one `breakdown()` each."""
    if connection.vendor != "postgresql":
        return {by: breakdown(year=year, organisation_ids=organisation_ids, by=by) for by in BREAKDOWNS}
    lines = qualifying_lines(year=year, organisation_ids=organisation_ids).order_by()
    keys = {f"key_{by}": _breakdown_key(by) for by in BREAKDOWNS}
    totals_by = {by: defaultdict(lambda: ZERO) for by in BREAKDOWNS}
    deducted = annotate_deduction(having_deductions(lines)).annotate(amount=F("deduction"))
    for rows, sign in ((lines.annotate(amount=F("line_price_incl_tax")), 1), (deducted, -1)):
        sums = _grouping_sets(rows.annotate(**keys), list(keys))
        for by in BREAKDOWNS:
            for key, total in sums[f"key_{by}"].items():
                totals_by[by][key] += sign * total
    return {
        by: _presented(by, [(key, total.quantize(CENT)) for key, total in totals_by[by].items()])
        for by in BREAKDOWNS
    }


def _grouping_sets(rows, keys: list[str]) -> dict[str, dict]:
    """SUM(amount) of `rows` (a queryset annotated with `amount` and each of `keys`) grouped by each key
    alone, in one `GROUPING SETS` pass (PostgreSQL): {key: {value: sum}}."""
    sums = {name: {} for name in keys}
    for name, value, (total,) in grouping_sets(rows.values(*keys, "amount"), keys, ["SUM(amount)"]):
        sums[name][value] = total or ZERO
    return sums


def _presented(by: str, result: list[tuple]) -> list[tuple[str, Decimal]]:
    if by == "month":  # a month (live) or its "YYYY-MM" (the ledger)
        months = ((key if isinstance(key, str) else key.strftime("%Y-%m"), total) for key, total in result)
        return sorted(months, key=lambda item: item[0])
    if by == "purpose":
        labels = dict(OrganisationOrder._meta.get_field("purpose").choices)
        result = [(str(labels.get(key, key)), total) for key, total in result]
    return sorted(((key or "—", total) for key, total in result), key=lambda item: (-item[1], item[0]))


# ---------------------------------------------------------------------------------------------------
# The organisation tree: affiliated bodies count toward their unit; subordinate units roll up.


class Tree:
    """Every organisation's parent and relation, loaded in one query; or (`below`) only one organisation
    and everything below it, for the pages of one organisation (its unit, roll-up and units)."""

    def __init__(self, *, below: int | None = None):
        if below is None:
            rows = Organisation.objects.order_by().values("pk", "parent_id", "relation_to_parent")
        else:
            rows = _subtree_rows(below)
        self.nodes = {row["pk"]: row for row in rows}
        self.children = defaultdict(list)
        for row in self.nodes.values():
            if row["parent_id"]:
                self.children[row["parent_id"]].append(row["pk"])

    def unit_ids(self, pk: int) -> list[int]:
        """The organisation and its affiliated bodies (recursively): whose orders count toward its target."""
        ids, stack = [], [pk]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(
                child
                for child in self.children[current]
                if self.nodes[child]["relation_to_parent"] == Organisation.Relation.AFFILIATED
            )
        return ids

    def subtree_ids(self, pk: int) -> list[int]:
        """The organisation and everything below it."""
        ids, stack = [], [pk]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(self.children[current])
        return ids

    def is_affiliated(self, pk: int) -> bool:
        node = self.nodes[pk]
        return bool(node["parent_id"]) and node["relation_to_parent"] == Organisation.Relation.AFFILIATED


def _subtree_rows(pk: int) -> list[dict]:
    """The organisation and all organisations below it (pk, parent_id, relation_to_parent), in one
    recursive query."""
    table = Organisation._meta.db_table
    sql = (
        f"WITH RECURSIVE below(id) AS (SELECT id FROM {table} WHERE id = %s "
        f"UNION SELECT child.id FROM {table} AS child JOIN below ON child.parent_id = below.id) "
        f"SELECT organisation.id, organisation.parent_id, organisation.relation_to_parent "
        f"FROM {table} AS organisation JOIN below ON organisation.id = below.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return [
            {"pk": row[0], "parent_id": row[1], "relation_to_parent": row[2]} for row in cursor.fetchall()
        ]


# ---------------------------------------------------------------------------------------------------
# Progress toward the target, with pacing.


@dataclass
class Progress:
    organisation: Organisation
    year: int
    target: Decimal | None
    counted: Decimal
    paired_counted: Decimal = ZERO
    paired_target: Decimal = ZERO
    rollup_target: Decimal | None = None
    rollup_counted: Decimal = ZERO
    by_purpose: dict = field(default_factory=dict)
    frozen: YearSnapshot | None = None
    live_counted: Decimal | None = None
    today: datetime.date | None = None

    @property
    def organisation_id(self) -> int:
        return self.organisation.pk

    @property
    def share(self) -> Decimal | None:
        return _ratio(self.counted, self.target)

    @property
    def share_percent(self) -> Decimal | None:
        return None if self.share is None else (self.share * 100).quantize(Decimal("0.1"))

    @property
    def bar_percent(self) -> int:
        return 0 if self.share is None else min(int(self.share * 100), 100)

    @property
    def rollup_share_percent(self) -> Decimal | None:
        share = _ratio(self.rollup_counted, self.rollup_target)
        return None if share is None else (share * 100).quantize(Decimal("0.1"))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.target is None else max(self.target - self.counted, ZERO)

    @property
    def elapsed(self) -> Decimal:
        """The fraction of the year gone by today (1 for past years, 0 for future ones)."""
        today = self.today or dates.today()
        start, end = datetime.date(self.year, 1, 1), datetime.date(self.year + 1, 1, 1)
        if today >= end:
            return Decimal(1)
        if today < start:
            return Decimal(0)
        return Decimal((today - start).days + 1) / Decimal((end - start).days)

    @property
    def expected_percent(self) -> Decimal:
        return (self.elapsed * 100).quantize(Decimal("0.1"))

    @property
    def projected_percent(self) -> Decimal | None:
        if self.share is None or not self.elapsed:
            return None
        return (self.share / self.elapsed * 100).quantize(Decimal("0.1"))

    @property
    def is_behind(self) -> bool:
        return self.share is not None and self.share * 100 < self.expected_percent

    @property
    def adjustment(self) -> Decimal:
        """Live minus frozen counted value: late refunds or payments after the year was frozen."""
        if self.frozen is None or self.live_counted is None:
            return ZERO
        return self.live_counted - self.frozen.counted


def _ratio(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return part / whole


def _pairs(unit_pks: Iterable[int] | None) -> dict[int, set]:
    """Each unit's paired counties (for the units given, or every unit with paired counties)."""
    pairs = defaultdict(set)
    through = Organisation.paired_counties.through.objects.all()
    if unit_pks is not None:
        through = through.filter(organisation_id__in=list(unit_pks))
    for org_id, county_id in through.values_list("organisation_id", "region_id"):
        pairs[org_id].add(county_id)
    return pairs


def _members_of(pairs: dict, tree: Tree) -> set[int]:
    return {member for pk in pairs for member in (tree.unit_ids(pk) if pk in tree.nodes else [pk])}


def _paired_sums(pairs: dict, tree: Tree, by_org: dict) -> dict[int, Decimal]:
    """Each unit's counted value from its paired counties: its members' amounts by origin county."""
    result = {}
    for unit_id, counties in pairs.items():
        members = tree.unit_ids(unit_id) if unit_id in tree.nodes else [unit_id]
        result[unit_id] = sum(
            (
                total
                for member in members
                for county, total in by_org.get(member, {}).items()
                if county in counties
            ),
            ZERO,
        )
    return result


def _paired_by_organisation(year: int, tree: Tree, unit_pks: Iterable[int] | None) -> dict[int, Decimal]:
    """Counted value from each unit's paired counties (its affiliated bodies' lines included), from one
    grouped SQL aggregate; for the units given, or for every unit with paired counties."""
    pairs = _pairs(unit_pks)
    if not pairs:
        return {}
    county_ids = set().union(*pairs.values())
    buyers = _members_of(pairs, tree) if unit_pks is not None else None
    lines = qualifying_lines(year=year, organisation_ids=buyers).filter(origin_county_id__in=county_ids)
    by_org = defaultdict(dict)
    for row in totals(
        lines,
        lambda qs: qs.values(
            org=F("order__organisation_link__organisation_id"), county=F("origin_county_id")
        ),
    ):
        by_org[row["org"]][row["county"]] = row["total"]
    return _paired_sums(pairs, tree, by_org)


@dataclass
class OwnFigures:
    """Each organisation's own orders' counted value (no roll-up), by purpose and by quarter, and each
    unit's counted value from its paired counties: what progress and the statistics table compose."""

    direct: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_purpose: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: ZERO)))
    by_quarter: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: ZERO)))
    paired: dict = field(default_factory=dict)


def _live_figures(
    year: int, tree: Tree, scope: Iterable[int] | None, units: Iterable[int] | None
) -> OwnFigures:
    """OwnFigures from the order lines: one aggregate grouped by organisation, purpose and quarter."""
    figures = OwnFigures(paired=_paired_by_organisation(year, tree, units))
    for row in totals(
        qualifying_lines(year=year, organisation_ids=scope),
        lambda lines: lines.values(
            org=F("order__organisation_link__organisation_id"),
            purpose=F("order__organisation_link__purpose"),
            quarter=ExtractQuarter("order__date_placed"),
        ),
    ):
        figures.direct[row["org"]] += row["total"]
        figures.by_purpose[row["org"]][row["purpose"]] += row["total"]
        figures.by_quarter[row["org"]][row["quarter"]] += row["total"]
    return figures


def _ledger_figures(
    year: int, tree: Tree, scope: Iterable[int] | None, units: Iterable[int] | None
) -> OwnFigures:
    """OwnFigures from the stored ledger rows (LedgerEntry): a row per organisation, no order line read."""
    figures = OwnFigures()
    entries = LedgerEntry.objects.filter(year=year)
    if scope is not None:
        entries = entries.filter(organisation_id__in=list(scope))
    for entry in entries.values("organisation_id", "counted", "q1", "q2", "q3", "q4", "by_purpose"):
        pk = entry["organisation_id"]
        figures.direct[pk] = entry["counted"]
        for purpose, amount in entry["by_purpose"].items():
            figures.by_purpose[pk][purpose] = Decimal(amount)
        for quarter in range(1, 5):
            figures.by_quarter[pk][quarter] = entry[f"q{quarter}"]
    pairs = _pairs(units)
    if pairs:
        counties = set().union(*pairs.values())
        figures.paired = _paired_sums(
            pairs, tree, _ledger_county_amounts(year, _members_of(pairs, tree), counties)
        )
    return figures


def _ledger_county_amounts(year: int, organisation_ids: set[int], county_ids: set[str]) -> dict[int, dict]:
    """{organisation: {county: amount}} of the given origin counties only, unpacked from the rows'
    `by_county` in SQL: a row holds every county its lines came from, the paired figures need a few."""
    if not organisation_ids or not county_ids:
        return {}
    # Each row's by_county is expanded once (it is stored out of line: a lookup per county would fetch
    # it again for each).
    each = "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"
    organisations, counties = sorted(organisation_ids), sorted(county_ids)
    sql = (
        f"SELECT entry.organisation_id, county.key, county.value "
        f"FROM {LedgerEntry._meta.db_table} AS entry, {each}(entry.by_county) AS county "
        f"WHERE entry.year = %s AND entry.organisation_id IN ({', '.join(['%s'] * len(organisations))}) "
        f"AND county.key IN ({', '.join(['%s'] * len(counties))})"
    )
    params = [year, *organisations, *counties]
    by_org = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for organisation_id, county, amount in cursor.fetchall():
            by_org[organisation_id][county] = Decimal(amount)
    return by_org


def progress_for_all(
    *,
    year: int,
    today: datetime.date | None = None,
    from_ledger: bool = False,
    organisation_ids: Iterable[int] | None = None,
    tree: Tree | None = None,
    loaded: Iterable[Organisation] = (),
) -> dict[int, Progress]:
    """Every organisation's progress for the year (or only these organisations'), in a constant number of
    queries: from the order lines, or (from_ledger, the staff pages) from the stored ledger rows
    refresh_ledger() keeps current. With `organisation_ids`, only their subtrees' figures are read;
    `loaded`: organisations among them the caller has already read (with region and parent)."""
    tree = tree or Tree()
    wanted = scope = None
    if organisation_ids is not None:
        wanted = [pk for pk in organisation_ids if pk in tree.nodes]
        scope = sorted({member for pk in wanted for member in tree.subtree_ids(pk)})
    figures = (_ledger_figures if from_ledger else _live_figures)(year, tree, scope, wanted)
    targets = AnnualTarget.objects.filter(year=year).select_related("organisation")
    snapshots = YearSnapshot.objects.filter(year=year)
    organisations = Organisation.objects.select_related("region", "parent")
    if wanted is not None:
        targets = targets.filter(organisation_id__in=scope)
        snapshots = snapshots.filter(organisation_id__in=wanted)
        organisations = organisations.filter(pk__in=wanted)
    targets = {target.organisation_id: target for target in targets}
    snapshots = {snap.organisation_id: snap for snap in snapshots}
    loaded = {organisation.pk: organisation for organisation in loaded}
    if wanted is not None and loaded:
        missing = [pk for pk in wanted if pk not in loaded]
        organisations = [
            *(loaded[pk] for pk in wanted if pk in loaded),
            *(organisations.filter(pk__in=missing) if missing else []),
        ]
    return {
        organisation.pk: _compose(
            organisation,
            year,
            tree,
            figures.direct,
            figures.paired,
            targets,
            snapshots,
            figures.by_purpose,
            today,
        )
        for organisation in organisations
    }


def progress(
    organisation: Organisation,
    *,
    year: int,
    today: datetime.date | None = None,
    from_ledger: bool = False,
    tree: Tree | None = None,
) -> Progress:
    """One organisation's progress: its unit's figures and the roll-up of its subordinate units, from its
    order lines or (from_ledger) from the stored ledger rows of its subtree."""
    tree = tree or Tree()
    if from_ledger:
        progresses = progress_for_all(
            year=year,
            today=today,
            from_ledger=True,
            organisation_ids=[organisation.pk],
            tree=tree,
            loaded=[organisation],
        )
        return progresses[organisation.pk]
    subtree = tree.subtree_ids(organisation.pk)
    direct = counted_by_organisation(year=year, organisation_ids=subtree)
    paired = _paired_by_organisation(year, tree, [organisation.pk])
    targets = {
        target.organisation_id: target
        for target in AnnualTarget.objects.filter(year=year, organisation_id__in=subtree).select_related(
            "organisation"
        )
    }
    snapshots = {
        snap.organisation_id: snap
        for snap in YearSnapshot.objects.filter(year=year, organisation=organisation)
    }
    by_purpose = defaultdict(dict)
    for row in totals(
        qualifying_lines(year=year, organisation_ids=tree.unit_ids(organisation.pk)),
        lambda lines: lines.values(
            org=F("order__organisation_link__organisation_id"), purpose=F("order__organisation_link__purpose")
        ),
    ):
        by_purpose[row["org"]][row["purpose"]] = row["total"]
    return _compose(organisation, year, tree, direct, paired, targets, snapshots, by_purpose, today)


LEDGER_VERSION_KEY = "quota-ledger-version"
STANDING_SECONDS = 300  # also bounds a standing left stale by a bulk update()


def ledger_changed(**kwargs) -> None:
    """Forget every cached standing (an order, line, refund, acceptance, target, snapshot or organisation
    changed), now and when the transaction commits. Connected in InstitutionsConfig.ready()."""
    from django.db import transaction

    _bump_ledger()
    transaction.on_commit(_bump_ledger)


def _bump_ledger() -> None:
    from shop.caching import bump_version

    bump_version(LEDGER_VERSION_KEY)


def standing(organisation: Organisation, *, year: int) -> tuple[Decimal | None, Decimal]:
    """The organisation's target and counted value for the year, as progress() reports them (the frozen
    snapshot's once the year is closed), cached until the ledger changes: the basket's quota preview
    reads them on every basket page, whatever the size of the organisation's order history."""
    from shop.caching import new_version
    from shop.caching.tiered import versioned_cache

    version = cache.get_or_set(LEDGER_VERSION_KEY, new_version, timeout=None)
    key = f"quota-standing:{version}:{organisation.pk}:{year}:{dates.today():%Y%m%d}"
    return versioned_cache().get_or_set(key, lambda: _standing(organisation, year=year), STANDING_SECONDS)


def _standing(organisation: Organisation, *, year: int) -> tuple[Decimal | None, Decimal]:
    """progress()'s target and counted value alone, without the roll-up, paired counties and purposes it
    also reads: the frozen snapshot's figures, else the year's target and counted_value()."""
    snapshot = YearSnapshot.objects.filter(year=year, organisation=organisation).first()
    if snapshot is not None:
        return snapshot.target, snapshot.counted
    target = AnnualTarget.objects.filter(year=year, organisation=organisation).first()
    if target is not None:
        target.organisation = organisation  # its share may come from the organisation
    return (target.amount if target else None), counted_value(organisation, year=year)


def _compose(organisation, year, tree, direct, paired, targets, snapshots, by_purpose, today) -> Progress:
    pk = organisation.pk
    target = targets.get(pk)
    snapshot = snapshots.get(pk)
    figures = _headline_figures(
        pk,
        tree,
        direct,
        lambda member: targets[member].amount if member in targets else None,
        snapshot,
    )
    result = Progress(
        organisation=organisation,
        year=year,
        target=figures.target,
        counted=figures.counted,
        paired_counted=paired.get(pk, ZERO),
        paired_target=target.paired_amount if target else ZERO,
        rollup_target=figures.rollup_target,
        rollup_counted=figures.rollup_counted,
        by_purpose=_unit_purposes(tree.unit_ids(pk), by_purpose),
        today=today,
    )
    if snapshot is not None:
        result.frozen = snapshot
        result.live_counted = figures.live_counted
        result.paired_counted = snapshot.paired_counted
        result.by_purpose = {key: Decimal(value) for key, value in snapshot.by_purpose.items()}
    return result


class Headline(NamedTuple):
    """An organisation's headline figures of a year (target, counted, roll-ups; the frozen ones once the
    year is frozen): what the staff overview sorts, filters and totals all organisations by."""

    organisation_id: int
    target: Decimal | None
    counted: Decimal
    rollup_target: Decimal | None
    rollup_counted: Decimal
    frozen: bool = False
    live_counted: Decimal | None = None

    @property
    def share(self) -> Decimal | None:
        return _ratio(self.counted, self.target)


def _headline_figures(pk: int, tree: Tree, direct: dict, amount_of: Callable, snapshot) -> Headline:
    """The headline figures of one organisation: its unit's counted value (its own orders and its
    affiliated bodies'), the roll-up of everything below it, or the frozen figures of its snapshot."""
    if snapshot is None and not tree.children.get(pk):  # most organisations: nothing below them
        own, target = direct.get(pk, ZERO), amount_of(pk)
        return Headline(pk, target, own, None if tree.is_affiliated(pk) else target, own)
    counted = sum((direct.get(member, ZERO) for member in tree.unit_ids(pk)), ZERO)
    subtree = tree.subtree_ids(pk)
    if snapshot is not None:
        return Headline(
            organisation_id=pk,
            target=snapshot.target,
            counted=snapshot.counted,
            rollup_target=snapshot.rollup_target,
            rollup_counted=snapshot.rollup_counted,
            frozen=True,
            live_counted=counted,
        )
    rollup_targets = [
        amount
        for member in subtree
        if not tree.is_affiliated(member) and (amount := amount_of(member)) is not None
    ]
    return Headline(
        organisation_id=pk,
        target=amount_of(pk),
        counted=counted,
        rollup_target=sum(rollup_targets, ZERO) if rollup_targets else None,
        rollup_counted=sum((direct.get(member, ZERO) for member in subtree), ZERO),
    )


def headlines(*, year: int, tree: Tree | None = None) -> dict[int, Headline]:
    """Every organisation's headline figures of the year from the quota ledger's stored rows, read as
    plain rows (a query each for the ledger, the targets and the snapshots): no order line, no model
    instance per organisation."""
    tree = tree or Tree()
    direct = dict(LedgerEntry.objects.filter(year=year).values_list("organisation_id", "counted"))
    amounts = {
        pk: target_amount(
            fixed_amount=fixed,
            declared_canteen_spending=declared,
            share=share,
            organisation_share=organisation_share,
        )
        for pk, fixed, declared, share, organisation_share in AnnualTarget.objects.filter(
            year=year
        ).values_list(
            "organisation_id",
            "fixed_amount",
            "declared_canteen_spending",
            "share",
            "organisation__quota_share",
        )
    }
    snapshots = {
        row.organisation_id: row
        for row in YearSnapshot.objects.filter(year=year).only(
            "organisation_id", "target", "counted", "rollup_target", "rollup_counted"
        )
    }
    return {pk: _headline_figures(pk, tree, direct, amounts.get, snapshots.get(pk)) for pk in tree.nodes}


def _unit_purposes(members: list[int], by_purpose: dict) -> dict:
    """A unit's counted value by purpose: its own orders' and its affiliated bodies', so the parts sum
    to its counted value."""
    merged = defaultdict(lambda: ZERO)
    for member in members:
        for purpose, total in by_purpose.get(member, {}).items():
            merged[purpose] += total
    return dict(merged)


def counted_value(organisation: Organisation, *, year: int, include_units: bool = False) -> Decimal:
    """The live counted value of an organisation's year (with affiliated bodies; roll-up if include_units)."""
    tree = Tree()
    ids = tree.subtree_ids(organisation.pk) if include_units else tree.unit_ids(organisation.pk)
    return sum(counted_by_organisation(year=year, organisation_ids=ids).values(), ZERO)


def report_lines(organisation: Organisation, *, year: int):
    """The counted lines of the organisation's unit, with their order and `accepted_quantity` (None until
    the buyer accepted the line), for listings and exports."""
    tree = Tree()
    return (
        counted_lines(year=year, organisation_ids=tree.unit_ids(organisation.pk))
        .annotate(accepted_quantity=F("acceptance__accepted_quantity"))
        .select_related("order", "order__organisation_link", "origin_county", "origin_province")
        .order_by("order__date_placed", "pk")
    )


@dataclass
class UnitFigures:
    """What an organisation's report reads of its unit's year besides the headline (from the ledger)."""

    breakdowns: dict  # {by: [(label, counted)]}, as breakdowns() gives them
    awaiting_acceptance: Decimal  # counted provisionally: lines the buyer has not accepted yet
    orders: int  # orders with counted lines
    not_counted: list  # the lines that do not count, by reason, as not_counted() gives them


def unit_ledger_figures(organisation: Organisation, *, year: int, tree: Tree | None = None) -> UnitFigures:
    """The breakdowns, the part awaiting acceptance, the number of counted orders and the lines that do not
    count of the organisation's unit (with its affiliated bodies) for the year, summed from the unit's
    ledger rows (ledger_rows(), kept current after every change): a row per organisation, however many
    lines the unit bought. Rows written before the ledger held these figures are recomputed first."""
    ids = unit_ids(organisation, tree=tree)
    fields = ["organisation_id", "revision", "awaiting_acceptance", "order_count", "not_counted"]
    fields += BREAKDOWN_FIELDS.values()
    entries = list(LedgerEntry.objects.filter(year=year, organisation_id__in=ids).values(*fields))
    stale = [entry["organisation_id"] for entry in entries if entry["revision"] < LEDGER_REVISION]
    if stale:
        refresh_ledger(stale, [year])
        entries = list(LedgerEntry.objects.filter(year=year, organisation_id__in=ids).values(*fields))
    sums = {by: defaultdict(lambda: ZERO) for by in BREAKDOWN_FIELDS}
    failing = defaultdict(lambda: [0, ZERO])
    awaiting, orders = ZERO, 0
    for entry in entries:
        for by, name in BREAKDOWN_FIELDS.items():
            for key, amount in entry[name].items():
                sums[by][key] += Decimal(amount)
        awaiting += entry["awaiting_acceptance"]
        orders += entry["order_count"]
        for reason, (lines, amount) in entry["not_counted"].items():
            failing[reason][0] += lines
            failing[reason][1] += Decimal(amount)
    names = _region_names({*sums["province"], *sums["county"]})
    breakdowns = {}
    for by, amounts in sums.items():
        labelled = defaultdict(lambda: ZERO)  # keyed as the live breakdowns() group: by name
        for key, amount in amounts.items():
            if by in ("province", "county"):
                key = names.get(key, key)
            if key == NONE:
                key = None
            labelled[key] += amount
        breakdowns[by] = _presented(by, list(labelled.items()))
    return UnitFigures(
        breakdowns=breakdowns,
        awaiting_acceptance=awaiting,
        orders=orders,
        not_counted=_by_reason(
            {"reason": reason, "lines": lines, "amount": amount}
            for reason, (lines, amount) in failing.items()
        ),
    )


def _region_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def counted_orders_summary(
    organisation: Organisation,
    *,
    year: int,
    offset: int = 0,
    limit: int | None = None,
    tree: Tree | None = None,
):
    """One row per counted order (number, date, purpose, organisation, counted total), oldest first.

    `offset`/`limit` slice in SQL, so a page of the report costs the same however many orders counted;
    one query, each of the unit's lines with its deduction (counted_lines(), refunds looked up by line).
    """
    grouped = (
        counted_lines(year=year, organisation_ids=unit_ids(organisation, tree=tree))
        .order_by()
        .values(
            "order_id",
            number=F("order__number"),
            placed=F("order__date_placed"),
            purpose=F("order__organisation_link__purpose"),
            organisation_name=F("order__organisation_link__organisation__name"),
        )
        .annotate(total=_sum("counted"))
        .order_by("placed", "order_id")
    )
    rows = list(grouped[offset : offset + limit] if limit is not None else grouped[offset:])
    for row in rows:  # SQLite sums decimals as floats: back to whole fen
        row["total"] = row["total"].quantize(CENT)
    return rows


def counted_orders_count(organisation: Organisation, *, year: int, tree: Tree | None = None) -> int:
    """How many orders of the organisation's unit have counted lines in the year."""
    lines = qualifying_lines(year=year, organisation_ids=unit_ids(organisation, tree=tree))
    return lines.order_by().values("order_id").distinct().count()


def all_breakdowns(
    organisation: Organisation, *, year: int, tree: Tree | None = None
) -> dict[str, list[tuple[str, Decimal]]]:
    """Every breakdown of the organisation's unit (with its affiliated bodies) for the year."""
    return breakdowns(year=year, organisation_ids=unit_ids(organisation, tree=tree))


def unit_ids(organisation: Organisation, *, tree: Tree | None = None) -> list[int]:
    return (tree or Tree()).unit_ids(organisation.pk)


@dataclass(frozen=True)
class ColumnTotals:
    target: Decimal
    counted: Decimal
    rollup_target: Decimal
    rollup_counted: Decimal


def column_totals(progresses: Iterable[Progress | Headline], *, tree: Tree | None = None) -> ColumnTotals:
    """Totals of a list of organisations' figures (live or frozen) in which each line counts once.

    A unit's counted value already holds its affiliated bodies', and a roll-up holds every unit below:
    a row whose figure is already inside another listed row's is left out of that column's total.
    """
    progresses = list(progresses)
    tree = tree or Tree()
    listed = {p.organisation_id for p in progresses}

    def inside_listed(pk: int, *, through_affiliated_only: bool) -> bool:
        node = tree.nodes[pk]
        while node["parent_id"]:
            if through_affiliated_only and node["relation_to_parent"] != Organisation.Relation.AFFILIATED:
                return False
            if node["parent_id"] in listed:
                return True
            node = tree.nodes[node["parent_id"]]
        return False

    unit_heads = [p for p in progresses if not inside_listed(p.organisation_id, through_affiliated_only=True)]
    tops = [p for p in progresses if not inside_listed(p.organisation_id, through_affiliated_only=False)]
    return ColumnTotals(
        target=sum((p.target or ZERO for p in progresses), ZERO),
        counted=sum((p.counted for p in unit_heads), ZERO),
        rollup_target=sum((p.rollup_target or ZERO for p in tops), ZERO),
        rollup_counted=sum((p.rollup_counted for p in tops), ZERO),
    )


def not_counted(organisation: Organisation, *, year: int, tree: Tree | None = None) -> list[dict]:
    """The unit's organisation-order lines of the year that do not count, grouped by the first condition
    they fail (the same CONDITIONS, as one SQL CASE): reason, number of lines, line totals."""
    rows = (
        _lines_of_year(year, unit_ids(organisation, tree=tree))
        .annotate(reason=_first_failing_reason(year))
        .exclude(reason=Reason.COUNTS.value)
        .order_by()
        .values("reason")
        .annotate(lines=Count("pk"), amount=_sum("line_price_incl_tax"))
    )
    return _by_reason(rows)


def _lines_of_year(year: int, organisation_ids: Iterable[int] | None = None):
    """Every line of organisation orders (these organisations' only, if given) placed in the year,
    whether it counts or not."""
    start, end = dates.year_bounds(year)
    lines = Line.objects.filter(
        order__organisation_link__isnull=False, order__date_placed__gte=start, order__date_placed__lt=end
    )
    if organisation_ids is not None:
        lines = lines.filter(order__organisation_link__organisation_id__in=list(organisation_ids))
    return lines


def _first_failing_reason(year: int) -> Case:
    """The first of CONDITIONS a line fails, as one SQL CASE (COUNTS when it fails none)."""
    return Case(
        *(When(~condition.q(year), then=Value(condition.fails_with.value)) for condition in CONDITIONS),
        default=Value(Reason.COUNTS.value),
        output_field=models.CharField(),
    )


def _by_reason(rows) -> list[dict]:
    order = [condition.fails_with.value for condition in CONDITIONS]
    return sorted(
        (
            {"reason": Reason(row["reason"]), "lines": row["lines"], "amount": row["amount"].quantize(CENT)}
            for row in rows
        ),
        key=lambda row: order.index(row["reason"].value),
    )


def awaiting_acceptance(organisation: Organisation, *, year: int, tree: Tree | None = None) -> Decimal:
    """The part of the unit's counted value whose lines the buyer has not accepted yet (counted provisionally)."""
    lines = qualifying_lines(year=year, organisation_ids=unit_ids(organisation, tree=tree)).filter(
        acceptance__isnull=True
    )
    rows = totals(lines, lambda qs: qs.values(org=F("order__organisation_link__organisation_id")))
    return sum((row["total"] for row in rows), ZERO)


def order_line_verdicts(link: OrganisationOrder, lines) -> list[tuple]:
    """(line, counts, reason) for the lines of one organisation order, judged by CONDITIONS without a
    query per line."""
    order = link.order
    year = dates.year_of(order.date_placed)
    verdicts = []
    for line in lines:
        facts = LineFacts(
            poverty_county=line.was_poverty_county,
            certified=line.was_certified,
            agricultural=line.was_agricultural,
            paid=order.status in statuses.PAID_STATUSES,
            order_refunded=order.status == statuses.REFUNDED,
            line_cancelled=line.status == statuses.LINE_CANCELLED,
            year=year,
        )
        verdicts.append((line, *evaluate(facts, year=year)))
    return verdicts


# ---------------------------------------------------------------------------------------------------
# Many units at once, with quarters: the finance bureau's statistics table.


@dataclass
class UnitStatistics:
    """A unit's progress (as its own report shows it) with its counted value by quarter and its affiliated
    bodies' (trade union's) part of it."""

    progress: Progress
    quarters: dict[int, Decimal]
    affiliated: Decimal


def _quarters_of_months(months: list) -> dict[int, Decimal]:
    quarters = dict.fromkeys(range(1, 5), ZERO)
    for label, amount in months:
        quarters[(int(label[5:7]) - 1) // 3 + 1] += Decimal(amount)
    return quarters


def unit_statistics(
    *,
    year: int,
    organisation_ids: Iterable[int],
    today: datetime.date | None = None,
    from_ledger: bool = False,
) -> dict[int, UnitStatistics]:
    """Each organisation's progress (the same composition as progress()), counted value per quarter of the
    year (Asia/Shanghai) and the part its affiliated bodies bought, in a constant number of queries: one
    aggregate over the counted lines grouped by organisation, purpose and quarter (and one over the
    refunded lines), whatever the number of organisations; or (from_ledger) from the stored ledger rows."""
    tree = Tree()
    wanted = [pk for pk in organisation_ids if pk in tree.nodes]
    scope = sorted({member for pk in wanted for member in tree.subtree_ids(pk)})
    figures = (_ledger_figures if from_ledger else _live_figures)(year, tree, scope, wanted)
    direct, paired, by_purpose, by_quarter = (
        figures.direct,
        figures.paired,
        figures.by_purpose,
        figures.by_quarter,
    )
    targets = {
        target.organisation_id: target
        for target in AnnualTarget.objects.filter(year=year, organisation_id__in=scope).select_related(
            "organisation"
        )
    }
    snapshots = {
        snap.organisation_id: snap
        for snap in YearSnapshot.objects.filter(year=year, organisation_id__in=wanted)
    }
    organisations = Organisation.objects.filter(pk__in=wanted).select_related(
        "region__parent", "region__province", "parent"
    )
    result = {}
    for organisation in organisations:
        pk = organisation.pk
        members = tree.unit_ids(pk)
        unit_purposes = defaultdict(lambda: ZERO)
        for member in members:
            for purpose, total in by_purpose[member].items():
                unit_purposes[purpose] += total
        progress = _compose(
            organisation, year, tree, direct, paired, targets, snapshots, {pk: dict(unit_purposes)}, today
        )
        if progress.frozen is not None and progress.frozen.breakdowns.get("month"):
            quarters = _quarters_of_months(progress.frozen.breakdowns["month"])
        else:
            quarters = {
                quarter: sum((by_quarter[member][quarter] for member in members), ZERO)
                for quarter in range(1, 5)
            }
        affiliated = sum((direct.get(member, ZERO) for member in members if member != pk), ZERO)
        result[pk] = UnitStatistics(progress=progress, quarters=quarters, affiliated=affiliated)
    return result


# ---------------------------------------------------------------------------------------------------
# The ledger: each organisation's own figures of a year, stored (LedgerEntry) for the staff pages.
# Rows are written only from ledger_rows(), the aggregate above over the one rule (qualifying_lines).

# Bumped whenever the rows gain a figure: rows of an older revision are recomputed when read
# (unit_ledger_figures) and by the recount.
LEDGER_REVISION = 2
LEDGER_FIELDS = (
    "counted",
    "q1",
    "q2",
    "q3",
    "q4",
    "by_purpose",
    "by_county",
    "by_province",
    "by_category",
    "by_month",
    "awaiting_acceptance",
    "line_count",
    "order_count",
    "not_counted",
    "revision",
)
NONE = ""  # the by_county/by_province/by_category key of lines without one (JSON keys are strings)


def _awaiting_acceptance_key() -> ExpressionWrapper:
    """True for a line its buyer has not accepted yet (its counted value is provisional)."""
    return ExpressionWrapper(Q(acceptance__isnull=True), output_field=models.BooleanField())


def ledger_rows(*, year: int, organisation_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """Each organisation's own figures of the year as its ledger row stores them (organisations without
    an organisation-order line in the year are left out): totals() over qualifying_lines(), grouped by
    organisation, purpose, month, origin county and province, first category and acceptance; the number
    of counted lines and orders; and the lines that do not count, by the first condition they fail."""
    lines = qualifying_lines(year=year, organisation_ids=organisation_ids)
    rows = {}

    def row_of(pk: int) -> dict:
        if pk not in rows:
            rows[pk] = _empty_ledger_row()
            for name in BREAKDOWN_FIELDS.values():
                rows[pk][name] = defaultdict(lambda: ZERO)
        return rows[pk]

    for group in totals(
        lines,
        lambda qs: qs.values(
            org=F("order__organisation_link__organisation_id"),
            purpose=F("order__organisation_link__purpose"),
            month=ExtractMonth("order__date_placed"),
            county=F("origin_county_id"),
            province=F("origin_province_id"),
            category=_breakdown_key("category"),
            awaiting=_awaiting_acceptance_key(),
        ),
    ):
        row, total = row_of(group["org"]), group["total"]
        row["counted"] += total
        row[f"q{(group['month'] - 1) // 3 + 1}"] += total
        row["by_purpose"][group["purpose"]] += total
        row["by_month"][f"{year}-{group['month']:02d}"] += total
        for by in ("county", "province", "category"):
            row[BREAKDOWN_FIELDS[by]][group[by] or NONE] += total
        if group["awaiting"]:
            row["awaiting_acceptance"] += total
    for group in (
        lines.order_by()
        .values(org=F("order__organisation_link__organisation_id"))
        .annotate(n=Count("pk"), orders=Count("order_id", distinct=True))
    ):
        row = row_of(group["org"])
        row["line_count"], row["order_count"] = group["n"], group["orders"]
    for group in (
        _lines_of_year(year, organisation_ids)
        .annotate(reason=_first_failing_reason(year))
        .exclude(reason=Reason.COUNTS.value)
        .order_by()
        .values("reason", org=F("order__organisation_link__organisation_id"))
        .annotate(lines=Count("pk"), amount=_sum("line_price_incl_tax"))
    ):
        row_of(group["org"])["not_counted"][group["reason"]] = [
            group["lines"],
            str(group["amount"].quantize(CENT)),
        ]
    for row in rows.values():
        # Every value a breakdown lists, as the live breakdowns() list them (one refunded in full shows as 0).
        for name in BREAKDOWN_FIELDS.values():
            row[name] = {key: str(value.quantize(CENT)) for key, value in sorted(row[name].items())}
        row["awaiting_acceptance"] = row["awaiting_acceptance"].quantize(CENT)
    return rows


def _empty_ledger_row() -> dict:
    row = {name: ZERO for name in ("counted", "q1", "q2", "q3", "q4", "awaiting_acceptance")}
    row.update({name: {} for name in BREAKDOWN_FIELDS.values()})
    row.update(line_count=0, order_count=0, not_counted={}, revision=LEDGER_REVISION)
    return row


def _write_ledger(year: int, rows: dict[int, dict]) -> None:
    now = dates.now()
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(organisation_id=pk, year=year, recomputed_at=now, **row) for pk, row in rows.items()],
        update_conflicts=True,
        unique_fields=["organisation", "year"],
        update_fields=[*LEDGER_FIELDS, "recomputed_at"],
        batch_size=500,
    )


def refresh_ledger(organisation_ids: Iterable[int], years: Iterable[int]) -> None:
    """Recompute the ledger rows of these organisations for these years (ledger_rows()), in one
    aggregate per year."""
    ids = sorted(Organisation.objects.filter(pk__in=set(organisation_ids)).values_list("pk", flat=True))
    if not ids:
        return
    for year in sorted(set(years)):
        with transaction.atomic():
            _lock_ledger(year, ids)
            computed = ledger_rows(year=year, organisation_ids=ids)
            _write_ledger(year, {pk: computed.get(pk) or _empty_ledger_row() for pk in ids})


def _lock_ledger(year: int, ids: list[int]) -> None:
    """Create the missing rows and lock them all, so that of two refreshes of a row the one that counts
    later also writes later (a refresh counting before a commit never overwrites one counting after)."""
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(organisation_id=pk, year=year, recomputed_at=dates.now()) for pk in ids],
        ignore_conflicts=True,
        batch_size=500,
    )
    list(
        LedgerEntry.objects.select_for_update()
        .filter(year=year, organisation_id__in=ids)
        .order_by("organisation_id")
        .values_list("pk", flat=True)
    )


def ledger_years() -> list[int]:
    """The years that have organisation orders or ledger rows."""
    placed = OrganisationOrder.objects.aggregate(
        first=Min("order__date_placed"), last=Max("order__date_placed")
    )
    years = set(LedgerEntry.objects.values_list("year", flat=True).distinct())
    if placed["first"] is not None:
        years.update(range(dates.year_of(placed["first"]), dates.year_of(placed["last"]) + 1))
    return sorted(years)


def recount_ledger(
    *, years: Iterable[int] | None = None, progress: Callable[[int], None] = lambda n: None
) -> list[tuple[int, int]]:
    """Rebuild every organisation's ledger rows of these years (default: every year with orders) from
    ledger_rows(); returns the (organisation, year) pairs whose stored row differed (drift)."""
    drifted = []
    for year in sorted(set(years)) if years is not None else ledger_years():
        with transaction.atomic():
            # The year's rows locked first: a refresh running meanwhile waits, and is not taken for drift.
            stored = {
                row.pop("organisation_id"): row
                for row in LedgerEntry.objects.select_for_update()
                .filter(year=year)
                .order_by("organisation_id")
                .values("organisation_id", *LEDGER_FIELDS)
            }
            computed = ledger_rows(year=year)
            for pk in sorted(set(computed) | set(stored)):
                if computed.get(pk, _empty_ledger_row()) != stored.get(pk, _empty_ledger_row()):
                    drifted.append((pk, year))
            LedgerEntry.objects.filter(year=year).exclude(organisation_id__in=list(computed)).delete()
            _write_ledger(year, computed)
        progress(1)
    return drifted
