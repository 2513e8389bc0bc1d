from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from shop import demo_data


class Command(BaseCommand):
    help = "Load the demo shop (idempotent: running it again leaves the same data)."

    def handle(self, *args, **options):
        demo_data.load(stdout=self.stdout)
        for path in settings.AIDMARKET_DEMO_LOADERS:
            self.stdout.write(f"{path}…")
            import_string(f"{path}.load")(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo shop ready. Sign in with any of these (password: {demo_data.DEMO_PASSWORD}):"
            )
        )
        for email, _name, _staff, _super, role in demo_data.DEMO_USERS:
            self.stdout.write(f"  {email:<24} {role}")
