from django.core.management.base import BaseCommand

from devtools.demo import cms, core, docking, institutions, search, sellers

# After the core data, in this order: each step looks up what the ones before it created, and
# search comes last so that it indexes everything.
LOADERS = [
    ("institutions", institutions.load),
    ("cms", cms.load),
    ("sellers", sellers.load),
    ("docking", docking.load),
    ("search", search.load),
]


class Command(BaseCommand):
    help = "Load the demo shop (idempotent: running it again leaves the same data)."

    def handle(self, *args, **options):
        core.load(stdout=self.stdout)
        for name, load in LOADERS:
            self.stdout.write(f"{name}…")
            load(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo shop ready. Sign in with any of these (password: {core.DEMO_PASSWORD}):"
            )
        )
        for email, _name, _staff, _super, role in core.DEMO_USERS:
            self.stdout.write(f"  {email:<24} {role}")
