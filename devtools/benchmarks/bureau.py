"""The finance bureau's statistics table at the scale of a province: generated units and order lines.

`generate()` writes, with COPY, `units` organisations registered in Jiangxi's cities and counties (one in
ten with an affiliated trade union, each with a declared target and two of Jiangxi's poverty counties
paired) and about `lines` counted order lines of the year over their organisation orders, a few of them
refunded, plus a province finance bureau with one member, then builds the year's quota ledger rows
(quotas.recount_ledger, timed: the bulk loader bypasses the shop's refreshes). `measure()` times the
bureau's XLSX export (the view, as a user gets it), its workspace page and the staff quota overview of
every organisation. `wipe()` deletes exactly what `generate()` wrote.
"""

import datetime
import random
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from catalogue_ext.regions import import_regions
from devtools.loadgen.writer import Table, next_id, reset_sequence
from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import (
    AnnualTarget,
    FinanceBureau,
    LedgerEntry,
    LineRefund,
    Membership,
    Organisation,
    OrganisationOrder,
)
from shop.order import statuses

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Region = get_model("catalogue", "Region")
User = get_user_model()

PROVINCE = "360000"  # 江西省
MARK = "BENCH-BUREAU"  # in every generated name, number and e-mail, so wipe() finds them
LINES_PER_ORDER = 4


@dataclass
class Generated:
    bureau: FinanceBureau
    member: object
    units: int
    organisations: int
    orders: int
    lines: int
    seconds: float
    staff: object = None
    ledger_seconds: float = 0.0
    administrator: object = None  # administers the first unit (the one with a trade union)
    unit: object = None


def generate(*, units: int, lines: int, year: int, seed: int = 15) -> Generated:
    """Write the bureau's province: units (and unions), targets, paired counties, orders and lines."""
    started = time.perf_counter()
    rng = random.Random(seed)
    if not Region.objects.poverty_counties().exists():
        import_regions()
    regions = list(
        Region.objects.filter(code__startswith=PROVINCE[:2])
        .exclude(level=Region.Level.PROVINCE)
        .values_list("code", flat=True)
    )
    poverty = list(Region.objects.poverty_counties().values_list("code", "province_id"))
    home_counties = [code for code, province in poverty if province == PROVINCE]
    if not regions or not poverty:
        raise RuntimeError("No regions: fixtures/regions.csv and counties_832.csv are missing.")
    with transaction.atomic():
        buyer = User.objects.create(username=f"{MARK}-buyer", email=f"buyer@{MARK.lower()}.invalid")
        member = User.objects.create(username=f"{MARK}-member", email=f"member@{MARK.lower()}.invalid")
        staff = User.objects.create(
            username=f"{MARK}-staff", email=f"staff@{MARK.lower()}.invalid", is_staff=True
        )
        bureau = FinanceBureau.objects.create(
            name=f"{MARK} 江西省财政厅", region=Region.objects.get(code=PROVINCE)
        )
        bureau.members.add(member)
        administrator = User.objects.create(username=f"{MARK}-admin", email=f"admin@{MARK.lower()}.invalid")
        first = next_id(Organisation)
        org_rows, target_rows, paired_rows, buyers_of = [], [], [], []
        pk = first
        for index in range(units):
            unit = pk
            org_rows.append(
                (unit, f"{MARK} 单位{index + 1:05d}", "budget_unit", rng.choice(regions), None, "subordinate")
            )
            target_rows.append((unit, year, Decimal(rng.randrange(200_000, 20_000_000)), Decimal("0.3000")))
            for county in rng.sample(home_counties, 2):  # units pair with their province's counties
                paired_rows.append((unit, county))
            buyers_of.append(unit)
            pk += 1
            if index % 10 == 0:
                org_rows.append((pk, f"{MARK} 单位{index + 1:05d}工会", "social", None, unit, "affiliated"))
                buyers_of.append(pk)
                pk += 1
        Table(Organisation, ["id", "name", "kind", "region_id", "parent_id", "relation_to_parent"]).write(
            org_rows
        )
        Table(AnnualTarget, ["organisation_id", "year", "declared_canteen_spending", "share"]).write(
            target_rows
        )
        Table(Organisation.paired_counties.through, ["organisation_id", "region_id"]).write(paired_rows)
        orders = max(1, lines // LINES_PER_ORDER)
        start, end = dates.year_bounds(year)
        seconds = int((min(end, dates.now()) - start).total_seconds()) - 60
        order_rows, link_rows, line_rows, refund_rows = [], [], [], []
        first_order, line_id = next_id(Order), next_id(Line)
        for index in range(orders):
            oid = first_order + index
            placed = start + datetime.timedelta(seconds=rng.randrange(max(seconds, 1)))
            organisation = rng.choice(buyers_of)
            total = Decimal("0.00")
            for _ in range(LINES_PER_ORDER):
                county, province = rng.choice(poverty)
                quantity = rng.choice((1, 2, 3, 5, 10))
                price = Decimal(rng.randrange(500, 20_000)) / 100
                amount = price * quantity
                total += amount
                line_rows.append(
                    (
                        line_id,
                        oid,
                        "合作社",
                        f"SKU{line_id}",
                        "脐橙",
                        quantity,
                        amount,
                        amount,
                        amount,
                        amount,
                        price,
                        price,
                        statuses.LINE_DELIVERED,
                        county,
                        province,
                        rng.random() < 0.9,
                        True,
                        quantity,
                    )
                )
                if rng.random() < 0.01:
                    refund_rows.append(
                        (line_id, (amount / 2).quantize(Decimal("0.01")), placed, f"{MARK}-R{line_id}")
                    )
                line_id += 1
            order_rows.append(
                (
                    oid,
                    f"{MARK}{index:09d}",
                    buyer.pk,
                    total,
                    total,
                    statuses.COMPLETED,
                    placed,
                    "bank_transfer",
                    placed,
                )
            )
            link_rows.append(
                (
                    oid,
                    organisation,
                    "canteen" if index % 4 else "union_welfare",
                    buyer.pk,
                    "ordinary",
                    MARK,
                    "91360000MA35ABCD1Q",
                )
            )
        Table(
            Order,
            [
                "id",
                "number",
                "user_id",
                "total_incl_tax",
                "total_excl_tax",
                "status",
                "date_placed",
                "payment_method",
                "paid_at",
            ],
        ).write(order_rows)
        Table(
            Line,
            [
                "id",
                "order_id",
                "partner_name",
                "partner_sku",
                "title",
                "quantity",
                "line_price_incl_tax",
                "line_price_excl_tax",
                "line_price_before_discounts_incl_tax",
                "line_price_before_discounts_excl_tax",
                "unit_price_incl_tax",
                "unit_price_excl_tax",
                "status",
                "origin_county_id",
                "origin_province_id",
                "was_certified",
                "was_poverty_county",
                "num_allocated",
            ],
        ).write(line_rows)
        Table(
            OrganisationOrder,
            [
                "order_id",
                "organisation_id",
                "purpose",
                "buyer_id",
                "fapiao_type",
                "fapiao_title",
                "taxpayer_id",
            ],
        ).write(link_rows)
        Table(LineRefund, ["line_id", "amount", "refunded_at", "reference"]).write(refund_rows)
        for model in (Organisation, Order, Line):
            reset_sequence(model)
        Membership.objects.create(organisation_id=first, user=administrator, is_administrator=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    ledger_started = time.perf_counter()
    quotas.recount_ledger(years=[year])
    return Generated(
        bureau=bureau,
        member=member,
        units=units,
        organisations=len(org_rows),
        orders=orders,
        lines=len(line_rows),
        seconds=seconds,
        staff=staff,
        ledger_seconds=time.perf_counter() - ledger_started,
        administrator=administrator,
        unit=Organisation.objects.get(pk=first),
    )


def generated_before() -> Generated | None:
    """What an earlier generate() left in the database (run with --keep), to measure it again."""
    bureau = FinanceBureau.objects.filter(name__startswith=MARK).first()
    if bureau is None:
        return None
    organisations = Organisation.objects.filter(name__startswith=MARK)
    unit = organisations.filter(parent__isnull=True).order_by("pk").first()
    administrator, _created = User.objects.get_or_create(
        username=f"{MARK}-admin", defaults={"email": f"admin@{MARK.lower()}.invalid"}
    )
    Membership.objects.get_or_create(
        organisation=unit, user=administrator, defaults={"is_administrator": True}
    )
    orders = Order.objects.filter(number__startswith=MARK)
    return Generated(
        bureau=bureau,
        member=bureau.members.first(),
        units=organisations.filter(parent__isnull=True).count(),
        organisations=organisations.count(),
        orders=orders.count(),
        lines=Line.objects.filter(order__in=orders).count(),
        seconds=0.0,
        staff=User.objects.get(username=f"{MARK}-staff"),
        administrator=administrator,
        unit=unit,
    )


def measure(
    generated: Generated, *, year: int, requests: int = 3, pages: list[str] | None = None
) -> list[dict]:
    """Median and worst time and the queries of the export (XLSX, CSV), the workspace, the staff
    overview and the first unit's own pages (its administrator's organisation page, list and quota
    report), through the views; only the `pages` named, if given."""
    member, staff, administrator = Client(), Client(), Client()
    member.force_login(generated.member)
    staff.force_login(generated.staff)
    administrator.force_login(generated.administrator)
    unit = generated.unit.pk
    results = []
    for label, client, url in (
        (
            "bureau export XLSX",
            member,
            reverse("institutions:bureau-export", kwargs={"bureau": generated.bureau.pk, "fmt": "xlsx"}),
        ),
        (
            "bureau export CSV",
            member,
            reverse("institutions:bureau-export", kwargs={"bureau": generated.bureau.pk, "fmt": "csv"}),
        ),
        ("bureau workspace", member, reverse("institutions:bureau", kwargs={"bureau": generated.bureau.pk})),
        ("staff overview", staff, reverse("institutions-dashboard:overview")),
        ("organisation page", administrator, reverse("institutions:detail", kwargs={"pk": unit})),
        ("organisation list", administrator, reverse("institutions:list")),
        ("quota report", administrator, reverse("institutions:report", kwargs={"pk": unit})),
    ):
        if pages and label not in pages:
            continue
        url = f"{url}?year={year}"
        client.get(url)  # warm up: session, basket, connection, plans
        timings, cpu = [], []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        results.append(
            {
                "page": label,
                "median_ms": round(statistics.median(timings), 1),
                "max_ms": round(max(timings), 1),
                # This process's CPU time (the database's excluded): steadier than wall time on a busy machine.
                "cpu_ms": round(statistics.median(cpu), 1),
                "queries": len(captured),
                "bytes": len(response.content),
            }
        )
    return results


def wipe() -> None:
    """Delete what generate() wrote (and nothing else)."""
    with transaction.atomic():
        orders = Order.objects.filter(number__startswith=MARK)
        LineRefund.objects.filter(line__order__in=orders).delete()
        OrganisationOrder.objects.filter(order__in=orders)._raw_delete(connection.alias)
        Line.objects.filter(order__in=orders)._raw_delete(connection.alias)
        orders._raw_delete(connection.alias)
        organisations = Organisation.objects.filter(name__startswith=MARK)
        AnnualTarget.objects.filter(organisation__in=organisations).delete()
        Organisation.paired_counties.through.objects.filter(organisation__in=organisations).delete()
        LedgerEntry.objects.filter(organisation__in=organisations).delete()
        organisations.filter(parent__isnull=False).delete()
        organisations.delete()
        FinanceBureau.objects.filter(name__startswith=MARK).delete()
        User.objects.filter(username__startswith=MARK).delete()
