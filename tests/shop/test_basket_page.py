"""The basket page: site offers as they stand now (they come from the cache), and a fixed number of
queries whatever the number of lines."""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from tests.factories import ProductFactory, variant_family

ConditionalOffer = get_model("offer", "ConditionalOffer")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")

pytestmark = pytest.mark.django_db


def site_offer(product, *, percent, start=None, end=None, offer_type=ConditionalOffer.SITE):
    offer_range = Range.objects.create(name=f"{percent}% off")
    offer_range.add_product(product)
    return ConditionalOffer.objects.create(
        name=f"{percent}% off {product.pk}",
        offer_type=offer_type,
        condition=Condition.objects.create(range=offer_range, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(range=offer_range, type=Benefit.PERCENTAGE, value=Decimal(percent)),
        start_datetime=start,
        end_datetime=end,
    )


@pytest.fixture
def product(partner):
    return ProductFactory(partner=partner, price=Decimal("50.00"))


@pytest.fixture
def shopper(consumer, product):
    client = Client()
    client.force_login(consumer)
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    assert response.status_code == 302
    return client


def basket_discount(client) -> Decimal:
    response = client.get(reverse("basket:summary"))
    assert response.status_code == 200
    return response.wsgi_request.basket.total_discount


def test_site_offer_created_after_a_basket_page_applies_on_the_next(shopper, product):
    assert basket_discount(shopper) == Decimal("0.00")  # the empty list of site offers is now cached

    site_offer(product, percent=10)

    assert basket_discount(shopper) == Decimal("10.00")


def test_suspended_site_offer_stops_applying_at_once(shopper, product):
    offer = site_offer(product, percent=10)
    assert basket_discount(shopper) == Decimal("10.00")

    offer.suspend()

    assert basket_discount(shopper) == Decimal("0.00")


def test_site_offer_applies_from_its_start_without_being_saved_again(shopper, product):
    site_offer(product, percent=20, start=timezone.now() + datetime.timedelta(seconds=1))
    assert basket_discount(shopper) == Decimal("0.00")

    time.sleep(1.1)

    assert basket_discount(shopper) == Decimal("20.00")


def test_site_offer_stops_applying_at_its_end_without_being_saved_again(shopper, product):
    site_offer(product, percent=20, end=timezone.now() + datetime.timedelta(seconds=1))
    assert basket_discount(shopper) == Decimal("20.00")

    time.sleep(1.1)

    assert basket_discount(shopper) == Decimal("0.00")


def test_voucher_added_on_the_basket_page_applies_and_removed_stops(shopper, product):
    voucher = Voucher.objects.create(
        name="立减一成",
        code="SAVE10",
        usage=Voucher.MULTI_USE,
        start_datetime=timezone.now() - datetime.timedelta(days=1),
        end_datetime=timezone.now() + datetime.timedelta(days=1),
    )
    voucher.offers.add(site_offer(product, percent=10, offer_type=ConditionalOffer.VOUCHER))
    assert basket_discount(shopper) == Decimal("0.00")  # loaded knowing it holds no voucher

    shopper.post(reverse("basket:vouchers-add"), {"code": "SAVE10"})

    assert basket_discount(shopper) == Decimal("10.00")
    shopper.post(reverse("basket:vouchers-remove", kwargs={"pk": voucher.pk}))
    assert basket_discount(shopper) == Decimal("0.00")


def basket_page_queries(client) -> int:
    client.get(reverse("basket:summary"))  # the first visit fills the shared caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("basket:summary"))
    assert response.status_code == 200
    return len(queries)


def test_basket_page_queries_do_not_grow_with_the_number_of_lines(shopper, partner):
    one_line = basket_page_queries(shopper)
    for _ in range(4):
        other = ProductFactory(partner=partner)
        assert (
            shopper.post(reverse("basket:add", kwargs={"pk": other.pk}), {"quantity": 1}).status_code == 302
        )

    five_lines = basket_page_queries(shopper)

    assert five_lines == one_line <= 15


def test_basket_page_queries_do_not_grow_with_the_number_of_variant_lines(consumer, partner):
    client = Client()
    client.force_login(consumer)
    _parent, variant = variant_family(partner)
    assert client.post(reverse("basket:add", kwargs={"pk": variant.pk}), {"quantity": 1}).status_code == 302
    one_variant = basket_page_queries(client)
    for _ in range(3):
        _parent, variant = variant_family(partner)
        assert (
            client.post(reverse("basket:add", kwargs={"pk": variant.pk}), {"quantity": 1}).status_code == 302
        )

    four_variants = basket_page_queries(client)

    assert four_variants == one_variant <= 15


def test_a_basket_without_options_or_saved_lines_reads_neither(shopper):
    """Most baskets hold no product options and no line saved for later: their page asks for neither."""
    shopper.get(reverse("basket:summary"))  # the saved-basket answer is cached on the first page
    with CaptureQueriesContext(connection) as queries:
        page = shopper.get(reverse("basket:summary"))

    assert page.status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert (
        "basket_lineattribute" not in sql.split("EXISTS")[0] and '"basket_lineattribute"."value"' not in sql
    )
    assert "'Saved'" not in sql


def test_a_line_saved_for_later_shows_on_the_next_basket_page(shopper, product):
    summary = reverse("basket:summary")
    page = shopper.get(summary)
    assert "saved_formset" not in page.context
    form = page.context["formset"]
    data = {f"form-{key}": value for key, value in form.management_form.initial.items()}
    data.update({"form-0-id": form.forms[0].instance.pk, "form-0-quantity": 2, "form-0-save_for_later": "on"})

    assert shopper.post(summary, data).status_code == 302
    page = shopper.get(summary)

    assert 'id="saved_basket_formset"' in page.content.decode()
    assert page.context["saved_formset"].forms[0].instance.product == product
    assert page.wsgi_request.basket.num_items == 0


def test_a_lines_chosen_options_show_beside_a_line_without(consumer, partner):
    Option = get_model("catalogue", "Option")
    engraving = Option.objects.create(name="刻字", code="engraving", type=Option.TEXT, required=False)
    with_option = ProductFactory(partner=partner, title="定制茶饼")
    with_option.product_options.add(engraving)
    plain = ProductFactory(partner=partner, title="普通大米")
    client = Client()
    client.force_login(consumer)
    add = reverse("basket:add", kwargs={"pk": with_option.pk})
    assert client.post(add, {"quantity": 1, "engraving": "福"}).status_code == 302
    assert client.post(reverse("basket:add", kwargs={"pk": plain.pk}), {"quantity": 1}).status_code == 302

    page = client.get(reverse("basket:summary"))

    lines = {line.product.title: line for line in page.wsgi_request.basket.all_lines()}
    assert [attribute.value for attribute in lines["定制茶饼"].attributes.all()] == ["福"]
    assert list(lines["普通大米"].attributes.all()) == []
    assert "刻字 = &#x27;福&#x27;" in page.content.decode() or "刻字 = '福'" in page.content.decode()
