"""How long a seller's 5,000-row catalogue import takes: new products, then updates, then "no changes".

Measures the steps a seller's request runs (reading the CSV, the dry run, the apply with its search
re-indexing and cache invalidation after commit) against the configured database, on a fresh seller that
is deleted afterwards. Run: ``python manage.py bench_catalogue_import`` (see shop/sellers/README.md).
"""

import os
import time
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from oscar.core.loading import get_model

from shop.core import exports
from shop.sellers import catalogue_io, onboarding

Region = get_model("catalogue", "Region")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")


@dataclass
class Timing:
    step: str
    seconds: float


def _county():
    province, _ = Region.objects.get_or_create(
        code="360000", defaults={"name": "江西省", "level": "province", "province_id": "360000"}
    )
    city, _ = Region.objects.get_or_create(
        code="360700", defaults={"name": "赣州市", "level": "city", "parent": province, "province": province}
    )
    county, _ = Region.objects.get_or_create(
        code="360726",
        defaults={"name": "安远县", "level": "county", "parent": city, "province": province},
    )
    return county


def _csv(rows: list[list]) -> bytes:
    columns = [exports.Column(key) for key in catalogue_io.COLUMNS]
    return exports.render([exports.Sheet("catalogue", columns, rows)], "csv")


def run(*, rows: int = catalogue_io.MAX_ROWS) -> list[Timing]:
    county = _county()
    product_class, _ = ProductClass.objects.get_or_create(name="农产品")
    category = Category.objects.filter(depth=1).first() or Category.add_root(name="水果")
    tag = uuid.uuid4().hex[:8]
    partner = Partner.objects.create(name=f"bench-import-{tag}", county=county)
    user = get_user_model().objects.create_user(username=f"bench-import-{tag}", email=f"{tag}@bench.invalid")
    onboarding.link_user(partner, user)
    timings = []

    def step(name, data):
        started = time.perf_counter()
        parsed = catalogue_io.read_rows(data, "catalogue.csv")
        read = time.perf_counter()
        checked = catalogue_io.plan(partner, parsed, user=user)
        planned = time.perf_counter()
        catalogue_io.apply(partner, parsed, user=user)
        applied = time.perf_counter()
        assert checked.is_valid, checked.errors[:3]
        timings.extend(
            [
                Timing(f"{name}: read CSV", read - started),
                Timing(f"{name}: dry run", planned - read),
                Timing(f"{name}: apply (incl. re-check, index, cache)", applied - planned),
            ]
        )

    def table(price, stock):
        return [
            [f"B-{n:05d}", f"安远脐橙 {n} 号 礼盒", "红壤脐橙", product_class.name, category.name, county.code,
             f"{price + n % 50}.90", stock + n % 7, "", 1]
            for n in range(rows)
        ]  # fmt: skip

    try:
        step("create", _csv(table(30, 100)))
        step("update", _csv(table(31, 90)))
        step("unchanged", _csv(table(31, 90)))
    finally:
        Product.objects.filter(stockrecords__partner=partner).delete()
        partner.delete()
        user.delete()
    return timings


def describe() -> str:
    load = os.getloadavg()
    return (
        f"{connection.vendor}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs"
    )
