"""Celery tasks that keep Elasticsearch in step with the catalogue, and the daily consistency check."""

import logging

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from search import indexing
from search.documents import Product
from shop.core import jobs

logger = logging.getLogger("aidmarket.search")

ELASTICSEARCH_RETRIES = 8
ELASTICSEARCH_BACKOFF_SECONDS = 15  # doubling: 15 s, 30 s, … about an hour in all, capped at 15 min each


@shared_task(bind=True, acks_late=True, max_retries=ELASTICSEARCH_RETRIES)
def update_elasticsearch(self, product_ids: list[int]) -> None:
    try:
        indexing.push_to_elasticsearch(product_ids)
    except Exception as exc:  # noqa: BLE001 - any failure of the cluster: try again later
        if self.request.retries >= self.max_retries:
            logger.error(
                "Elasticsearch still unavailable after %d attempts; %d products wait for the daily check: %s",
                self.request.retries + 1,
                len(product_ids),
                exc,
            )
            return
        logger.warning(
            "Could not update Elasticsearch for %d products (%s); will retry", len(product_ids), exc
        )
        countdown = min(900, ELASTICSEARCH_BACKOFF_SECONDS * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@jobs.job_task("search.check_index", label=_("Search index consistency check"), staff_can_start=True)
def check_index_job(job) -> dict:
    total = Product.objects.count()
    done = 0

    def progress(batch: int) -> None:
        nonlocal done
        done += batch
        jobs.report(job, done=done, total=total)

    jobs.report(job, done=0, total=total)
    return indexing.check(progress=progress)


@shared_task(acks_late=True)
def check_search_index() -> int:
    """The nightly check, as a job on the operators' list."""
    return jobs.start("search.check_index").pk
