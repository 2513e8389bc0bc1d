"""County and seller pages: served under the brand-story index, listing the pages that feature them."""

from oscar.core.loading import get_model

from cms.products import product_cards

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")

PRODUCTS_SHOWN = 24


def directory_page(request=None):
    """The live brand-story index that serves county and seller pages, if there is one (memoised per request)."""
    from cms.models import StoryIndexPage

    if request is not None and hasattr(request, "_cms_directory_page"):
        return request._cms_directory_page
    page = StoryIndexPage.objects.live().public().order_by("path").first()
    if request is not None:
        request._cms_directory_page = page
    return page


def county_url(county, *, request=None) -> str:
    page = directory_page(request)
    if page is None or county is None:
        return ""
    return page.get_url(request) + page.reverse_subpage("county", args=[county.code])


def seller_url(seller, *, request=None) -> str:
    page = directory_page(request)
    if page is None or seller is None:
        return ""
    return page.get_url(request) + page.reverse_subpage("seller", args=[seller.pk])


def county_products(county):
    ids = list(
        Product.objects.listable()
        .filter(origin_county=county)
        .order_by("-date_created", "-id")
        .values_list("id", flat=True)[:PRODUCTS_SHOWN]
    )
    return product_cards(ids)


def seller_products(seller):
    ids = list(
        Product.objects.listable()
        .sold_by(seller)
        .order_by("-date_created", "-id")
        .values_list("id", flat=True)[:PRODUCTS_SHOWN]
    )
    return product_cards(ids)
