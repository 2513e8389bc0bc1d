"""The sellers' daily runs, scheduled by celery beat (CELERY_BEAT_SCHEDULE; `process_expiries` runs the
same), and their background jobs: applying a checked catalogue import, exporting a whole catalogue."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import dates, jobs
from shop.sellers import catalogue_io, helpsell, lowstock

Partner = get_model("partner", "Partner")


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


@jobs.job_task(
    catalogue_io.IMPORT_JOB,
    label=_("Catalogue import"),
    max_retries=2,
    summary=catalogue_io.import_summary,
    redeliver_if_worker_lost=False,  # a file that kills a worker is for a person to look at, then retry
)
def import_catalogue(job, *, staged_import: int) -> dict:
    return catalogue_io.apply_queued(job, staged_import=staged_import)


@jobs.export_job("sellers.catalogue_export", label=_("Catalogue export"))
def export_catalogue(*, partner: int) -> jobs.ExportFile:
    return catalogue_io.export_file(Partner.objects.get(pk=partner))
