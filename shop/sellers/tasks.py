"""The sellers' daily runs, scheduled by celery beat (CELERY_BEAT_SCHEDULE); `process_expiries` runs the same."""

from celery import shared_task

from catalogue_ext import certification
from shop.sellers import helpsell, lowstock


@shared_task(acks_late=True)
def end_lapsed_help_sell_flags() -> int:
    return helpsell.end_lapsed(on=certification.today())


@shared_task(acks_late=True)
def send_low_stock_notices() -> int:
    return lowstock.send_low_stock_notices()
