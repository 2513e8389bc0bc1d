"""User-supplied text with script tags is shown escaped wherever it appears."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.institutions.models import OrganisationOrder
from shop.order import statuses
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, place_order
from tests.load.shoppers import ADDRESS

MARK = "xss-probe-7431"
PAYLOAD = f'<script>alert("{MARK}")</script><img src=x onerror=alert(1)>'

ProductReview = get_model("reviews", "ProductReview")
Order = get_model("order", "Order")


def assert_shown_escaped(response, where=""):
    html = response.content.decode()
    assert response.status_code == 200, where
    assert MARK in html, f"{where}: the text is not shown at all, so escaping is not proven"
    assert "<script>alert" not in html, f"{where}: a script tag came through unescaped"
    assert "<img src=x onerror" not in html, f"{where}: an event handler came through unescaped"


@pytest.mark.django_db
def test_review_with_script_tags_is_escaped_on_the_product_and_review_pages(
    client, consumer, certified_product
):
    client.force_login(consumer)
    add_url = reverse(
        "catalogue:reviews-add",
        kwargs={"product_slug": certified_product.slug, "product_pk": certified_product.pk},
    )

    response = client.post(add_url, {"title": PAYLOAD[:100], "score": 4, "body": PAYLOAD})

    assert response.status_code == 302
    review = ProductReview.objects.get(product=certified_product)
    ProductReview.objects.filter(pk=review.pk).update(status=ProductReview.APPROVED)
    assert_shown_escaped(client.get(certified_product.get_absolute_url()), "product page")
    list_url = reverse(
        "catalogue:reviews-list",
        kwargs={"product_slug": certified_product.slug, "product_pk": certified_product.pk},
    )
    assert_shown_escaped(client.get(list_url), "review list")
    detail_url = reverse(
        "catalogue:reviews-detail",
        kwargs={"product_slug": certified_product.slug, "product_pk": certified_product.pk, "pk": review.pk},
    )
    assert_shown_escaped(client.get(detail_url), "review page")


@pytest.mark.django_db
def test_review_with_script_tags_is_escaped_in_the_dashboard(admin_client, consumer, certified_product):
    ProductReview.objects.create(
        product=certified_product, user=consumer, title=PAYLOAD, score=3, body=PAYLOAD
    )

    assert_shown_escaped(admin_client.get(reverse("dashboard:reviews-list")), "dashboard reviews")


@pytest.mark.django_db
def test_address_with_script_tags_is_escaped_in_the_address_book_and_orders(
    client, admin_client, consumer, china, certified_product
):
    client.force_login(consumer)
    hostile = {**ADDRESS, "line1": PAYLOAD[:255], "first_name": f"{MARK}<b>"}

    response = client.post(reverse("customer:address-create"), hostile)

    assert response.status_code == 302
    assert_shown_escaped(client.get(reverse("customer:address-list")), "address book")
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})
    client.post(reverse("checkout:shipping-address"), hostile, follow=True)
    client.post(reverse("checkout:payment-method"), {"method": "bank_transfer"})
    assert_shown_escaped(client.get(reverse("checkout:preview")), "checkout preview")
    client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    order = Order.objects.get(user=consumer)
    assert_shown_escaped(
        client.get(reverse("customer:order", kwargs={"order_number": order.number})), "order page"
    )
    assert_shown_escaped(
        admin_client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})),
        "dashboard order",
    )


@pytest.mark.django_db
def test_invoice_title_with_script_tags_is_escaped_for_the_organisation_and_staff(
    client, admin_client, certified_product
):
    organisation = OrganisationFactory(name="赣州市某局")
    buyer = factories.UserFactory(username="xss-buyer")
    MembershipFactory(organisation=organisation, user=buyer, is_buyer=True, is_administrator=True)
    order = place_order(
        buyer, [(certified_product, 1)], organisation=organisation, status=statuses.PENDING_PAYMENT
    )
    OrganisationOrder.objects.filter(order=order).update(fapiao_title=PAYLOAD[:100])
    client.force_login(buyer)

    assert_shown_escaped(
        client.get(reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number})),
        "organisation order page",
    )


@pytest.mark.django_db
def test_seller_description_with_script_tags_is_escaped_on_product_pages(client, partner, certified_product):
    partner.description = PAYLOAD
    partner.linkage_description = PAYLOAD
    partner.save()

    assert_shown_escaped(client.get(certified_product.get_absolute_url()), "product page")
