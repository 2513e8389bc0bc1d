"""The daily certificate run, scheduled by celery beat (CELERY_BEAT_SCHEDULE); `process_expiries` runs the same."""

from celery import shared_task

from catalogue_ext import certification
from shop.core import dates


@shared_task(acks_late=True)
def process_certificate_expiries() -> dict:
    on = dates.today()
    return {
        "expired": certification.expire_lapsed(on=on),
        "notices": certification.send_expiry_notices(on=on),
    }
