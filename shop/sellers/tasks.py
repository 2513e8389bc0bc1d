"""The sellers' daily runs, scheduled by celery beat (CELERY_BEAT_SCHEDULE); `process_expiries` runs the same."""

from celery import shared_task

from shop.core import dates
from shop.sellers import catalogue_io, helpsell, lowstock


@shared_task(acks_late=True)
def end_lapsed_help_sell_flags() -> int:
    return helpsell.end_lapsed(on=dates.today())


@shared_task(acks_late=True)
def send_low_stock_notices() -> int:
    return lowstock.send_low_stock_notices()


@shared_task(acks_late=True)
def delete_expired_catalogue_uploads() -> int:
    """Catalogue uploads that were checked but never applied, past their expiry."""
    return catalogue_io.discard_expired()
