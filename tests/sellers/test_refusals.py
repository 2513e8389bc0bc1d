"""The refusal matrix: every seller URL, tried by a second seller's user, by a consumer and anonymously."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from shop.sellers import helpsell
from shop.sellers.models import HelpSellFlag
from tests.factories import CertificateFactory
from tests.sellers.conftest import days, png_bytes, png_upload

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
ProductCertificate = get_model("catalogue", "ProductCertificate")
StockRecord = get_model("partner", "StockRecord")
Line = get_model("order", "Line")


@pytest.fixture
def world(seller_user, seller2_user, partner, own_product, two_seller_order, staff_user):
    """Seller 1's data that seller 2 must not touch."""
    certificate = CertificateFactory(product=own_product, status=ProductCertificate.Status.PENDING)
    help_flag = helpsell.flag(own_product, by=seller_user, quantity=10, reason="other", until=days(10))
    return {
        "partner": partner,
        "product": own_product,
        "order": two_seller_order,
        "certificate": certificate,
        "flag": help_flag,
        "line": two_seller_order.lines.get(product=own_product),
    }


def state(world):
    """Everything a refused request could have changed."""
    product = Product.objects.get(pk=world["product"].pk)
    line = Line.objects.get(pk=world["line"].pk)
    return {
        "product": (product.title, product.is_public, product.origin_county_id),
        "stock": list(
            StockRecord.objects.filter(product=product).values_list("price", "num_in_stock", "partner_id")
        ),
        "images": ProductImage.objects.filter(product=product).count(),
        "line": (line.status, line.tracking_number),
        "certificates": list(
            ProductCertificate.objects.filter(product=product).values_list("status", "number")
        ),
        "flag": HelpSellFlag.objects.get(pk=world["flag"].pk).ended_at,
        "products": Product.objects.count(),
        "help_flags": HelpSellFlag.objects.count(),
    }


def object_requests(world):
    """(method, url, data) aimed at seller 1's objects."""
    product, partner = world["product"], world["partner"]
    edit = {
        "title": "被篡改",
        "structure": "standalone",
        "stockrecords-TOTAL_FORMS": "0",
        "stockrecords-INITIAL_FORMS": "0",
    }
    return [
        ("get", reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}), None),
        ("post", reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}), edit),
        (
            "post",
            reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}),
            {
                **edit,
                "images-TOTAL_FORMS": "1",
                "images-INITIAL_FORMS": "0",
                "images-0-original": SimpleUploadedFile("x.png", png_bytes(), content_type="image/png"),
            },
        ),
        ("get", reverse("dashboard:catalogue-product-delete", kwargs={"pk": product.pk}), None),
        ("post", reverse("dashboard:catalogue-product-delete", kwargs={"pk": product.pk}), {}),
        ("get", reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "csv"}), None),
        ("get", reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "xlsx"}), None),
        (
            "post",
            reverse("sellers:import"),
            {
                "partner": partner.pk,
                "file": SimpleUploadedFile("c.csv", b"sku,title\n", content_type="text/csv"),
            },
        ),
        (
            "post",
            reverse("sellers:certificate-submit"),
            {
                "product": product.pk,
                "number": "X-1",
                "issuing_authority": "x",
                "issue_date": days(-1).isoformat(),
                "expiry_date": days(100).isoformat(),
                "scan": png_upload("c.png"),
            },
        ),
        (
            "post",
            reverse("sellers:ship", kwargs={"number": world["order"].number}),
            {"lines": [world["line"].pk], "courier": "sf", "tracking_number": "SF1002003004005"},
        ),
        (
            "post",
            reverse("sellers:help-sell-flag-create"),
            {"product": product.pk, "quantity": 1, "reason": "other", "until": days(3).isoformat()},
        ),
        ("post", reverse("sellers:help-sell-flag-end", args=[world["flag"].pk]), {}),
        (
            "post",
            reverse("sellers:staff-certificate", args=[world["certificate"].pk]),
            {"decision": "approve"},
        ),
        ("get", reverse("sellers:staff-applications"), None),
        ("get", reverse("sellers:county-applications"), None),
    ]


def seller_pages():
    return [
        reverse(name)
        for name in (
            "sellers:seller-home",
            "sellers:stock",
            "sellers:import",
            "sellers:certificates",
            "sellers:certificate-submit",
            "sellers:order-lines",
            "sellers:help-sell-flags",
            "sellers:help-sell-flag-create",
            "sellers:sales-report",
        )
    ] + [reverse("dashboard:catalogue-product-list"), reverse("dashboard:index")]


def send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data or {})


def test_second_sellers_user_is_refused_everywhere_and_nothing_changes(client, world, seller2_user):
    before = state(world)
    client.force_login(seller2_user)

    answers = {
        (method, url): send(client, method, url, data).status_code
        for method, url, data in object_requests(world)
    }

    assert {key: code for key, code in answers.items() if code not in (403, 404)} == {}
    assert state(world) == before


def test_second_sellers_lists_and_exports_show_none_of_the_first_sellers_data(
    client, world, seller2_user, partner2
):
    client.force_login(seller2_user)

    pages = [client.get(url).content.decode() for url in seller_pages()]
    orders = client.get(reverse("sellers:order-lines")).content.decode()
    export = client.get(reverse("sellers:export", kwargs={"partner_pk": partner2.pk, "file_format": "csv"}))
    sales = client.get(reverse("sellers:sales-report"), {"format": "csv"})

    assert all(world["product"].title not in page for page in pages)
    assert world["product"].title not in orders and "于都红薯" in orders
    assert world["product"].title.encode() not in export.content
    assert world["product"].title.encode() not in sales.content


@pytest.mark.parametrize("who", ["anonymous", "consumer"])
def test_anonymous_users_and_consumers_reach_no_seller_page(client, world, consumer, who):
    before = state(world)
    if who == "consumer":
        client.force_login(consumer)

    codes = [client.get(url).status_code for url in seller_pages()]
    codes += [send(client, method, url, data).status_code for method, url, data in object_requests(world)]

    if who == "anonymous":
        assert all(code in (302, 403, 404) for code in codes), codes
        assert all(
            "login" in client.get(url)["Location"]
            for url in seller_pages()
            if client.get(url).status_code == 302
        )
    else:
        assert all(code in (302, 403, 404) for code in codes), codes
        assert client.get(reverse("sellers:stock")).status_code == 403
    assert state(world) == before


def test_apply_needs_an_account(client):
    response = client.get(reverse("sellers:apply"))

    assert response.status_code == 302 and "login" in response["Location"]


def test_second_seller_cannot_create_a_product_under_the_first_sellers_name(
    client, world, seller2_user, county
):
    from tests.factories import ProductClassFactory
    from tests.sellers.test_onboarding import product_form_data

    product_class = ProductClassFactory()
    before = state(world)
    client.force_login(seller2_user)

    response = client.post(
        reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": product_class.slug}),
        product_form_data(world["partner"], county, title="冒名商品"),
    )

    assert response.status_code == 200  # Oscar offers only the user's own partners: a form error
    assert response.context["stockrecord_formset"].errors[0]["partner"]
    assert not Product.objects.filter(title="冒名商品").exists()
    assert state(world) == before
