"""Products as CMS pages show them: chosen by editors, filtered to what shoppers may see."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
HelpSellFlag = get_model("sellers", "HelpSellFlag")


def product_cards(ids, *, certified_only=False):
    """The listable products among `ids`, in that order, flagged with is_certified_now and in_stock."""
    queryset = Product.objects.listable().for_cards().filter(id__in=ids)
    if certified_only:
        queryset = queryset.certified()
    products = {product.id: product for product in queryset}
    return [products[pk] for pk in dict.fromkeys(ids) if pk in products]


def featured_products(home_page, *, limit=12):
    """Featured products that are still public and certified today, in the editor's order."""
    ids = list(
        home_page.featured_products.order_by("sort_order").values_list("product_id", flat=True)[:limit]
    )
    return product_cards(ids, certified_only=True)


def help_sell_products(*, limit=8):
    """Products whose sellers asked for help selling a surplus, the flags ending soonest first."""
    ids = list(
        HelpSellFlag.objects.active()
        .order_by("until", "-created_at")
        .values_list("product_id", flat=True)[: limit * 2]
    )
    return product_cards(ids)[:limit]


def featured_product_ids(page) -> list[int]:
    """Every product a page puts forward: inline featured products and product carousel blocks."""
    ids = []
    for relation in ("featured_products", "campaign_products"):
        manager = getattr(page, relation, None)
        if manager is not None:
            ids.extend(item.product_id for item in manager.all() if item.product_id)
    for field_name in ("body",):
        stream = getattr(page, field_name, None)
        if stream is None:
            continue
        for block in stream:
            if block.block_type == "product_carousel":
                ids.extend(product.pk for product in block.value["products"] if product)
    return list(dict.fromkeys(ids))


@dataclass
class ProductProblem:
    product: object
    reasons: list


def product_problems(ids) -> list[ProductProblem]:
    """Chosen products shoppers will not see or cannot buy: unpublished, unpriced, out of stock or uncertified."""
    queryset = (
        Product.objects.filter(id__in=ids)
        .with_certified_flag()
        .with_stock_flag()
        .annotate(is_listable=Product.objects.listable_condition())
    )
    problems = []
    for product in queryset.order_by("title"):
        reasons = []
        if not product.is_public:
            reasons.append(_("not published in the shop"))
        elif not product.is_listable:
            reasons.append(_("not listed in the shop: a variant, or no price"))
        if not product.in_stock:
            reasons.append(_("out of stock"))
        if not product.is_certified_now:
            reasons.append(_("no valid certificate"))
        if reasons:
            problems.append(ProductProblem(product=product, reasons=reasons))
    return problems
