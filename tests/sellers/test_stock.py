import pytest
from django.urls import reverse

from shop.sellers import listings

pytestmark = pytest.mark.django_db


def set_stock(product, *, in_stock, allocated=0, threshold=None):
    record = product.stockrecords.get()
    record.num_in_stock, record.num_allocated, record.low_stock_threshold = in_stock, allocated, threshold
    record.save()


def test_low_stock_is_flagged_from_what_is_left_after_allocations(seller_user, own_product, partner):
    from tests.factories import ProductFactory

    plenty = ProductFactory(partner=partner, title="充足的脐橙")
    set_stock(own_product, in_stock=30, allocated=25, threshold=10)
    set_stock(plenty, in_stock=30, allocated=0, threshold=10)

    flags = {
        record.product_id: (record.available_quantity, record.is_low)
        for record in listings.stock_of(seller_user)
    }

    assert flags == {own_product.pk: (5, True), plenty.pk: (30, False)}


def test_seller_overview_and_stock_page_show_the_low_stock_alert(
    client, seller_user, own_product, other_product
):
    set_stock(own_product, in_stock=3, threshold=5)
    set_stock(other_product, in_stock=1, threshold=5)  # another seller's: never shown
    client.force_login(seller_user)

    overview = client.get(reverse("sellers:seller-home")).content.decode()
    stock = client.get(reverse("sellers:stock")).content.decode()

    assert "alert-warning" in overview and own_product.title in overview
    assert 'class="table-warning low-stock"' in stock
    assert other_product.title not in overview + stock


def test_applicant_sees_the_state_of_their_applications(client, consumer, county):
    from tests.sellers.test_onboarding import apply

    apply(client, consumer, county)
    page = client.get(reverse("sellers:my-applications")).content.decode()

    assert "安远县果农专业合作社" in page


def test_a_user_working_for_two_sellers_manages_both(
    client, seller_user, partner2, own_product, other_product
):
    from shop.sellers import onboarding

    onboarding.link_user(partner2, seller_user)
    client.force_login(seller_user)

    stock = client.get(reverse("sellers:stock")).content.decode()
    export = client.get(reverse("sellers:export", kwargs={"partner_pk": partner2.pk, "file_format": "csv"}))

    assert own_product.title in stock and other_product.title in stock
    assert other_product.title.encode() in export.content


def test_each_stock_cell_is_labelled_with_its_column_for_the_phone_cards(client, seller_user, own_product):
    from django.utils.translation import gettext, override

    client.force_login(seller_user)

    stock = client.get(reverse("sellers:stock"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    with override("zh-hans"):
        labels = [gettext(column) for column in ("SKU", "Product", "Price", "Available")]
    assert "ws-table-cards" in stock
    assert "<thead>" in stock and "<tbody>" in stock
    for label in labels:
        assert f'data-label="{label}"' in stock
    assert 'data-label="Available"' not in stock  # the labels are translated, not the English
