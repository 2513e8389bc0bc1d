"""The storefront's pages render with the demo data, in Chinese and in English."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["zh-hans", "en"])
def language(request, client):
    client.cookies["django_language"] = request.param
    return request.param


def get(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_home_page_shows_hero_and_featured_certified_products(demo_shop, client, language):
    html = get(client, "/", language)

    assert "买脱贫地区产品" in html
    featured = Product.objects.certified().filter(upc__startswith="AM").order_by("upc").first()
    assert featured.title in html
    assert (
        ("消费帮扶" in html)
        if language == "zh-hans"
        else ("Consumption-aid" in html or "consumption aid" in html)
    )


def test_catalogue_lists_products_with_badges_and_prices_in_yuan(demo_shop, client, language):
    html = get(client, reverse("catalogue:index"), language)

    assert "¥" in html
    assert ("认定帮扶产品" in html) if language == "zh-hans" else ("Certified aid product" in html)
    assert "江西省" in html  # province facet


def test_province_filter_keeps_only_that_provinces_products(demo_shop, client, language):
    html = get(client, reverse("catalogue:index") + "?province=520000", language)

    assert "湄潭翠芽" in html
    assert "赣南脐橙" not in html


def test_county_filter_keeps_only_that_countys_products(demo_shop, client, language):
    html = get(client, reverse("catalogue:index") + "?province=360000&county=360734", language)

    county_titles = set(Product.objects.filter(origin_county="360734").values_list("title", flat=True))
    other = Product.objects.filter(origin_province="360000").exclude(origin_county="360734").first()
    assert any(title in html for title in county_titles)
    assert other.title not in html


def test_certified_only_filter_hides_uncertified_products(demo_shop, client, language):
    uncertified = Product.objects.uncertified().order_by("-date_created").first()
    html = get(client, reverse("catalogue:index") + "?certified=1&sort=title", language)

    assert Product.objects.certified().order_by("title").first().title in html
    assert uncertified.title not in html


def test_malformed_filters_are_ignored_not_errors(demo_shop, client, language):
    get(client, reverse("catalogue:index") + "?province=<script>&county=99&page=1&sort=nope", language)


def test_invalid_page_redirects_to_the_first_page_with_a_message(demo_shop, client, language):
    response = client.get(reverse("catalogue:index") + "?page=999", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302


def test_category_page_lists_its_products(demo_shop, client, language):
    tea = Category.objects.get(slug="tea")
    html = get(client, tea.get_absolute_url(), language)

    assert "湄潭翠芽" in html
    assert "赣南脐橙" not in html


def test_product_page_shows_certificate_origin_and_seller(demo_shop, client, language):
    product = Product.objects.certified().get(upc="AM00001")
    certificate = product.current_certificate()

    html = get(client, product.get_absolute_url(), language)

    assert certificate.number in html
    assert certificate.issuing_authority in html
    assert certificate.expiry_date.strftime("%Y-%m-%d") in html
    assert "江西省" in html and "安远县" in html
    assert "安远县橙乡脐橙专业合作社" in html


def test_uncertified_product_page_says_it_does_not_count(demo_shop, client, language):
    product = Product.objects.uncertified().order_by("upc").first()

    html = get(client, product.get_absolute_url(), language)

    assert ("不计入" in html) if language == "zh-hans" else ("do not count" in html)


def test_basket_page_shows_the_added_product(demo_shop, client, language):
    product = Product.objects.certified().get(upc="AM00001")
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})

    html = get(client, reverse("basket:summary"), language)

    assert product.title in html
    assert "¥79.80" in html


def test_language_can_be_switched_from_any_page(demo_shop, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/catalogue/"})

    assert response.status_code == 302
    html = client.get("/catalogue/").content.decode()
    assert "All products" in html
    assert 'action="/i18n/setlang/"' in html


def test_chinese_is_the_default_even_for_an_english_browser(demo_shop, client):
    html = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "全部商品" in html
    assert 'lang="zh-hans"' in html


def test_basket_of_an_organisation_buyer_shows_what_counts_toward_the_quota(demo_shop, client):
    from django.contrib.auth import get_user_model

    from devtools.demo import institutions as institutions_demo

    institutions_demo.load()
    buyer = get_user_model().objects.get(email="buyer@example.com")
    client.force_login(buyer)
    certified = Product.objects.certified().get(upc="AM00001")
    uncertified = Product.objects.uncertified().order_by("upc").first()
    client.post(reverse("basket:add", kwargs={"pk": certified.pk}), {"quantity": 1})
    client.post(reverse("basket:add", kwargs={"pk": uncertified.pk}), {"quantity": 1})

    html = client.get(reverse("basket:summary")).content.decode()

    from shop.institutions.models import Organisation

    organisation = Organisation.objects.buying_for(buyer).first()
    preview = html[html.index("quota-preview") :]
    assert organisation.name in preview
    assert certified.title in preview and uncertified.title in preview
    assert "¥39.90" in preview  # what this order adds: only the certified line
