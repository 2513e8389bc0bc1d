"""Keeping the quota ledger (LedgerEntry) current: the figures of an organisation's year are recomputed
after every transaction that changes them.

Whatever changes a counted figure (an organisation order placed, a refund recorded or confirmed, a line
or order status changed, an acceptance, a year frozen) calls `schedule()` or `schedule_orders()`. The
(organisation, year) pairs are collected per transaction, each once, and one Celery task
(`tasks.refresh_ledger_task`) calls quotas.refresh_ledger() for them after the commit. With
QUOTA_LEDGER_ON_COMMIT off (the test suite) the rows are recomputed immediately. `check()` is the daily
consistency check: it recounts every row and logs the ones that had drifted.
"""

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import OrganisationOrder

logger = logging.getLogger("aidmarket.institutions")
_pending = threading.local()


def schedule(organisation_ids: Iterable[int], years: Iterable[int]) -> None:
    """Recompute these organisations' ledger rows of these years once the current transaction commits."""
    years = set(years)
    pairs = {(pk, year) for pk in organisation_ids if pk for year in years}
    if not pairs:
        return
    if not getattr(settings, "QUOTA_LEDGER_ON_COMMIT", True):
        refresh(pairs)
        return
    connection = transaction.get_connection()
    registered = connection.in_atomic_block and any(entry[1] is _flush for entry in connection.run_on_commit)
    if registered and getattr(_pending, "pairs", None) is not None:
        _pending.pairs.update(pairs)
        return
    # A new transaction (or the last one rolled back, discarding its callback): start a new batch.
    _pending.pairs = pairs
    transaction.on_commit(_flush)


def schedule_orders(order_ids: Iterable[int]) -> None:
    """Schedule the ledger rows of these orders' organisations for the years the orders were placed in
    (orders not bought for an organisation have none)."""
    links = OrganisationOrder.objects.filter(order_id__in=list(order_ids)).values_list(
        "organisation_id", "order__date_placed"
    )
    by_year = defaultdict(set)
    for organisation_id, placed in links:
        if placed is not None:
            by_year[dates.year_of(placed)].add(organisation_id)
    for year, organisation_ids in by_year.items():
        schedule(organisation_ids, [year])


def _flush() -> None:
    pairs = getattr(_pending, "pairs", None) or set()
    _pending.pairs = None
    if not pairs:
        return
    from shop.institutions import tasks

    try:
        tasks.refresh_ledger_task.delay(sorted(pairs))
    except (BrokerError, OSError) as exc:
        # The daily check recounts what a refresh could not be queued for; the shop's write stands.
        logger.error("Could not queue the quota ledger refresh of %d rows (%s)", len(pairs), exc)


def refresh(pairs: Iterable[tuple[int, int]]) -> None:
    """Recompute the ledger rows of these (organisation, year) pairs now."""
    by_year = defaultdict(set)
    for organisation_id, year in pairs:
        by_year[year].add(organisation_id)
    for year, organisation_ids in sorted(by_year.items()):
        quotas.refresh_ledger(organisation_ids, [year])


def check(*, progress: Callable[[int], None] = lambda n: None) -> dict:
    """The consistency check: recount every ledger row from the order lines and log the rows that differed."""
    years = quotas.ledger_years()
    drifted = quotas.recount_ledger(years=years, progress=progress)
    if drifted:
        logger.warning(
            "Quota ledger: %d row(s) had drifted and were recounted: %s",
            len(drifted),
            ", ".join(f"organisation {pk} in {year}" for pk, year in drifted[:20]),
        )
    return {"years": len(years), "repaired": len(drifted)}


def order_status_changed(sender, order, **kwargs) -> None:
    """Receiver of Oscar's order_status_changed (staff in the dashboard, and every set_status())."""
    schedule_orders([order.pk])


def order_line_status_changed(sender, line, **kwargs) -> None:
    """Receiver of Oscar's order_line_status_changed (a line cancelled, in the dashboard or by a refund)."""
    schedule_orders([line.order_id])
