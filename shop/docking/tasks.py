"""Docking's daily run, scheduled by celery beat (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from shop.core import dates
from shop.docking import demands


@shared_task(acks_late=True)
def expire_lapsed_demands() -> int:
    return demands.expire_lapsed(today=dates.today())
