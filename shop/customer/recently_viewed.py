"""The products a signed-in customer looked at lately, read from Oscar's history cookie.

Oscar keeps the ids of the last products viewed in a cookie (customer.history). The strip shows them as
title links, newest first: one query for titles and slugs, none when there is nothing to show, and
nothing for visitors who are not signed in. The strip is a personal part of shared pages
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
    found = {
        pk: (title, slug)
        for pk, title, slug in Product.objects.browsable()
        .filter(pk__in=ids)
        .values_list("pk", "title", "slug")
    }
    return [
        {
            "title": found[pk][0],
            "url": reverse("catalogue:detail", kwargs={"product_slug": found[pk][1], "pk": pk}),
        }
        for pk in ids
        if pk in found
    ]
