from django.core.management.base import BaseCommand, CommandError

from shop.security import backups


class Command(BaseCommand):
    help = "Replace the database and media with a backup (default: the latest in var/backups/)."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="backup folder (default: the latest)")
        parser.add_argument("--noinput", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, folder=None, noinput=False, **options):
        try:
            folder = folder or backups.latest()
        except backups.BackupError as error:
            raise CommandError(error)
        if not noinput and input(f"Replace the database and media with {folder}? [y/N] ").lower() != "y":
            raise CommandError("Restore cancelled.")
        try:
            manifest = backups.restore(folder)
        except backups.BackupError as error:
            raise CommandError(error)
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup of {manifest['created_at']}: {manifest['row_counts']}")
        )
