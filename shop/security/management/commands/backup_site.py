from django.core.management.base import BaseCommand

from shop.security import backups


class Command(BaseCommand):
    help = "Back up the database and media into a new folder under var/backups/ (or --to)."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="folder to create the backup in (default: var/backups)")

    def handle(self, *args, to=None, **options):
        folder = backups.backup(to)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
