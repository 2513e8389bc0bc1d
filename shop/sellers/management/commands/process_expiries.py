from django.core.management.base import BaseCommand
from tqdm import tqdm

from catalogue_ext import certification
from shop.core import dates
from shop.sellers import catalogue_io, helpsell, lowstock


class Command(BaseCommand):
    help = (
        "The daily runs, by hand (celery beat schedules the same functions each night): mark lapsed "
        "certificates expired, e-mail sellers 30 days before a certificate expires, end help-sell flags past "
        "their until-date or sold out, and e-mail sellers once about stock that fell to its low-stock "
        "threshold. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress bars.")

    def handle(self, *args, no_progress, **options):
        today = dates.today()
        expired = certification.expire_lapsed(on=today)
        bar_options = {"disable": no_progress, "file": self.stderr._out}
        with tqdm(desc="expiry notices", unit="certificates", **bar_options) as bar:
            notices = certification.send_expiry_notices(on=today, progress=bar.update)
        ended = helpsell.end_lapsed(on=today)
        with tqdm(desc="low stock", unit="sellers", **bar_options) as bar:
            low_stock = lowstock.send_low_stock_notices(progress=bar.update)
        catalogue_io.discard_expired()  # uploads checked but never applied
        self.stdout.write(
            f"{today}: {expired} certificate(s) marked expired, {notices} expiry notice(s) sent, "
            f"{ended} help-sell flag(s) ended, {low_stock} low-stock e-mail(s) sent."
        )
