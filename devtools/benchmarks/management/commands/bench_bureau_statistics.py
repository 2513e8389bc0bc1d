"""Time a province finance bureau's statistics table: 2,000 units and 1,000,000 order lines by default."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from devtools.benchmarks import bureau
from shop.core import dates


class Command(BaseCommand):
    help = (
        "Generate a province of units and order lines (COPY), recount the quota ledger (timed), time the "
        "bureau's XLSX/CSV export, its workspace and the staff overview through their views, then delete what was generated. Goal: export < 2 s at 2,000 units "
        "and 1M lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=2_000)
        parser.add_argument("--lines", type=int, default=1_000_000)
        parser.add_argument("--requests", type=int, default=3)
        parser.add_argument("--seed", type=int, default=15)
        parser.add_argument("--keep", action="store_true", help="keep the generated rows afterwards")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the rows an earlier run kept (--keep) instead of generating them again",
        )
        parser.add_argument(
            "--page",
            action="append",
            dest="pages",
            help="measure only this page (repeatable), e.g. 'staff overview'",
        )
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "bureau-statistics.json")
        )

    def handle(self, *args, units, lines, requests, seed, keep, reuse, pages, output, **options):
        year = dates.current_year()
        generated = bureau.generated_before() if reuse else None
        if generated is None:
            bureau.wipe()
            generated = bureau.generate(units=units, lines=lines, year=year, seed=seed)
            self.stdout.write(
                f"generated {generated.units:,} units ({generated.organisations:,} organisations with unions), "
                f"{generated.orders:,} orders, {generated.lines:,} lines in {generated.seconds:.1f} s; "
                f"quota ledger recounted in {generated.ledger_seconds:.1f} s"
            )
        else:
            keep = True
            self.stdout.write(
                f"reusing {generated.organisations:,} organisations, {generated.orders:,} orders, "
                f"{generated.lines:,} lines"
            )
        self.stdout.write(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        try:
            results = bureau.measure(generated, year=year, requests=requests, pages=pages)
        finally:
            if not keep:
                bureau.wipe()
        self.stdout.write(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        for row in results:
            self.stdout.write(
                f"  {row['page']:<20} median {row['median_ms']:8.1f} ms  max {row['max_ms']:8.1f} ms  cpu {row['cpu_ms']:7.1f} ms  "
                f"queries {row['queries']}  {row['bytes']:,} bytes"
            )
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "units": units,
                    "lines": generated.lines,
                    "orders": generated.orders,
                    "ledger_recount_s": round(generated.ledger_seconds, 2),
                    "results": results,
                },
                indent=2,
            )
        )
        self.stdout.write(f"results in {path}")
