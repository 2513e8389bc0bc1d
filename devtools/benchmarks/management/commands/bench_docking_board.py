"""Time the public docking board at N open demands (10,000 by default), filling the board up to N first."""

import datetime
import random
import statistics
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from shop.core import dates
from shop.docking.models import Demand, Status, Unit

Category = get_model("catalogue", "Category")
Region = get_model("catalogue", "Region")
BATCH = 2000


class Command(BaseCommand):
    help = (
        "Measure the public purchase-demand board (plain, by category, by region) at --demands open demands."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demands", type=int, default=10_000)
        parser.add_argument("--requests", type=int, default=5)
        parser.add_argument("--seed", type=int, default=19)

    def handle(self, *args, demands, requests, seed, **options):
        categories = list(Category.objects.filter(depth__lte=2))
        regions = list(Region.objects.exclude(level=Region.Level.COUNTY)[:400])
        if not categories or not regions:
            raise CommandError("No categories or regions: load the demo data or generate_load_data first.")
        missing = demands - Demand.objects.on_board().count()
        if missing > 0:
            self._fill(missing, categories, regions, random.Random(seed))
        self.stdout.write(f"{Demand.objects.on_board().count()} open demands on the board")
        board = reverse("docking:board")
        province = next((region for region in regions if region.level == Region.Level.PROVINCE), regions[0])
        for label, url in (
            ("board", board),
            ("board by category", f"{board}?category={categories[0].pk}"),
            ("board by province", f"{board}?region={province.code}"),
            ("board page 50", f"{board}?page=50"),
        ):
            client = Client()
            client.get(url)  # warm up
            timings = []
            for _ in range(requests):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code not in (200, 404):  # a short board has no page 50
                    raise CommandError(f"{url} answered {response.status_code}")
            self.stdout.write(
                f"  {label:<20} median {statistics.median(timings):7.1f} ms  max {max(timings):7.1f} ms  "
                f"queries {len(captured)}"
            )

    def _fill(self, count, categories, regions, rng):
        poster, _created = get_user_model().objects.get_or_create(
            username="bench-buyer", defaults={"email": "bench-buyer@example.invalid"}
        )
        today = dates.today()
        units = [unit for unit, _label in Unit.choices]
        made = 0
        while made < count:
            size = min(BATCH, count - made)
            rows = []
            for _ in range(size):
                low = Decimal(rng.randint(5, 80))
                rows.append(
                    Demand(
                        buyer_name="压测批发市场",
                        posted_by=poster,
                        title=f"压测采购需求 {made + len(rows) + 1}",
                        category=rng.choice(categories),
                        quantity=rng.randint(10, 5000),
                        unit=rng.choice(units),
                        price_min=low,
                        price_max=low + rng.randint(0, 20),
                        delivery_from=today + datetime.timedelta(days=20),
                        delivery_until=today + datetime.timedelta(days=60),
                        delivery_region=rng.choice(regions),
                        quote_deadline=today + datetime.timedelta(days=rng.randint(1, 19)),
                        certified_required=rng.random() < 0.7,
                        counts_toward_quota=False,
                        delivery_address="压测地址",
                        contact_name="压测",
                        contact_phone="13800138000",
                        status=rng.choice((Status.OPEN, Status.QUOTING)),
                    )
                )
            with transaction.atomic():
                Demand.objects.bulk_create(rows)
            made += size
            self.stdout.write(f"  {made}/{count} demands created")
