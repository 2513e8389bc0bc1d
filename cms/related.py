"""Reverse links: the published CMS pages that feature a product, its seller or its county.

Wagtail's reference index already records every foreign key, inline item and chooser block that
points at a product, seller, county or category, so one query over it answers "who features this".
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from oscar.core.loading import get_model
from wagtail.models import Page, ReferenceIndex

Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")
Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")


def _targets(model, ids):
    content_type = ContentType.objects.get_for_model(model)
    return Q(to_content_type=content_type, to_object_id__in=[str(pk) for pk in ids])


def pages_featuring(*, product=None, seller=None, county=None, limit=12):
    """Live, public pages (the home page excepted) that reference any of the given objects, newest first."""
    condition = Q(pk__in=[])
    if product is not None:
        condition |= _targets(Product, [product.pk])
        seller_ids = list(product.stockrecords.values_list("partner_id", flat=True))
        condition |= _targets(Partner, seller_ids)
        if product.origin_county_id:
            condition |= _targets(Region, [product.origin_county_id])
        category_ids = list(product.categories.values_list("id", flat=True))
        if category_ids:
            condition |= _targets(Category, category_ids)
    if seller is not None:
        condition |= _targets(Partner, [seller.pk])
    if county is not None:
        condition |= _targets(Region, [county.pk])

    page_ids = (
        ReferenceIndex.objects.filter(condition, base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
        .distinct()
    )
    from cms.models import HomePage

    return (
        Page.objects.live()
        .public()
        .filter(id__in=[int(pk) for pk in page_ids])
        .not_type(HomePage)
        .order_by("-first_published_at")
        .specific()[:limit]
    )
