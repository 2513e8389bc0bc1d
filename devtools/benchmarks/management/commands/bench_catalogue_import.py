"""Measure a 5,000-row catalogue import (create, update, unchanged) on the configured database."""

from django.core.management.base import BaseCommand

from devtools.benchmarks import catalogue_import


class Command(BaseCommand):
    help = "Time reading, checking and applying a 5,000-row seller catalogue file (a temporary seller)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)

    def handle(self, *args, rows, **options):
        self.stdout.write(f"Before: {catalogue_import.describe()}")
        for timing in catalogue_import.run(rows=rows):
            self.stdout.write(f"{timing.step:<50} {timing.seconds:7.2f} s")
        self.stdout.write(f"After: {catalogue_import.describe()}")
