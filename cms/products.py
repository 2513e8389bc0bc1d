"""Products as CMS pages show them: chosen by editors, filtered to what shoppers may see."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
HelpSellFlag = get_model("sellers", "HelpSellFlag")


def listing_queryset():
    """What shoppers may see, with everything a product card needs fetched up front."""
    return (
        Product.objects.browsable()
        .with_certified_flag()
        .select_related("origin_county", "origin_province", "product_class")
        .prefetch_related("stockrecords", "stockrecords__partner", "images")
    )


def with_stock_flag(queryset):
    """Annotate `in_stock`: stock is not tracked for the class, or some record has unallocated stock."""
    available = StockRecord.objects.filter(product=OuterRef("pk")).filter(
        Q(num_in_stock__gt=F("num_allocated")) | Q(num_allocated__isnull=True, num_in_stock__gt=0)
    )
    return queryset.annotate(in_stock=Q(product_class__track_stock=False) | Exists(available))


def product_cards(ids, *, certified_only=False):
    """The public products among `ids`, in that order, flagged with is_certified_now and in_stock."""
    queryset = with_stock_flag(listing_queryset().filter(id__in=ids))
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
    """Chosen products shoppers will not see or cannot buy: unpublished, out of stock or uncertified."""
    queryset = with_stock_flag(Product.objects.filter(id__in=ids).with_certified_flag())
    problems = []
    for product in queryset.order_by("title"):
        reasons = []
        if not product.is_public:
            reasons.append(_("not published in the shop"))
        if not product.in_stock:
            reasons.append(_("out of stock"))
        if not product.is_certified_now:
            reasons.append(_("no valid certificate"))
        if reasons:
            problems.append(ProductProblem(product=product, reasons=reasons))
    return problems
