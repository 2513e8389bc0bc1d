from django.core.management.base import BaseCommand
from tqdm import tqdm

from shop.institutions import quotas


class Command(BaseCommand):
    help = (
        "Rebuild the quota ledger (every organisation's counted figures per year) from the order lines; "
        "celery beat runs the same recount each night as a consistency check."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only this year (repeatable).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, year, no_progress, **options):
        years = year or quotas.ledger_years()
        with tqdm(total=len(years), unit="years", disable=no_progress, file=self.stderr._out) as bar:
            drifted = quotas.recount_ledger(years=years, progress=bar.update)
        self.stdout.write(f"Recounted {len(years)} year(s): {len(drifted)} row(s) differed and were rebuilt.")
