"""Measure the background jobs: a 5,000-row import through a real worker, and the largest exports."""

from django.core.management.base import BaseCommand

from devtools.benchmarks import jobs


class Command(BaseCommand):
    help = "Time a seller's import through a Celery worker (Redis) and the largest export jobs."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)

    def handle(self, *args, rows, **options):
        self.stdout.write(f"Before: {jobs.describe()}")
        jobs.run(rows=rows, log=self.stdout.write)
        self.stdout.write(f"After: {jobs.describe()}")
