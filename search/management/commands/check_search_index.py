from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import indexing
from search.documents import Product


class Command(BaseCommand):
    help = (
        "The search index's consistency check, by hand (celery beat runs it each night): rewrite database "
        "index rows that differ from the catalogue and queue for Elasticsearch the products it lacks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, batch_size, no_progress, **options):
        total = Product.objects.count()
        with tqdm(total=total, unit="products", disable=no_progress, file=self.stderr._out) as bar:
            summary = indexing.check(batch_size=batch_size, progress=bar.update)
        self.stdout.write(
            f"Checked {summary['checked']} products: {summary['repaired']} database row(s) repaired, "
            f"{summary['missing_in_elasticsearch']} missing from Elasticsearch (queued)."
        )
