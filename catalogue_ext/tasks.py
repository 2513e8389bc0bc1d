"""The daily certificate run, scheduled by celery beat (CELERY_BEAT_SCHEDULE); `process_expiries` runs the same."""

from celery import shared_task

from catalogue_ext import certification


@shared_task(acks_late=True)
def process_certificate_expiries() -> dict:
    on = certification.today()
    return {
        "expired": certification.expire_lapsed(on=on),
        "notices": certification.send_expiry_notices(on=on),
    }
