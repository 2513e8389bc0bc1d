"""Loading the GB/T 2260 division list and the 832 former national poverty counties."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from catalogue_ext.models import Region

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REGIONS_CSV = FIXTURES / "regions.csv"
POVERTY_CSV = FIXTURES / "counties_832.csv"


def read_poverty_counties(path: Path = POVERTY_CSV) -> dict[str, int]:
    """code -> exit year. Rows without a code (大柴旦行委) have no GB/T 2260 division and are skipped."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["code"]: int(row["exit_year"]) for row in csv.DictReader(handle) if row["code"]}


@transaction.atomic
def import_regions(regions_path: Path = REGIONS_CSV, poverty_path: Path = POVERTY_CSV) -> int:
    """Create or update every division; returns how many rows the file had. Safe to run again."""
    poverty = read_poverty_counties(poverty_path)
    with open(regions_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(Region.objects.values_list("code", flat=True))
    # Parents first (the file is sorted by code, but provinces must exist before any child row).
    rows.sort(key=lambda row: {"province": 0, "city": 1, "county": 2}[row["level"]])
    new, changed = [], []
    for row in rows:
        region = Region(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_id=row["parent_code"] or None,
            province_id=row["province_code"] or row["code"],
            is_poverty_county=row["code"] in poverty,
            poverty_exit_year=poverty.get(row["code"]),
        )
        (changed if region.code in existing else new).append(region)
    for level in ("province", "city", "county"):
        Region.objects.bulk_create([r for r in new if r.level == level], batch_size=1000)
    Region.objects.bulk_update(
        changed,
        ["name", "level", "parent", "province", "is_poverty_county", "poverty_exit_year"],
        batch_size=1000,
    )
    return len(rows)
