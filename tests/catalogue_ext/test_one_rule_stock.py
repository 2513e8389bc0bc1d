"""One stock rule: every consumer agrees on untracked stock, sold-out stock, unpriced records and variants.

The rule (shop/partner/models.py): a stock record is available to buy when it has a price and either
its product's class does not track stock or something is left after allocations; a product is in
stock when one of its own records, or for a parent one of its children's, is available.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model

from cms import products as cms_products
from cms.directory import seller_products
from search import documents
from shop import caching
from shop.core import dates
from shop.sellers import onboarding
from shop.sellers.models import HelpSellFlag
from tests import factories
from tests.institutions.factories import place_order

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def untracked_class(db):
    return factories.ProductClassFactory(name="预售服务", track_stock=False)


def _stock(product, *, num_in_stock, num_allocated=None, price=Decimal("39.90")):
    StockRecord.objects.filter(product=product).update(
        num_in_stock=num_in_stock, num_allocated=num_allocated, price=price
    )
    return StockRecord.objects.get(product=product)


def in_stock_everywhere(product, partner) -> dict[str, bool]:
    """What every consumer of the stock rule says about one product."""
    flags = {
        "queryset": Product.objects.in_stock().filter(pk=product.pk).exists(),
        "search_document": documents.build([product.pk])[0].in_stock,
        "cms_block": [card.in_stock for card in cms_products.product_cards([product.pk])] == [True],
        "seller_page": [card.in_stock for card in seller_products(partner) if card.pk == product.pk]
        == [True],
    }
    HelpSellFlag.objects.create(product=product, quantity=10, reason="harvest_glut", until=_next_week())
    flags["help_sell_flag_running"] = HelpSellFlag.objects.active().filter(product=product).exists()
    return flags


def _next_week():
    return dates.today() + datetime.timedelta(days=7)


def test_untracked_stock_without_a_count_is_available_to_every_consumer(partner, untracked_class):
    product = factories.ProductFactory(partner=partner, product_class=untracked_class)
    record = _stock(product, num_in_stock=None)

    assert record.is_available()
    assert StockRecord.objects.available().filter(pk=record.pk).exists()
    assert set(in_stock_everywhere(product, partner).values()) == {True}


def test_untracked_stock_is_sold_without_allocating_and_does_not_empty_listings(
    partner, untracked_class, consumer
):
    product = factories.ProductFactory(partner=partner, product_class=untracked_class)
    record = _stock(product, num_in_stock=None)
    version = caching.catalogue_version()

    place_order(consumer, [(product, 3)])

    record.refresh_from_db()
    assert record.num_allocated is None
    assert caching.catalogue_version() == version  # not sold out: cached listings stay


def test_fully_allocated_tracked_stock_is_sold_out_for_every_consumer(partner, consumer):
    product = factories.ProductFactory(partner=partner)
    record = _stock(product, num_in_stock=5, num_allocated=5)

    assert not record.is_available()
    assert set(in_stock_everywhere(product, partner).values()) == {False}


def test_the_order_that_takes_the_last_items_refreshes_listings(partner, consumer):
    product = factories.ProductFactory(partner=partner, num_in_stock=2)
    version = caching.catalogue_version()

    place_order(consumer, [(product, 2)])

    assert not StockRecord.objects.get(product=product).is_available()
    assert caching.catalogue_version() != version


def test_order_creation_refuses_more_than_the_available_quantity(partner, consumer):
    product = factories.ProductFactory(partner=partner)
    _stock(product, num_in_stock=5, num_allocated=4)

    with pytest.raises(UnableToPlaceOrder):
        place_order(consumer, [(product, 2)])


def test_a_record_without_a_price_is_never_available(partner):
    product = factories.ProductFactory(partner=partner)
    record = _stock(product, num_in_stock=100, price=None)

    assert not record.is_available()
    assert not StockRecord.objects.available().filter(pk=record.pk).exists()
    assert not Product.objects.in_stock().filter(pk=product.pk).exists()
    assert not documents.build([product.pk])[0].in_stock


def test_a_parent_is_in_stock_through_its_children_for_every_consumer(partner):
    parent, child = factories.variant_family(partner, num_in_stock=3)

    assert set(in_stock_everywhere(parent, partner).values()) == {True}


def test_a_parent_whose_children_are_sold_out_is_sold_out_for_every_consumer(partner):
    parent, child = factories.variant_family(partner, num_in_stock=0)

    assert set(in_stock_everywhere(parent, partner).values()) == {False}


def test_a_variant_follows_its_parents_untracked_class(partner, untracked_class):
    parent, child = factories.variant_family(partner, num_in_stock=None)
    Product.objects.filter(pk=parent.pk).update(product_class=untracked_class)
    record = StockRecord.objects.select_related("product").get(product=child)

    assert record.is_available()
    assert StockRecord.objects.available().filter(pk=record.pk).exists()
    assert Product.objects.in_stock().filter(pk=parent.pk).exists()


@pytest.mark.parametrize(
    ("num_in_stock", "num_allocated", "price", "tracked"),
    [
        (None, None, "1.00", True),
        (0, None, "1.00", True),
        (3, None, "1.00", True),
        (3, 3, "1.00", True),
        (3, 2, "1.00", True),
        (None, 2, "1.00", True),
        (None, None, "1.00", False),
        (0, 5, "1.00", False),
        (3, None, None, True),
        (None, None, None, False),
    ],
)
def test_python_predicate_and_sql_filter_agree(
    partner, untracked_class, num_in_stock, num_allocated, price, tracked
):
    product = factories.ProductFactory(
        partner=partner, **({} if tracked else {"product_class": untracked_class})
    )
    record = _stock(
        product,
        num_in_stock=num_in_stock,
        num_allocated=num_allocated,
        price=Decimal(price) if price else None,
    )
    annotated = StockRecord.objects.annotate_available_quantity().get(pk=record.pk)

    purchase = Default().fetch_for_product(Product.objects.get(pk=product.pk))  # what Oscar's basket allows

    assert record.is_available() == StockRecord.objects.available().filter(pk=record.pk).exists()
    assert record.is_available() == (purchase.price.exists and purchase.availability.is_available_to_buy)
    assert annotated.available_quantity == record.net_stock_level


def test_the_seller_stock_page_shows_the_available_quantity(client, partner):
    product = factories.ProductFactory(partner=partner)
    _stock(product, num_in_stock=7, num_allocated=3)
    seller = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, seller)
    client.force_login(seller)

    response = client.get(reverse("sellers:stock"))

    assert [record.available_quantity for record in response.context["object_list"]] == [4]
