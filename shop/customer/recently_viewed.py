"""The products a signed-in customer looked at lately, read from Oscar's history cookie.

Oscar keeps the ids of the last products viewed in a cookie (customer.history). The strip shows them as
title links, newest first: titles and addresses come from the cache per catalogue version (one query for
those not cached yet), and visitors who are not signed in are shown nothing. The strip is a personal part of shared pages
(shop/caching/parts.py).
"""

from django.urls import reverse
from oscar.core.loading import get_class, get_model

CustomerHistoryManager = get_class("customer.history", "CustomerHistoryManager")
Product = get_model("catalogue", "Product")

STRIP_LENGTH = 8


def products(request, *, exclude: int | None = None, limit: int = STRIP_LENGTH) -> list[dict]:
    """Title and address of the customer's recently viewed, still browsable products (newest first),
    leaving out the product with id `exclude` (the page's own)."""
    if not request.user.is_authenticated:
        return []
    ids = [pk for pk in reversed(CustomerHistoryManager.extract(request)) if isinstance(pk, int)]
    ids = [pk for pk in ids if pk != exclude][:limit]
    if not ids:
        return []
    found = _titles_and_urls(ids)
    return [{"title": found[pk][0], "url": found[pk][1]} for pk in ids if pk in found]


def _titles_and_urls(ids: list[int]) -> dict[int, tuple[str, str]]:
    """(title, address) of the still browsable products among `ids`, from the cache per catalogue version
    (any product change bumps it); the database is asked only for the ones not cached yet."""
    from django.core.cache import cache

    from shop.caching import catalogue_version, page_cache_seconds

    if not page_cache_seconds():
        return _browsable_titles_and_urls(ids)
    version = catalogue_version()
    keys = {pk: f"recently-viewed-link:{version}:{pk}" for pk in ids}
    cached = cache.get_many(keys.values())
    found = {pk: cached[keys[pk]] for pk in ids if keys[pk] in cached}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        loaded = _browsable_titles_and_urls(missing)
        # Not browsable is remembered too (as None), until the next catalogue change.
        cache.set_many({keys[pk]: loaded.get(pk) for pk in missing}, page_cache_seconds())
        found.update(loaded)
    return {pk: pair for pk, pair in found.items() if pair is not None}


def _browsable_titles_and_urls(ids: list[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (title, reverse("catalogue:detail", kwargs={"product_slug": slug, "pk": pk}))
        for pk, title, slug in Product.objects.browsable()
        .filter(pk__in=ids)
        .values_list("pk", "title", "slug")
    }
