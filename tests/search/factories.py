"""A small catalogue for the search tests: two provinces, categories, sellers, and products chosen
so each search behaviour has one product that must match and others that must not."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from oscar.test.factories import OrderFactory, OrderLineFactory

from search import indexing
from shop.core.dates import today
from tests import factories


@dataclass
class Catalogue:
    navel: object
    navel_gift: object
    puer: object
    green_tea: object
    potato: object
    rice: object
    aid_rice: object
    hidden: object
    no_price: object
    fruit: object
    citrus: object
    tea: object
    anyuan_seller: object
    puer_seller: object


def yunnan_county():
    province = factories.ProvinceFactory(code="530000", name="云南省")
    city = factories.CityFactory(code="530800", name="普洱市", parent=province)
    return factories.CountyFactory(code="530821", name="宁洱县", parent=city, poverty_exit_year=2019)


def sell(product, quantity):
    OrderLineFactory(order=OrderFactory(status="paid"), product=product, quantity=quantity, partner_sku="SKU")


def build_catalogue() -> Catalogue:
    with indexing.batch():  # one re-index at the end instead of one per save
        return _build_catalogue()


def _build_catalogue() -> Catalogue:
    anyuan = factories.CountyFactory()  # 安远县, 赣州市, 江西省
    ninger = yunnan_county()
    anyuan_seller = factories.PartnerFactory(name="安远县橙农合作社", county=anyuan)
    puer_seller = factories.PartnerFactory(name="宁洱县农产品合作社", county=ninger)
    fruit = factories.CategoryFactory(name="水果")
    citrus = factories.CategoryFactory(name="柑橘", parent=fruit)
    tea = factories.CategoryFactory(name="茶叶")

    def product(title, county, seller, **kwargs):
        return factories.ProductFactory(title=title, origin_county=county, partner=seller, **kwargs)

    catalogue = Catalogue(
        navel=product(
            "赣南脐橙 5斤装",
            anyuan,
            anyuan_seller,
            certified=True,
            price=Decimal("39.90"),
            categories=[citrus],
        ),
        navel_gift=product(
            "精选水果礼盒",
            anyuan,
            anyuan_seller,
            price=Decimal("88.00"),
            categories=[fruit],
            description="<p>礼盒内含安远脐橙与柚子</p>",
        ),
        puer=product(
            "云南普洱茶 357克饼茶",
            ninger,
            puer_seller,
            certified=True,
            price=Decimal("128.00"),
            categories=[tea],
        ),
        green_tea=product(
            "高山绿茶", ninger, puer_seller, price=Decimal("15.00"), num_in_stock=0, categories=[tea]
        ),
        potato=product("高原马铃薯 10斤", anyuan, anyuan_seller, price=Decimal("25.00")),
        rice=product("ＡＢＣ有机大米", anyuan, anyuan_seller, price=Decimal("59.00")),
        aid_rice=product("帮扶香米", ninger, puer_seller, price=Decimal("210.00")),
        hidden=product("赣南脐橙 下架款", anyuan, anyuan_seller, is_public=False, certified=True),
        no_price=None,
        fruit=fruit,
        citrus=citrus,
        tea=tea,
        anyuan_seller=anyuan_seller,
        puer_seller=puer_seller,
    )
    # A product nobody can buy: no stock record, so no price.
    no_price = factories.ProductFactory.build(title="赣南脐橙 预售", origin_county=anyuan)
    no_price.product_class = factories.ProductClassFactory()
    no_price.save()
    catalogue.no_price = no_price
    return catalogue


def shorten_certificates(product, *, days_left):
    """Make the product's certificates run out in `days_left` days (written and re-indexed)."""
    product.certificates.update(expiry_date=today() + datetime.timedelta(days=days_left))
    indexing.index_products([product.id])
