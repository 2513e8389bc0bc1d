"""Signed-in shoppers, institutional buyers and sellers: storefront pages within a fixed number of
queries, the same whatever the catalogue's size and the user's own order history."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from devtools.loadgen import marks

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")
User = get_user_model()

pytestmark = pytest.mark.django_db

PAGE_MAX_QUERIES = 12
BASKET_MAX_QUERIES = 15

ROLES = {
    "shopper": f"consumer1{marks.USER_DOMAIN}",
    "buyer": f"org1-buyer{marks.USER_DOMAIN}",
    "seller": f"seller1{marks.USER_DOMAIN}",
}
PAGES = ["home", "catalogue", "category", "filtered_catalogue", "product", "search", "basket"]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """As in production: the shared fragments are cached (the test settings switch them off)."""
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 600


def generate(products: int, orders: int):
    call_command("generate_load_data", products=products, orders=orders, organisations=2, seed=3, verbosity=0)


def page_urls() -> dict[str, str]:
    product = Product.objects.get(upc=f"{marks.UPC_PREFIX}00000001")
    category = Category.objects.filter(depth=1).order_by("path").first()
    # Filter by the province of a certified product, so that the filtered page lists products at every
    # catalogue size (an empty result would save the card queries and hide growth).
    certified = Product.objects.certified().filter(origin_province__isnull=False).order_by("id").first()
    return {
        "home": "/",
        "catalogue": reverse("catalogue:index"),
        "category": category.get_absolute_url(),
        "filtered_catalogue": f"{reverse('catalogue:index')}?province={certified.origin_province_id}&certified=1",
        "product": product.get_absolute_url(),
        "search": f"{reverse('search:search')}?q={product.title[-4:]}",
        "basket": reverse("basket:summary"),
    }


def signed_in(role: str, *, orders: int) -> Client:
    """The role's user, with a product in the basket, `orders` orders of their own and five products
    recently viewed (the product page lists them)."""
    user = User.objects.get(email=ROLES[role])
    ids = list(Order.objects.order_by("id").values_list("id", flat=True)[:orders])
    Order.objects.filter(id__in=ids).update(user=user)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(user)
    product = Product.objects.browsable().filter(stockrecords__num_in_stock__gt=5).order_by("id").first()
    assert client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}).status_code == 302
    for viewed in Product.objects.browsable().order_by("-id")[:5]:
        assert client.get(viewed.get_absolute_url()).status_code == 200
    return client


def query_counts(role: str, *, orders: int) -> dict[str, int]:
    client = signed_in(role, orders=orders)
    counts = {}
    for page, url in page_urls().items():
        client.get(url)  # the first visit fills the shared caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (page, url)
        if page in ("catalogue", "category", "filtered_catalogue", "search"):
            assert b"data-product-id=" in response.content, (page, url)  # a page of results
        counts[page] = len(queries)
    return counts


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_storefront_pages_make_at_most_12_queries(role):
    generate(products=200, orders=500)

    counts = query_counts(role, orders=500)

    over = {page: n for page, n in counts.items() if page != "basket" and n > PAGE_MAX_QUERIES}
    assert not over, counts


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_basket_page_makes_at_most_15_queries(role):
    generate(products=200, orders=500)

    counts = query_counts(role, orders=500)

    assert counts["basket"] <= BASKET_MAX_QUERIES, counts


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_query_counts_do_not_grow_with_catalogue_or_order_history(role):
    generate(products=10, orders=5)
    small = query_counts(role, orders=5)

    generate(products=200, orders=500)
    large = query_counts(role, orders=500)

    assert Product.objects.count() == 200
    assert Order.objects.filter(user__email=ROLES[role]).count() == 500
    # Not growing: no page makes more queries at 200 products and 500 orders than at 10 and 5. (On
    # PostgreSQL the filtered catalogue makes 4 fewer at 200 products: its product cards come from the
    # cache there, while at 10 products they are read from the database.)
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert not grown, (small, large)
