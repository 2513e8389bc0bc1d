from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import engine, indexing
from search.documents import Product


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the catalogue: the database index in place, and (when "
        "ELASTICSEARCH_URL is set) a new Elasticsearch index that replaces the old one by an alias swap."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--workers", type=int, default=1, help="parallel processes (PostgreSQL)")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, batch_size, workers, no_progress, **options):
        total = Product.objects.count()
        target = "database and Elasticsearch" if engine.elasticsearch_enabled() else "database"
        self.stdout.write(f"Indexing {total} products into the {target} index…")
        with tqdm(total=total, unit="products", disable=no_progress, file=self.stderr._out) as bar:
            summary = indexing.rebuild(batch_size=batch_size, workers=workers, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {summary['products']} products."))
        if summary["index"]:
            replaced = ", ".join(summary["replaced"]) or "none"
            self.stdout.write(f"Alias now points at {summary['index']} (replaced: {replaced}).")
