"""Keeping the search index right: changed products are re-indexed after their transaction commits.

`schedule(ids)` collects product ids per transaction (each product once) and registers one on_commit
callback, so a transaction that touches many products re-indexes them in batches. At commit the database
index rows are rewritten at once; Elasticsearch gets the same ids through a Celery task
(`search.tasks.update_elasticsearch`), which retries with back-off while Elasticsearch is down. With
SEARCH_INDEX_ON_COMMIT off (the test suite), scheduling indexes immediately. `check()` is the daily
consistency check: it repairs database rows that drifted and sends Elasticsearch what it lacks.
"""

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from kombu.exceptions import OperationalError as BrokerError
from oscar.core.loading import get_model

from search import documents, engine
from search.backends.database import DatabaseBackend
from search.models import ProductDocument, ProductDocumentCategory

logger = logging.getLogger("aidmarket.search")
Product = get_model("catalogue", "Product")

BATCH_SIZE = 500
_pending = threading.local()


@contextlib.contextmanager
def batch():
    """Collect every re-index scheduled inside the block and do it once at the end (bulk edits, imports)."""
    outer = getattr(_pending, "batch", None)
    if outer is not None:
        yield
        return
    _pending.batch = set()
    try:
        yield
    finally:
        ids, _pending.batch = _pending.batch, None
    schedule(ids)


def schedule(product_ids: Iterable[int]) -> None:
    """Re-index these products once the current transaction commits (batched per transaction)."""
    ids = {pk for pk in product_ids if pk}
    if not ids:
        return
    collecting = getattr(_pending, "batch", None)
    if collecting is not None:
        collecting.update(ids)
        return
    if not getattr(settings, "SEARCH_INDEX_ON_COMMIT", True):
        index_products(ids)
        return
    connection = transaction.get_connection()
    registered = connection.in_atomic_block and any(entry[1] is _flush for entry in connection.run_on_commit)
    if registered and getattr(_pending, "ids", None) is not None:
        _pending.ids.update(ids)
        return
    # A new transaction (or the last one rolled back, discarding its callback): start a new batch.
    _pending.ids = ids
    transaction.on_commit(_flush)


def _flush() -> None:
    ids = getattr(_pending, "ids", None) or set()
    _pending.ids = None
    if ids:
        index_products(ids)


def index_products(product_ids: Iterable[int]) -> None:
    """Rewrite the database index entries of these products now (removing products that are gone), and
    queue them for Elasticsearch."""
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        docs = documents.build(batch)
        deleted = sorted(set(batch) - {doc.id for doc in docs})
        DatabaseBackend().index(docs, deleted_ids=deleted)
    if ids and engine.elasticsearch_enabled():
        queue_for_elasticsearch(ids)


def queue_for_elasticsearch(product_ids: Iterable[int]) -> None:
    """Hand these products to the Elasticsearch task, in batches; without a broker the daily check
    catches up, so the shop's write never fails for the search index's sake."""
    from search import tasks

    ids = sorted(set(product_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            tasks.update_elasticsearch.delay(ids[start : start + BATCH_SIZE])
        except (BrokerError, OSError) as exc:
            logger.error(
                "Could not queue %d products for Elasticsearch (%s); the daily check repairs them",
                len(ids[start : start + BATCH_SIZE]),
                exc,
            )


def push_to_elasticsearch(product_ids: Iterable[int]) -> None:
    """Send the current documents of these products to Elasticsearch (deleting those gone); raises on
    failure, so that the task retries."""
    ids = sorted(set(product_ids))
    docs = documents.build(ids)
    deleted = sorted(set(ids) - {doc.id for doc in docs})
    engine.elasticsearch_backend().index(docs, deleted_ids=deleted)


def check(*, batch_size: int = 1000, progress: Callable[[int], None] = lambda n: None) -> dict:
    """The consistency check: rebuild each product's document, rewrite the database rows that differ
    (or are missing), and queue for Elasticsearch the products it lacks or that were repaired."""
    database = DatabaseBackend()
    es = engine.elasticsearch_backend() if engine.elasticsearch_enabled() else None
    checked = repaired = missing_in_elasticsearch = 0
    with _without_jit():
        for batch in product_id_batches(batch_size):
            docs = documents.build(batch)
            changed = database.index(docs, deleted_ids=sorted(set(batch) - {doc.id for doc in docs}))
            resend = set(changed)
            if es:
                lacking = es.missing_ids([doc.id for doc in docs])
                missing_in_elasticsearch += len(lacking)
                resend |= lacking
                if resend:
                    queue_for_elasticsearch(resend)
            repaired += len(changed)
            checked += len(batch)
            progress(len(batch))
    if repaired or missing_in_elasticsearch:
        logger.warning(
            "search index check: %d database rows repaired, %d products missing from Elasticsearch",
            repaired,
            missing_in_elasticsearch,
        )
    return {"checked": checked, "repaired": repaired, "missing_in_elasticsearch": missing_in_elasticsearch}


def product_id_batches(batch_size: int, *, first: int = 0, last: int | None = None) -> Iterable[list[int]]:
    """Product ids in (first, last] in ascending batches, by keyset pagination (constant memory)."""
    products = Product.objects.all() if last is None else Product.objects.filter(pk__lte=last)
    while True:
        batch = list(products.filter(pk__gt=first).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return
        yield batch
        first = batch[-1]


@contextlib.contextmanager
def _without_jit():
    """PostgreSQL's JIT compiles each batch query afresh (~0.4 s) for no gain on 1,000 rows."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _index_range(first: int, last: int | None, batch_size: int, new_index: str | None, progress) -> int:
    es = engine.elasticsearch_backend() if new_index else None
    database = DatabaseBackend()
    count = 0
    with _without_jit():
        for batch in product_id_batches(batch_size, first=first, last=last):
            docs = documents.build(batch)
            database.index(docs, deleted_ids=sorted(set(batch) - {doc.id for doc in docs}))
            if es:
                es.bulk_into(new_index, docs)
            count += len(batch)
            progress(len(batch))
    return count


def _worker(first, last, batch_size, new_index, updates):
    # A forked child: fresh database and Elasticsearch connections of its own.
    from django.db import connections

    from search.backends import elasticsearch as es_backend

    connections.close_all()
    es_backend._client.cache_clear()
    try:
        _index_range(first, last, batch_size, new_index, updates.put)
    finally:
        connections.close_all()


def _id_ranges(workers: int) -> list[tuple[int, int | None]]:
    """Split the ids into `workers` ranges of about equal product counts."""
    total = Product.objects.count()
    bounds, first = [], 0
    for part in range(1, workers):
        offset = total * part // workers
        boundary = Product.objects.order_by("pk").values_list("pk", flat=True)[offset : offset + 1].first()
        if boundary is None:
            break
        bounds.append((first, boundary - 1))
        first = boundary - 1
    bounds.append((first, None))
    return bounds


def rebuild(
    *,
    batch_size: int = 1000,
    elasticsearch: bool | None = None,
    workers: int = 1,
    progress: Callable[[int], None] = lambda n: None,
) -> dict:
    """Rebuild both indexes from the catalogue. Elasticsearch gets a fresh index that replaces the old
    one by an alias swap, so searches keep answering throughout. `workers` > 1 splits the ids into
    ranges indexed by forked processes (PostgreSQL only)."""
    if elasticsearch is None:
        elasticsearch = engine.elasticsearch_enabled()
    es = engine.elasticsearch_backend() if elasticsearch else None
    new_index = es.start_rebuild() if es else None
    started_max = Product.objects.aggregate(top=Max("pk"))["top"] or 0
    with _bulk_loading():
        if workers > 1 and connection.vendor == "postgresql":
            count = _rebuild_in_processes(workers, batch_size, new_index, progress)
        else:
            count = _index_range(0, None, batch_size, new_index, progress)
    # Rows whose product vanished are removed by the foreign key cascade; nothing else to sweep.
    tidy_database_index()
    replaced = es.finish_rebuild(new_index) if es else []
    return {
        "products": count,
        "documents": ProductDocument.objects.count(),
        "index": new_index,
        "replaced": replaced,
        "max_id": started_max,
    }


# kB: a GIN index's pending list between merges, normally (migration 0004) and during a rebuild.
GIN_PENDING_LIST_LIMIT = 64
GIN_PENDING_LIST_LIMIT_BULK = 4096


def _gin_indexes(cursor) -> list[str]:
    cursor.execute(
        "SELECT index.indexrelid::regclass::text FROM pg_index AS index "
        "JOIN pg_class AS class ON class.oid = index.indexrelid "
        "JOIN pg_am AS method ON method.oid = class.relam "
        "WHERE index.indrelid = %s::regclass AND method.amname = 'gin'",
        [ProductDocument._meta.db_table],
    )
    return [name for (name,) in cursor.fetchall()]


@contextlib.contextmanager
def _bulk_loading():
    """On PostgreSQL, let the GIN indexes collect a rebuild's new entries in long pending lists and
    merge them in large steps (a rebuild writing every row ran up to twice as fast); searches scan
    those lists meanwhile, so the small limit comes back, and the lists are merged, at the end."""
    if connection.vendor != "postgresql":
        yield
        return

    def limit(kilobytes):
        with connection.cursor() as cursor:
            for name in _gin_indexes(cursor):
                cursor.execute(f"ALTER INDEX {name} SET (gin_pending_list_limit = {kilobytes})")

    limit(GIN_PENDING_LIST_LIMIT_BULK)
    try:
        yield
    finally:
        limit(GIN_PENDING_LIST_LIMIT)


def tidy_database_index() -> None:
    """After a bulk load on PostgreSQL, merge the GIN indexes' pending lists and refresh the statistics.

    Bulk writes leave new GIN entries in a pending list that every search must scan; with a long list
    the planner rightly prefers reading every row, and a search takes 100 times longer (0.7 ms → 270 ms
    at 10,000 products) until autovacuum gets round to the table."""
    if connection.vendor != "postgresql":
        return
    tables = [ProductDocument._meta.db_table, ProductDocumentCategory._meta.db_table]
    with connection.cursor() as cursor:
        for name in _gin_indexes(cursor):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            # Outside a transaction, VACUUM also marks the pages all-visible, so the listings' counts
            # are answered from the indexes alone instead of visiting every row ("heap fetches").
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def _rebuild_in_processes(workers, batch_size, new_index, progress) -> int:
    import multiprocessing
    import queue

    from django.db import connections

    ranges = _id_ranges(workers)
    context = multiprocessing.get_context("fork")
    updates = context.Queue()
    connections.close_all()
    processes = [
        context.Process(target=_worker, args=(first, last, batch_size, new_index, updates))
        for first, last in ranges
    ]
    for process in processes:
        process.start()
    count = 0
    while any(process.is_alive() for process in processes) or not updates.empty():
        try:
            done = updates.get(timeout=0.5)
        except queue.Empty:
            continue
        count += done
        progress(done)
    failed = [process.exitcode for process in processes if process.exitcode]
    if failed:
        raise RuntimeError(f"{len(failed)} indexing worker(s) failed; the alias was not swapped")
    return count
