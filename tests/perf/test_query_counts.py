"""Catalogue and product pages make the same number of SQL queries whatever the catalogue's size."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db

# Fixed ceilings: the same at 10 and at 200 products (the pages are query-constant).
CATALOGUE_MAX_QUERIES = 30
PRODUCT_MAX_QUERIES = 25


@pytest.fixture(params=[10, 200], ids=["10-products", "200-products"])
def catalogue(request):
    call_command(
        "generate_load_data", products=request.param, orders=20, organisations=0, seed=3, verbosity=0
    )
    return request.param


def count_queries(url):
    client = Client()  # a fresh visitor: no recently-viewed cookie from an earlier page
    client.get(url)  # first request: per-process look-ups (site, content types) are cached after it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_catalogue_page_query_count_does_not_grow_with_products(
    client, catalogue, django_assert_max_num_queries
):
    url = reverse("catalogue:index")
    client.get(url)

    with django_assert_max_num_queries(CATALOGUE_MAX_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert Product.objects.filter(upc__startswith="LG").count() == catalogue


def test_filtered_catalogue_and_category_query_counts_do_not_grow(
    client, catalogue, django_assert_max_num_queries
):
    province = Product.objects.browsable().values_list("origin_province", flat=True).first()
    category = Category.objects.filter(depth=1).order_by("path").first()
    for url in (f"{reverse('catalogue:index')}?province={province}&certified=1", category.get_absolute_url()):
        client.get(url)
        with django_assert_max_num_queries(CATALOGUE_MAX_QUERIES):
            assert client.get(url).status_code == 200


def test_product_page_query_count_does_not_grow_with_products(
    client, catalogue, django_assert_max_num_queries
):
    product = Product.objects.browsable().order_by("id").last()
    client.get(product.get_absolute_url())

    with django_assert_max_num_queries(PRODUCT_MAX_QUERIES):
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200


def test_catalogue_query_count_is_identical_at_10_and_200_products():
    url = reverse("catalogue:index")
    call_command("generate_load_data", products=10, orders=5, organisations=0, seed=3, verbosity=0)
    small = count_queries(url)
    # The same generated product (same seed) in both catalogues: only the catalogue's size differs.
    product_small = count_queries(Product.objects.get(upc="LG00000001").get_absolute_url())

    call_command("generate_load_data", products=200, orders=5, organisations=0, seed=3, verbosity=0)
    large = count_queries(url)
    product_large = count_queries(Product.objects.get(upc="LG00000001").get_absolute_url())

    assert (large, product_large) == (small, product_small)
