from django.core.management.base import BaseCommand

from catalogue_ext import certification
from shop.core import dates
from shop.sellers import catalogue_io, helpsell, lowstock


class Command(BaseCommand):
    help = (
        "Daily: mark lapsed certificates expired, e-mail sellers 30 days before a certificate expires, "
        "end help-sell flags past their until-date or sold out, and e-mail sellers once about stock that fell "
        "to its low-stock threshold, and delete catalogue uploads that were checked but never applied. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        today = dates.today()
        expired = certification.expire_lapsed(on=today)
        notices = certification.send_expiry_notices(on=today)
        ended = helpsell.end_lapsed(on=today)
        low_stock = lowstock.send_low_stock_notices()
        catalogue_io.discard_expired()  # uploads checked but never applied
        self.stdout.write(
            f"{today}: {expired} certificate(s) marked expired, {notices} expiry notice(s) sent, "
            f"{ended} help-sell flag(s) ended, {low_stock} low-stock e-mail(s) sent."
        )
