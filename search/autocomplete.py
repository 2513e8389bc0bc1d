"""Search-box suggestions: products (through the active backend), categories and counties.

Categories and counties are few: their names and pinyin are cached in memory for a few minutes and
matched in Python, so a keystroke costs one backend query and at most two small cached reads.
"""

from django.core.cache import cache
from django.urls import reverse
from oscar.core.loading import get_model

from search import engine, text
from search.models import ProductDocument

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Region = get_model("catalogue", "Region")

CACHE_SECONDS = 300


def _named_entries(kind: str):
    key = f"search:autocomplete:{kind}"
    entries = cache.get(key)
    if entries is None:
        if kind == "categories":
            rows = [
                (category.id, category.name, category.get_absolute_url())
                for category in Category.objects.filter(is_public=True, ancestors_are_public=True)
            ]
        else:
            codes = ProductDocument.objects.available().exclude(county="").values("county").distinct()
            browse = reverse("catalogue:index")
            rows = [
                (region.code, region.full_name, f"{browse}?county={region.code}")
                for region in Region.objects.filter(code__in=codes).select_related("province", "parent")
            ]
        entries = [
            (pk, name, url, text.normalise(name).replace(" ", ""), f" {' '.join(text.pinyin_keys(name))}")
            for pk, name, url in rows
        ]
        cache.set(key, entries, CACHE_SECONDS)
    return entries


def _match(entries, query: str, pinyin: str | None, limit: int):
    compact = query.replace(" ", "")
    hits = [entry for entry in entries if compact in entry[3] or (pinyin and f" {pinyin}" in entry[4])]
    hits.sort(key=lambda entry: (not entry[3].startswith(compact), len(entry[1])))
    return hits[:limit]


def suggest(raw_query: str, *, limit: int = 6) -> dict:
    query = text.clean_query(raw_query)
    result = {"query": query, "products": [], "categories": [], "counties": []}
    if not query:
        return result
    pinyin = text.pinyin_query(query)
    found = engine.backend().suggest(query, limit=limit)
    products = {row["id"]: row for row in Product.objects.filter(id__in=found).values("id", "title", "slug")}
    result["products"] = [
        {
            "id": pk,
            "title": products[pk]["title"],
            "url": reverse(
                "catalogue:detail", kwargs={"product_slug": products[pk]["slug"] or "p", "pk": pk}
            ),
        }
        for pk in found
        if pk in products
    ]
    result["categories"] = [
        {"id": pk, "name": name, "url": url}
        for pk, name, url, *_ in _match(_named_entries("categories"), query, pinyin, limit)
    ]
    result["counties"] = [
        {"code": pk, "name": name, "url": url}
        for pk, name, url, *_ in _match(_named_entries("counties"), query, pinyin, limit)
    ]
    return result
