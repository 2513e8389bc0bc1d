"""Product search documents: what both backends index, built from the catalogue in a fixed number of
queries per batch (no per-product queries), so a rebuild runs in constant memory batch by batch."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from search import text

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductCertificate = get_model("catalogue", "ProductCertificate")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Line = get_model("order", "Line")
HelpSellFlag = get_model("sellers", "HelpSellFlag")


@dataclass
class ProductDoc:
    id: int
    title: str
    description: str
    date_created: datetime.datetime
    available: bool
    title_en: str = ""
    category_ids: list[int] = field(default_factory=list)
    category_names: list[str] = field(default_factory=list)
    province: str = ""
    city: str = ""
    county: str = ""
    region_names: list[str] = field(default_factory=list)
    seller_id: int | None = None
    seller_name: str = ""
    price: Decimal | None = None
    in_stock: bool = False
    certified: bool = False
    certified_until: datetime.date | None = None
    help_sell: bool = False
    num_sold: int = 0
    pinyin: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return " ".join(
            [self.title_en, self.description, *self.category_names, *self.region_names, self.seller_name]
        )

    def as_elasticsearch(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "pinyin": self.pinyin,
            "category_ids": self.category_ids,
            "province": self.province or None,
            "city": self.city or None,
            "county": self.county or None,
            "seller_id": self.seller_id,
            "price": float(self.price) if self.price is not None else None,
            "in_stock": self.in_stock,
            "certified": self.certified,
            "certified_until": self.certified_until.isoformat() if self.certified_until else None,
            "help_sell": self.help_sell,
            "num_sold": self.num_sold,
            "date_created": self.date_created.isoformat(),
            "available": self.available,
        }


def help_sell_ids(product_ids: Iterable[int]) -> set[int]:
    """Products currently flagged for help-sell (滞销助销); the flags belong to the sellers' app."""
    flags = HelpSellFlag.objects.active().filter(product_id__in=list(product_ids))
    return set(flags.values_list("product_id", flat=True))


def _categories_by_path():
    rows = Category.objects.filter(is_public=True, ancestors_are_public=True).values_list(
        "id", "path", "name", "depth"
    )
    return {path: (pk, name) for pk, path, name, _depth in rows}, Category.steplen


def build(product_ids: Iterable[int]) -> list[ProductDoc]:
    """Documents for the given products (missing ids are simply absent)."""
    ids = list(product_ids)
    if not ids:
        return []
    # Everything per product that needs another table is read for the batch's ids alone, by index:
    # correlated EXISTS subqueries here made PostgreSQL hash every stock record and every valid
    # certificate once per batch (0.5 s a batch at 100,000 products).
    # Only priced records: a record without a price neither sets the price nor makes the product listable.
    own = StockRecord.objects.priced().filter(product=OuterRef("pk"))
    of_children = StockRecord.objects.priced().filter(product__parent=OuterRef("pk"))
    certified_until = dict(
        ProductCertificate.objects.valid()
        .filter(product_id__in=ids)
        .order_by()
        .values("product_id")
        .annotate(until=Max("expiry_date"))
        .values_list("product_id", "until")
    )
    # The catalogue's stock rule (StockRecordQuerySet.available(), as Product.objects.in_stock()) for a
    # standalone product's own stock records or a parent's children's: two indexed lookups (an OR
    # across both would scan every stock record).
    available = StockRecord.objects.available()
    stocked = set(available.filter(product_id__in=ids).values_list("product_id", flat=True))
    stocked |= set(available.filter(product__parent_id__in=ids).values_list("product__parent_id", flat=True))
    # Sales per product for the batch in one grouped query (a correlated subquery would rescan every
    # paid order per product).
    sold = dict(
        Line.objects.filter(product_id__in=ids, order__in=get_model("order", "Order").objects.paid())
        .order_by()
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )

    def cheapest(records, field):
        return Subquery(records.order_by("price", "id").values(field)[:1])

    products = (
        Product.objects.filter(id__in=ids)
        .annotate(
            min_price=Coalesce(cheapest(own, "price"), cheapest(of_children, "price")),
            seller=Coalesce(cheapest(own, "partner_id"), cheapest(of_children, "partner_id")),
        )
        .select_related("origin_county", "origin_county__parent", "origin_province")
        .only(
            "id",
            "title",
            "title_en",
            "description",
            "date_created",
            "is_public",
            "parent_id",
            "structure",
            "origin_county__code",
            "origin_county__name",
            "origin_county__level",
            "origin_county__parent__code",
            "origin_county__parent__name",
            "origin_county__parent__level",
            "origin_province__code",
            "origin_province__name",
        )
    )
    categories, steplen = _categories_by_path()
    links: dict[int, list[str]] = {}
    for product_id, path in ProductCategory.objects.filter(product_id__in=ids).values_list(
        "product_id", "category__path"
    ):
        links.setdefault(product_id, []).append(path)
    products = list(products)
    seller_names = dict(
        Partner.objects.filter(id__in={p.seller for p in products if p.seller}).values_list("id", "name")
    )
    flagged = help_sell_ids(ids)

    docs = []
    for product in products:
        category_ids, category_names = [], []
        for path in links.get(product.id, []):
            for depth in range(1, len(path) // steplen + 1):
                hit = categories.get(path[: depth * steplen])
                if hit is None:  # a non-public ancestor hides the branch
                    break
                if hit[0] not in category_ids:
                    category_ids.append(hit[0])
                    category_names.append(hit[1])
        county = product.origin_county
        city = county.parent if county and county.parent and county.parent.level == "city" else None
        province = product.origin_province
        regions = [region for region in (province, city, county) if region]
        docs.append(
            ProductDoc(
                id=product.id,
                title=product.title or "",
                description=text.plain_text(product.description),
                title_en=product.title_en or "",
                date_created=product.date_created,
                # Product.objects.listable(): public, not a variant, a priced record of its own or a child's.
                available=bool(
                    product.is_public and product.parent_id is None and product.min_price is not None
                ),
                category_ids=category_ids,
                category_names=category_names,
                province=province.code if province else "",
                city=city.code if city else "",
                county=county.code if county else "",
                region_names=[region.name for region in regions],
                seller_id=product.seller,
                seller_name=seller_names.get(product.seller, ""),
                price=product.min_price,
                in_stock=product.id in stocked,
                certified=product.id in certified_until,
                certified_until=certified_until.get(product.id),
                help_sell=product.id in flagged,
                num_sold=sold.get(product.id) or 0,
                pinyin=text.pinyin_keys(product.title or ""),
            )
        )
    return docs
