from django.core.management.base import BaseCommand

from catalogue_ext import regions


class Command(BaseCommand):
    help = "Load the GB/T 2260 divisions and mark the 832 former national poverty counties (idempotent)."

    def handle(self, *args, **options):
        count = regions.import_regions()
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
