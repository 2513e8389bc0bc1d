"""Products as CMS pages show them: chosen by editors, filtered to what shoppers may see."""

from search.views import listing_queryset


def featured_products(home_page, *, limit=12):
    """Featured products that are still public and certified today, in the editor's order."""
    ids = list(home_page.featured_products.order_by("sort_order").values_list("product_id", flat=True)[:limit])
    products = {product.id: product for product in listing_queryset().certified().filter(id__in=ids)}
    return [products[pk] for pk in ids if pk in products]
