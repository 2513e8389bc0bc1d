"""Staff read order and line statuses by their labels, never by their keys (pending_payment)."""

import pytest
from django.urls import reverse

from shop.order import statuses
from tests.institutions.factories import place_order

pytestmark = pytest.mark.django_db


def test_the_dashboard_order_pages_show_status_labels_not_keys(admin_client, consumer, certified_product):
    order = place_order(consumer, [(certified_product, 1)], status=statuses.PENDING_PAYMENT)

    listing = admin_client.get(reverse("dashboard:order-list")).content.decode()
    detail = admin_client.get(
        reverse("dashboard:order-detail", kwargs={"number": order.number})
    ).content.decode()

    for page in (listing, detail):
        assert "<td>待付款</td>" in page
        assert '<option value="paid">已付款</option>' in page
        assert ">pending_payment<" not in page and "<td>pending_payment</td>" not in page
    assert "<td>待发货</td>" in detail  # the line's status
