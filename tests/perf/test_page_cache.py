"""The anonymous page cache: hits cost no queries, and every catalogue change shows up at once."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.basket import add_product
from oscar.test.factories import create_order

from catalogue_ext import certification
from shop.core import dates
from tests import factories

Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 600


def get(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the shop ignores Accept-Language
    return client.get(url)


def visit(url):
    """A new anonymous visitor (no cookies) opens the page."""
    return get(Client(), url)


def assert_cached(url):
    visit(url)
    assert visit(url)["X-Page-Cache"] == "hit"


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(
    certified_product, django_assert_num_queries
):
    url = certified_product.get_absolute_url()
    first = visit(url)

    with django_assert_num_queries(0):
        second = visit(url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content.count(certified_product.title.encode()) >= 1


def test_cached_page_keeps_the_security_headers(certified_product):
    url = certified_product.get_absolute_url()
    first = visit(url)

    second = visit(url)

    assert second["X-Page-Cache"] == "hit"
    for header in ("X-Frame-Options", "Content-Security-Policy", "Content-Language"):
        if first.has_header(header):
            assert second[header] == first[header]


def test_price_change_shows_at_once_on_product_and_catalogue_pages(certified_product):
    product_url = certified_product.get_absolute_url()
    catalogue_url = reverse("catalogue:index")
    assert_cached(product_url)
    assert_cached(catalogue_url)
    assert b"39.90" in visit(product_url).content

    record = certified_product.stockrecords.get()
    record.price = Decimal("52.80")
    record.save()

    assert b"52.80" in visit(product_url).content
    assert b"52.80" in visit(catalogue_url).content


def test_title_change_shows_at_once_on_the_catalogue_page(certified_product):
    url = reverse("catalogue:index")
    assert_cached(url)

    certified_product.title = "寻乌蜜柚新品"
    certified_product.save()

    assert "寻乌蜜柚新品" in visit(url).content.decode()


def test_certificate_revocation_removes_the_badge_at_once(certified_product, staff_user):
    url = certified_product.get_absolute_url()
    assert_cached(url)
    assert b"certified-badge" in visit(url).content

    certification.revoke(certified_product.certificates.get(), reviewer=staff_user, reason="抽检不合格")

    assert b"certified-badge" not in visit(url).content


def test_certificate_approval_adds_the_badge_at_once(uncertified_product, staff_user):
    url = uncertified_product.get_absolute_url()
    assert_cached(url)
    assert b"certified-badge" not in visit(url).content

    certificate = factories.CertificateFactory(product=uncertified_product, status="pending")
    certification.approve(certificate, reviewer=staff_user)

    assert b"certified-badge" in visit(url).content


def test_selling_the_last_items_shows_out_of_stock_at_once(partner, consumer):
    product = factories.ProductFactory(partner=partner, num_in_stock=2)
    url = product.get_absolute_url()
    assert_cached(url)
    assert_cached(reverse("catalogue:index"))
    assert b"is-sold-out" not in visit(reverse("catalogue:index")).content  # the card's sold-out mark
    assert b"outofstock" not in visit(url).content

    basket = Basket.objects.create(owner=consumer)
    add_product(basket, product=product, quantity=2)
    create_order(basket=basket, user=consumer)

    assert b"outofstock" in visit(url).content
    assert b"is-sold-out" in visit(reverse("catalogue:index")).content


def test_signed_in_users_are_never_served_the_anonymous_page(client, certified_product, consumer):
    url = certified_product.get_absolute_url()
    get(client, url)
    client.force_login(consumer)

    response = get(client, url)

    assert response["X-Page-Cache"] == "shared-miss"  # the signed-in copy, with personal parts as markers
    assert b'id="logout_link"' in response.content and b'id="login_link"' not in response.content
    assert b"<!--personal:" not in response.content


def test_visitor_with_a_basket_is_not_served_the_anonymous_page(client, certified_product):
    url = certified_product.get_absolute_url()
    get(client, url)
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    client.get(reverse("basket:summary"))  # shows the "added" message once

    response = get(client, url)

    assert response["X-Page-Cache"] == "shared-miss"
    assert b'class="cart-badge"' in response.content  # their basket's count, not the empty anonymous page


def test_cached_page_carries_a_working_csrf_token_for_each_visitor(certified_product):
    url = certified_product.get_absolute_url()
    visit(url)  # somebody else fills the cache
    visitor = Client(enforce_csrf_checks=True)

    page = get(visitor, url)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = visitor.post(
        reverse("basket:add", kwargs={"pk": certified_product.pk}),
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert page["X-Page-Cache"] == "hit"
    assert response.status_code == 302  # not 403: the token matches this visitor's own cookie


def test_certificates_that_expire_overnight_are_not_served_from_yesterdays_page(partner, monkeypatch):
    product = factories.ProductFactory(partner=partner)
    factories.CertificateFactory(product=product, expiry_date=dates.today())
    url = product.get_absolute_url()
    assert_cached(url)
    assert b"certified-badge" in visit(url).content

    tomorrow = dates.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(dates, "today", lambda: tomorrow)

    assert b"certified-badge" not in visit(url).content


def test_page_cache_is_off_when_its_setting_is_zero(certified_product, settings):
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 0
    url = certified_product.get_absolute_url()
    visit(url)

    assert "X-Page-Cache" not in visit(url)


def test_signed_in_users_get_cached_product_cards_that_a_price_change_replaces(
    client, certified_product, consumer
):
    client.force_login(consumer)
    url = reverse("catalogue:index")
    assert b"39.90" in get(client, url).content
    record = certified_product.stockrecords.get()
    type(record).objects.filter(pk=record.pk).update(price=Decimal("41.00"))  # bypasses invalidation

    stale = get(client, url)  # the card comes from the fragment cache
    record.refresh_from_db()
    record.price = Decimal("52.80")
    record.save()  # an ordinary save invalidates
    fresh = get(client, url)

    assert b"39.90" in stale.content
    assert b"52.80" in fresh.content
