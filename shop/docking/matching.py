"""Which sellers and products can serve a demand: its category subtree, certified if asked, from its
origin region if asked. Reads only; notifying is demands.open()'s business."""

from django.db.models import Exists, OuterRef, Q
from oscar.core.loading import get_model

from shop.docking.models import Demand
from shop.sellers.models import HelpSellFlag

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


def _region_q(region, prefix: str = "") -> Q:
    """A product (a parent or standalone) from the region: the county itself, its city or its province."""
    return (
        Q(**{f"{prefix}origin_county": region})
        | Q(**{f"{prefix}origin_county__parent": region})
        | Q(**{f"{prefix}origin_province": region})
    )


def matching_products(demand: Demand):
    """Listed products (Product.objects.listable(): public, a parent or standalone, with a price) in the
    demand's category subtree that meet its conditions."""
    in_category = ProductCategory.objects.filter(
        product=OuterRef("pk"), category__path__startswith=demand.category.path
    )
    products = Product.objects.listable().filter(Exists(in_category))
    if demand.certified_required or demand.counts_toward_quota:
        products = products.certified()
    if demand.origin_region_id:
        products = products.filter(_region_q(demand.origin_region))
    return products


def matching_partners(demand: Demand):
    """Active sellers with a stock record of a matching product (its own, or of a variant of it)."""
    products = matching_products(demand).values("pk")
    records = StockRecord.objects.filter(partner=OuterRef("pk")).filter(
        Q(product__in=products) | Q(product__parent__in=products)
    )
    return Partner.objects.filter(Exists(records))


def quotable_products(demand: Demand, partner):
    """What the seller may offer on the demand: its own buyable products (standalone or variants) that match."""
    matching = matching_products(demand).values("pk")
    return (
        Product.objects.filter(stockrecords__partner=partner, is_public=True)
        .exclude(structure=Product.PARENT)
        .filter(Q(pk__in=matching) | Q(parent__in=matching))
        .with_certified_flag()
        .select_related("parent")
        .distinct()
        .order_by("title")
    )


def running_flags(demand: Demand):
    """Running help-sell flags on products that could serve the demand: surplus the buyer could take."""
    return (
        HelpSellFlag.objects.active()
        .filter(product__in=matching_products(demand).values("pk"))
        .select_related("product", "product__origin_county")
        .order_by("until")
    )


def flag_matches_demand_condition(partners) -> Exists:
    """For annotating demands: the sellers have a running help-sell flag on a product in the demand's category."""
    return Exists(
        HelpSellFlag.objects.active().filter(
            product__stockrecords__partner__in=partners,
            product__categories__path__startswith=OuterRef("category__path"),
        )
    )


def county_could_serve_condition(county) -> Q:
    """For filtering demands: a seller of the county has a product in the demand's category (certified if asked)."""
    records = StockRecord.objects.filter(partner__county=county)
    in_category = Q(product__categories__path__startswith=OuterRef("category__path")) | Q(
        product__parent__categories__path__startswith=OuterRef("category__path")
    )
    any_match = records.filter(in_category)
    certified = records.filter(in_category).filter(
        Q(product__in=Product.objects.certified().values("pk"))
        | Q(product__parent__in=Product.objects.certified().values("pk"))
    )
    return Q(Exists(any_match)) & (
        Q(certified_required=False, counts_toward_quota=False) | Q(Exists(certified))
    )
