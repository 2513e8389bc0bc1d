"""Django templates against Jinja2 on the product card, on real listing data (issue 18)."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from oscar.core.loading import get_model

from devtools.benchmarks import templates

Product = get_model("catalogue", "Product")


class Command(BaseCommand):
    help = (
        "Render a listing page's product cards (24 by default, loaded as listings load them) with Django's "
        "template engine and with the same card written for Jinja2; check both give the same HTML, then "
        "report microseconds per card for each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cards", type=int, default=24)
        parser.add_argument("--rounds", type=int, default=50)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "templates.json")
        )

    def handle(self, *args, cards, rounds, output, **options):
        products = list(Product.objects.browsable().for_cards().order_by("id")[:cards])
        if not products:
            raise CommandError("no products: run generate_load_data or load_demo_data first")
        result = templates.compare(products, templates.listing_request(), rounds=rounds)
        result["load_average"] = [round(n, 2) for n in os.getloadavg()]
        for row in result["timings"]:
            self.stdout.write(
                f"{row['engine']:<7} {row['median_us_per_card']:8.1f} µs per card (best {row['best_us_per_card']:.1f}), "
                f"{row['cards']} cards × {row['rounds']} rounds"
            )
        self.stdout.write(
            f"Jinja2 renders the card {result['jinja2_speedup']}× as fast; load average {result['load_average']}"
        )
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2), encoding="utf-8")
