"""Oscar's product-view analytics, recorded in the cache and written to the database in batches.

Oscar's own receiver runs two UPDATEs and an INSERT inside every product page request (the
product's view count, the user's, and the user's view row). Here a view is one cache write; the
views are added up and written in one statement per table by `flush()`, which a Celery beat task
runs every minute and which every `FLUSH_EVERY`-th view queues at once. The rows Oscar's
dashboard reads (`ProductRecord.num_views`, `UserRecord.num_product_views`, `UserProductView`)
end up the same, apart from each view row's time being the time of its batch.

Views are numbered by a cache counter; `flush()` (under a cache lock, so one runs at a time) reads
the views from the last flushed number up to the current one, writes them in one transaction and
only then moves the flushed mark and deletes them.
"""

import logging
from collections import Counter

from django.core.cache import cache
from django.db import connection, transaction
from oscar.core.loading import get_model

logger = logging.getLogger("aidmarket.caching")

SEQUENCE_KEY = "analytics:views-recorded"
FLUSHED_KEY = "analytics:views-flushed"
LOCK_KEY = "analytics:views-flush-lock"
EVENT_SECONDS = 7 * 24 * 3600
FLUSH_EVERY = 200
BATCH = 2000
# A view numbered but not yet stored by its request (the two cache writes are not atomic) is waited
# for when it is among the newest this many; an older missing view was evicted and is skipped.
IN_FLIGHT = 50


def _event_key(number: int) -> str:
    return f"analytics:view:{number}"


def record_view(sender, product, user, **kwargs):
    """Receiver of Oscar's `product_viewed`: remember the view; queue a flush every FLUSH_EVERY views."""
    if kwargs.get("raw", False):
        return
    try:
        number = cache.incr(SEQUENCE_KEY)
    except ValueError:  # the first view ever, or the counter was evicted
        cache.add(SEQUENCE_KEY, 0, timeout=None)
        number = cache.incr(SEQUENCE_KEY)
    user_id = user.pk if user is not None and user.is_authenticated else None
    cache.set(_event_key(number), (product.pk, user_id), EVENT_SECONDS)
    if number % FLUSH_EVERY == 0:
        transaction.on_commit(_queue_flush)


def _queue_flush():
    from kombu.exceptions import OperationalError as BrokerError

    from shop.caching import tasks

    try:
        tasks.flush_product_views.delay()
    except (BrokerError, OSError) as exc:  # the beat task flushes them within a minute
        logger.warning("Could not queue the product-view flush: %s", exc)


def flush() -> int:
    """Write the recorded views to Oscar's analytics tables; returns how many were written."""
    if not cache.add(LOCK_KEY, 1, timeout=300):
        return 0  # another flush is running
    written = 0
    try:
        last = cache.get(SEQUENCE_KEY) or 0
        done = cache.get(FLUSHED_KEY) or 0
        if done > last:  # the counter was evicted and restarted
            done = 0
        while done < last:
            upto = min(last, done + BATCH)
            numbers = range(done + 1, upto + 1)
            found = cache.get_many([_event_key(n) for n in numbers])
            events = []
            for n in numbers:
                event = found.get(_event_key(n))
                if event is None and n > last - IN_FLIGHT:
                    upto = n - 1  # still being stored: next time
                    break
                if event is not None:
                    events.append(event)
            if upto <= done:
                break
            _write(events)
            written += len(events)
            cache.set(FLUSHED_KEY, upto, timeout=None)
            cache.delete_many([_event_key(n) for n in range(done + 1, upto + 1)])
            done = upto
    finally:
        cache.delete(LOCK_KEY)
    return written


def _write(events) -> None:
    ProductRecord = get_model("analytics", "ProductRecord")
    UserRecord = get_model("analytics", "UserRecord")
    UserProductView = get_model("analytics", "UserProductView")
    Product = get_model("catalogue", "Product")
    # Views of products or by users deleted since are dropped.
    products = set(Product.objects.filter(pk__in={p for p, _ in events}).values_list("pk", flat=True))
    events = [(p, u) for p, u in events if p in products]
    by_product = Counter(p for p, _ in events)
    by_user = Counter(u for _, u in events if u is not None)
    with transaction.atomic():
        _add_counts(ProductRecord, "product_id", "num_views", by_product)
        if by_user:
            from django.contrib.auth import get_user_model

            users = set(get_user_model().objects.filter(pk__in=by_user).values_list("pk", flat=True))
            by_user = Counter({u: n for u, n in by_user.items() if u in users})
            _add_counts(UserRecord, "user_id", "num_product_views", by_user)
            UserProductView.objects.bulk_create(
                [UserProductView(product_id=p, user_id=u) for p, u in events if u in users]
            )


def _add_counts(model, key: str, field: str, counts: Counter) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding each count to the row's counter (PostgreSQL and SQLite).

    New rows get the model's defaults for its other counters (Django's defaults are not the database's).
    """
    if not counts:
        return
    quote = connection.ops.quote_name
    others = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in (key, field) and f.has_default()
    ]
    columns = [model._meta.get_field(key).column, field, *(f.column for f in others)]
    defaults = [f.get_db_prep_value(f.get_default(), connection) for f in others]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = [value for pk, n in counts.items() for value in (pk, n, *defaults)]
    table, column = quote(model._meta.db_table), quote(field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES {', '.join([row] * len(counts))} "
            f"ON CONFLICT ({quote(columns[0])}) DO UPDATE SET {column} = {table}.{column} + EXCLUDED.{column}",
            params,
        )
