"""Celery task of the cache app: writing the product views recorded in the cache to the database."""

from celery import shared_task

from shop.caching import analytics


@shared_task(acks_late=True)
def flush_product_views() -> int:
    return analytics.flush()
