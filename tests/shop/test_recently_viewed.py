"""Signed-in customers see the products they viewed lately on the product page and the home page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cms.conftest import home as home  # noqa: F401 - the CMS home page fixture
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def strip(page: str) -> str:
    start = page.find('class="recently-viewed"')
    return page[start : page.index("</section>", start)] if start >= 0 else ""


def test_the_product_page_lists_the_other_products_viewed_newest_first(client, consumer, partner):
    honey, rice, tea = (ProductFactory(partner=partner, title=title) for title in ("蜂蜜", "大米", "红茶"))
    client.force_login(consumer)
    client.get(honey.get_absolute_url())
    client.get(rice.get_absolute_url())

    page = client.get(tea.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    shown = strip(page)
    assert "最近浏览" in shown
    assert shown.index("大米") < shown.index("蜂蜜")
    assert "红茶" not in shown  # the product on screen
    assert f'href="{honey.get_absolute_url()}"' in shown


def test_the_home_page_shows_the_strip_to_signed_in_customers_only(client, consumer, partner, home):  # noqa: F811
    honey = ProductFactory(partner=partner, title="蜂蜜")
    client.get(honey.get_absolute_url())

    anonymous = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.force_login(consumer)
    signed_in = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert strip(anonymous) == ""
    assert "蜂蜜" in strip(signed_in)


def test_products_no_longer_on_sale_and_garbage_in_the_cookie_are_left_out(client, consumer, partner):
    honey, hidden, tea = (
        ProductFactory(partner=partner, title=title) for title in ("蜂蜜", "下架商品", "红茶")
    )
    hidden.is_public = False
    hidden.save()
    client.force_login(consumer)
    client.cookies["oscar_history"] = json.dumps([honey.pk, hidden.pk, "x", 999999])

    shown = strip(client.get(tea.get_absolute_url()).content.decode())

    assert "蜂蜜" in shown and "下架商品" not in shown


def test_the_strip_costs_one_query_however_many_products_were_viewed(client, consumer, partner):
    viewed = [ProductFactory(partner=partner, title=f"特产{i}") for i in range(8)]
    product = ProductFactory(partner=partner, title="红茶")
    client.force_login(consumer)

    def queries(history):
        client.cookies["oscar_history"] = json.dumps(history)
        client.get(product.get_absolute_url())  # warm-up
        client.cookies["oscar_history"] = json.dumps(history)
        with CaptureQueriesContext(connection) as context:
            response = client.get(product.get_absolute_url())
        assert response.status_code == 200
        return len(context.captured_queries)

    without = queries([])
    with_one = queries([viewed[0].pk])
    with_eight = queries([p.pk for p in viewed])

    assert with_one == without + 1
    assert with_eight == with_one
