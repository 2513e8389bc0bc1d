"""Listing pages' shared parts, computed once per catalogue version and reused for everyone.

A catalogue, category or search page is the same for every shopper apart from the header: the
result ids, the facet counts and the facet links depend only on the URL, the catalogue and the
day. The views cache them with `shop.caching.remember` under the page cache's fragment version
(`shop.caching.fragment_versions`: the catalogue version, the date in Asia/Shanghai and the
language), which every change to a product, price, stock, certificate or category bumps.

Product cards are `{% cache %}` fragments under the same version; `cards()` fetches the page's
cached cards in one round trip and loads products from the database only for cards not cached.
"""

from dataclasses import dataclass

from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import SafeString, mark_safe

from shop.caching.tiered import versioned_cache

CARD_FRAGMENT = "product_card"
SEARCH_CARD_FRAGMENT = "search_card"


@dataclass
class CachedCard:
    """A product whose rendered card is in the cache: the template prints `cached_card` as it is."""

    pk: int
    cached_card: SafeString

    @property
    def id(self):
        return self.pk


def card_key(product_id: int, version: str, *, query: str | None = None) -> str:
    """The key Django's `{% cache %}` tag stores this product's card under (product.html)."""
    if query is None:
        return make_template_fragment_key(CARD_FRAGMENT, [product_id, version])
    return make_template_fragment_key(SEARCH_CARD_FRAGMENT, [product_id, query, version])


def cards(ids: list[int], version: str, load, *, query: str | None = None) -> list:
    """The page's products in order: cached cards as `CachedCard`, the others loaded by `load(ids)`.

    `load` returns {id: product}; ids it does not return (no longer listable) are left out.
    """
    if not version:
        loaded = load(ids)
        return [loaded[pk] for pk in ids if pk in loaded]
    keys = {pk: card_key(pk, version, query=query) for pk in ids}
    found = versioned_cache().get_many(keys.values())
    missing = [pk for pk in ids if keys[pk] not in found]
    loaded = load(missing) if missing else {}
    ordered = []
    for pk in ids:
        if keys[pk] in found:
            ordered.append(CachedCard(pk, mark_safe(found[keys[pk]])))
        elif pk in loaded:
            ordered.append(loaded[pk])
    return ordered
