"""What follows a change shoppers can see, from one place: re-indexing the products and invalidating the
cached pages.

Our own domain functions write inside ``changes.ours()`` and then call ``products_changed(...)`` or
``order_stock_moved(...)`` explicitly, once for the whole write. The signal receivers
(``search/receivers.py``, ``shop.caching.connect_receivers``) exist only for writes made by code we do not
own (Oscar's dashboard, Wagtail publishing); they stand aside while ``ours()`` is active, so our writes are
neither missed when receivers change nor handled twice.
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from search import indexing
from shop import caching

_local = threading.local()


@contextmanager
def ours():
    """Writes made inside this block are followed by an explicit call here; receivers stand aside."""
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield
    finally:
        _local.depth -= 1


def by_our_code() -> bool:
    """True while our own code is writing (inside ``ours()``): receivers leave the write to it."""
    return getattr(_local, "depth", 0) > 0


def products_changed(product_ids: Iterable[int]) -> None:
    """These products changed for shoppers (listing, price, stock, certificate, help-sell flag): re-index
    them after the commit and invalidate every cached page."""
    ids = {pk for pk in product_ids if pk}
    if not ids:
        return
    indexing.schedule(ids)
    caching.catalogue_changed()


def order_stock_moved(order) -> None:
    """An order took or gave back stock: re-index its products (stock, sales) and invalidate their pages
    (listings too when one sold out or came back)."""
    from django.db.models import Exists, OuterRef
    from oscar.core.loading import get_model

    # The partner app's stock rule: listings change when a line's record is no longer available to buy.
    available = get_model("partner", "StockRecord").objects.available().filter(pk=OuterRef("stockrecord_id"))
    lines = list(order.lines.annotate(available=Exists(available)).values_list("product_id", "available"))
    product_ids = [pk for pk, _ in lines if pk]
    indexing.schedule(product_ids)
    caching.product_stock_changed(product_ids, sold_out=any(not is_available for _, is_available in lines))
