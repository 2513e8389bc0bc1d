"""Fill the database with deterministic synthetic data for load tests and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from oscar.core.loading import get_model
from tqdm import tqdm

from devtools.loadgen import generate, marks

Region = get_model("catalogue", "Region")


class Command(BaseCommand):
    help = (
        "Generate a synthetic shop (regions, sellers, categories, products, certificates, organisations, "
        "orders) with bulk inserts. Refuses to run on a database holding other data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=1_000)
        parser.add_argument("--orders", type=int, default=2_000)
        parser.add_argument("--organisations", type=int, default=20)
        parser.add_argument("--lines-per-order", type=float, default=4.0, help="average lines per order")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though the database holds data the generator did not create (it is kept)",
        )

    def handle(self, *args, **options):
        foreign = marks.foreign_data()
        if foreign and not options["force"]:
            found = ", ".join(f"{n} {kind}" for kind, n in foreign.items())
            raise CommandError(
                f"This database holds data the generator did not create ({found}). "
                "Use an empty database, or pass --force to add generated data beside it."
            )
        sizes = generate.Sizes(
            products=options["products"],
            orders=options["orders"],
            organisations=options["organisations"],
            lines_per_order=options["lines_per_order"],
        )
        if sizes.products < 1:
            raise CommandError("--products must be at least 1.")
        started = time.monotonic()
        if not Region.objects.counties().exists():
            from catalogue_ext.regions import import_regions

            self.stdout.write(f"Loading regions: {import_regions()} divisions.")
        self.stdout.write("Removing previously generated data…")
        generate.wipe_generated()
        bar = tqdm(
            total=generate.expected_rows(sizes),
            unit="rows",
            unit_scale=True,
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
            mininterval=1.0,
        )

        def progress(phase, rows):
            bar.set_description(phase, refresh=False)
            bar.update(rows)

        try:
            summary = generate.generate(sizes, seed=options["seed"], progress=progress)
        finally:
            bar.close()
        for phase, rows in summary.rows.items():
            self.stdout.write(f"  {phase}: {rows} rows")
        for skipped in summary.skipped:
            self.stdout.write(self.style.WARNING(f"  skipped {skipped}"))
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
