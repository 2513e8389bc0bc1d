"""`make bench`: generate each catalogue size, measure the key pages in-process, then the live runs
(a shopper mix with think time, then each endpoint at capacity)."""

import itertools
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from oscar.core.loading import get_model

from devtools.benchmarks import jobs, live, report
from devtools.benchmarks.measure import measure
from devtools.benchmarks.pages import SCENARIOS, VISITORS

Line = get_model("order", "Line")
CATALOGUE_PAGES = ("category", "catalogue_filtered", "product_detail", "home", "search")


class Command(BaseCommand):
    help = (
        "Benchmark the shop at several catalogue sizes (run with DJANGO_SETTINGS_MODULE=shop.settings.bench)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated product counts")
        parser.add_argument(
            "--requests", type=int, default=30, help="measured requests per page and cache state"
        )
        parser.add_argument(
            "--orders-per-product",
            type=float,
            default=2.5,
            help="orders generated per product (4 lines each on average)",
        )
        parser.add_argument(
            "--pages", default="", help="comma-separated page names (default: all; none: no page)"
        )
        parser.add_argument("--live-seconds", type=int, default=60, help="0 skips the live run")
        parser.add_argument("--live-users", type=int, default=20)
        parser.add_argument(
            "--capacity-seconds",
            type=int,
            default=30,
            help="seconds per endpoint of the capacity run (no think time); 0 skips it",
        )
        parser.add_argument("--capacity-users", type=int, default=24, help="locust users of the capacity run")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--import-rows", type=int, default=5000, help="rows of the import run through a worker; 0 skips"
        )
        parser.add_argument(
            "--reuse-data",
            action="store_true",
            help="measure the data already in the database (single size) instead of generating",
        )
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "var" / "bench"))

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE != "shop.settings.bench":
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=shop.settings.bench (make bench does).")
        sizes = sorted(int(size) for size in options["sizes"].split(",") if size.strip())
        wanted = {p.strip() for p in options["pages"].split(",") if p.strip()}
        scenarios = [s for s in SCENARIOS if not wanted or s.name in wanted]
        out_dir = Path(options["out"])
        results = {
            "started_at": timezone.now().isoformat(timespec="seconds"),
            "environment": report.environment(),
            "requests": options["requests"],
            "sizes": sizes,
            "generation": [],
            "measurements": [],
        }
        for size in sizes:
            if not options["reuse_data"]:
                results["generation"].append(self.generate(size, options))
            slowest = None
            for scenario in scenarios:
                visitors = ["anonymous"] if scenario.anonymous else []
                if scenario.storefront:
                    visitors += list(VISITORS)
                for visitor, cache_state in itertools.product(visitors, ("cold", "warm")):
                    m = measure(
                        scenario,
                        products=size,
                        cache_state=cache_state,
                        requests=options["requests"],
                        visitor=visitor,
                    )
                    results["measurements"].append(m.as_dict())
                    self.stdout.write(
                        f"{size:>7} {scenario.name:<20} {visitor:<9} {cache_state:<4} queries={m.queries} "
                        f"median={m.median_ms}ms p95={m.p95_ms}ms {m.note}"
                    )
                    if (
                        cache_state == "cold"
                        and visitor == "anonymous"
                        and scenario.name in CATALOGUE_PAGES
                        and m.median_ms is not None
                        and (slowest is None or m.median_ms > slowest[1])
                    ):
                        slowest = (scenario, m.median_ms)
            if slowest and size == sizes[-1]:
                path = out_dir / f"profile-{slowest[0].name}-{size}.html"
                out_dir.mkdir(parents=True, exist_ok=True)
                measure(slowest[0], products=size, cache_state="cold", requests=1, profile_to=str(path))
                results["profile"] = str(path)
                self.stdout.write(f"profile of the slowest catalogue page: {path}")
            report.write(results, out_dir)  # keep partial results if a later size fails
        if options["import_rows"] > 0:
            results["jobs"] = jobs.run(rows=options["import_rows"], log=self.stdout.write)
            report.write(results, out_dir)
        if options["live_seconds"] > 0:
            results["live_runs"] = []
            for visitors in ("anonymous", "signed_in"):
                run = live.run(
                    out_dir=out_dir,
                    products=sizes[-1],
                    seconds=options["live_seconds"],
                    users=options["live_users"],
                    visitors=visitors,
                    log=self.stdout.write,
                )
                results["live_runs"].append(run)
                self.stdout.write(f"live ({visitors}): {run['rps']:.1f} req/s, {run['failures']} failures")
            report.write(results, out_dir)
        if options["capacity_seconds"] > 0:
            results["capacity_runs"] = live.capacity(
                out_dir=out_dir,
                products=sizes[-1],
                seconds=options["capacity_seconds"],
                users=options["capacity_users"],
                log=self.stdout.write,
            )
            results["capacity_load_average"] = [round(n, 2) for n in os.getloadavg()]
        paths = report.write(results, out_dir)
        self.stdout.write(
            self.style.SUCCESS(f"Results: {paths['markdown']} {paths['json']} {paths['chart']}")
        )

    def generate(self, size, options):
        orders = int(size * options["orders_per_product"])
        started = time.monotonic()
        call_command(
            "generate_load_data",
            products=size,
            orders=orders,
            organisations=max(10, size // 500),
            seed=options["seed"],
            verbosity=0,
        )
        seconds = time.monotonic() - started
        self.stdout.write(f"generated {size} products, {orders} orders in {seconds:.0f} s")
        return {
            "products": size,
            "orders": orders,
            "order_lines": Line.objects.count(),
            "seconds": round(seconds, 1),
        }
