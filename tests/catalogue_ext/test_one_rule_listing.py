"""One listing rule: every listing agrees on a product without a price, a variant and a sold-out product.

The rule (Product.objects.listable()): public, not a variant, with a priced stock record of its own or,
for a parent, of a child. Sold-out products stay listed, marked sold out.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from cms import campaigns
from cms import products as cms_products
from cms.directory import county_products, seller_products
from search import documents, indexing
from shop.core import dates
from shop.sellers import helpsell
from shop.sellers.models import HelpSellFlag
from shop.sitemaps import ProductSitemap
from tests import factories

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


class Campaign:
    """What campaign_product_ids() reads of a campaign page: no chosen products, one category."""

    def __init__(self, category):
        self.category = category
        self.category_id = category.pk
        self.campaign_products = StockRecord.objects.none()


def listed_everywhere(product, partner, client) -> dict[str, bool]:
    """Where a product appears, for every listing of the shop."""
    category = factories.CategoryFactory()
    get_model("catalogue", "ProductCategory").objects.create(product=product, category=category)
    HelpSellFlag.objects.create(
        product=product,
        quantity=10,
        reason="harvest_glut",
        until=dates.today() + datetime.timedelta(days=7),
    )
    indexing.index_products([product.pk])
    catalogue_page = client.get(reverse("catalogue:index"))
    return {
        "queryset": Product.objects.listable().filter(pk=product.pk).exists(),
        "catalogue_page": product.pk in [card.pk for card in catalogue_page.context["products"]],
        "search_document": documents.build([product.pk])[0].available,
        "cms_block": [card.pk for card in cms_products.product_cards([product.pk])] == [product.pk],
        "campaign_page": product.pk in campaigns.campaign_product_ids(Campaign(category)),
        "help_sell": helpsell.products_needing_help().filter(pk=product.pk).exists(),
        "seller_page": product.pk in [card.pk for card in seller_products(partner)],
        "county_page": product.pk in [card.pk for card in county_products(partner.county)],
        "sitemap": product in ProductSitemap().items(),
    }


def test_a_priced_product_is_listed_everywhere(client, partner):
    product = factories.ProductFactory(partner=partner)

    assert set(listed_everywhere(product, partner, client).values()) == {True}


def test_a_product_without_a_price_is_listed_nowhere(client, partner):
    product = factories.ProductFactory(partner=partner, price=None)

    assert set(listed_everywhere(product, partner, client).values()) == {False}


def test_a_sold_out_product_stays_listed_everywhere_marked_sold_out(client, partner):
    product = factories.ProductFactory(partner=partner, num_in_stock=0)

    listed = listed_everywhere(product, partner, client)

    assert {name: shown for name, shown in listed.items() if name != "help_sell"} == dict.fromkeys(
        listed.keys() - {"help_sell"}, True
    )
    assert not listed["help_sell"]  # a help-sell call ends when the surplus is gone
    assert [card.in_stock for card in cms_products.product_cards([product.pk])] == [False]


def test_a_variant_is_listed_nowhere_and_its_parent_everywhere(client, partner):
    parent, child = factories.variant_family(partner)

    assert set(listed_everywhere(child, partner, client).values()) == {False}
    assert set(listed_everywhere(parent, partner, client).values()) == {True}


def test_a_parent_whose_only_variant_has_no_price_is_listed_nowhere(client, partner):
    parent, _variant = factories.variant_family(partner, price=None)

    assert set(listed_everywhere(parent, partner, client).values()) == {False}


def test_editors_are_told_a_chosen_product_has_no_price(partner):
    product = factories.ProductFactory(partner=partner, certified=True, price=Decimal("1.00"))
    StockRecord.objects.filter(product=product).update(price=None)

    [problem] = cms_products.product_problems([product.pk])

    assert "不在商城列出：是规格子商品或没有价格" in problem.reasons
