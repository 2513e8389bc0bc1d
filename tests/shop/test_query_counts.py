"""Catalogue and product pages run a fixed number of queries whatever the catalogue's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CategoryFactory, PartnerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def make_catalogue(size, category):
    sellers = [PartnerFactory() for _ in range(3)]
    products = [
        ProductFactory(partner=sellers[i % 3], certified=i % 2 == 0, categories=[category])
        for i in range(size)
    ]
    from search import indexing

    indexing.index_products([p.id for p in products])
    return products


def count_queries(client, url):
    client.get(url)  # warm-up: thumbnails, Wagtail site lookup, content types
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("size", [10, 200])
def test_catalogue_page_query_count_does_not_grow_with_products(client, size, django_assert_max_num_queries):
    category = CategoryFactory(name="水果")
    make_catalogue(size, category)
    url = reverse("catalogue:index") + "?province=360000&certified=1"
    client.get(url)

    with django_assert_max_num_queries(30):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["products"]) == min(size // 2, 24)


@pytest.mark.parametrize("size", [10, 200])
def test_category_page_query_count_does_not_grow_with_products(client, size, django_assert_max_num_queries):
    category = CategoryFactory(name="茶叶")
    make_catalogue(size, category)
    url = category.get_absolute_url()
    client.get(url)

    with django_assert_max_num_queries(30):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_product_page_query_count_does_not_grow_with_products(client, size, django_assert_max_num_queries):
    category = CategoryFactory(name="蜂蜜")
    products = make_catalogue(size, category)
    url = products[0].get_absolute_url()
    client.get(url)

    with django_assert_max_num_queries(30):
        response = client.get(url)

    assert response.status_code == 200


def test_catalogue_query_count_is_the_same_at_10_and_200_products(client):
    category = CategoryFactory(name="大米")
    make_catalogue(10, category)
    url = reverse("catalogue:index")
    small = count_queries(client, url)

    make_catalogue(190, category)
    large = count_queries(client, url)

    assert large == small
