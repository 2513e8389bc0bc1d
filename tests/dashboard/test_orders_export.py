"""Oscar's dashboard order CSV goes through the shop's export writer: typed, neutralised, staff only."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.institutions.models import OrganisationOrder
from tests import factories
from tests.institutions.factories import OrganisationFactory, place_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(1,2)", "\t=1"]


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def order_staff(staff_user):
    staff_user.is_superuser = True  # Oscar's order pages want model permissions; a superuser has them all
    staff_user.save()
    return staff_user


@pytest.fixture
def order(china, consumer, partner):
    product = factories.ProductFactory(partner=partner, price=Decimal("39.90"))
    return place_order(consumer, [(product, 2)])


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_delivery_organisation_and_fapiao_names_are_neutralised(
    client, order_staff, china, consumer, partner, name
):
    organisation = OrganisationFactory(name=name)
    product = factories.ProductFactory(partner=partner, price=Decimal("39.90"))
    order = place_order(consumer, [(product, 2)], organisation=organisation)
    OrganisationOrder.objects.filter(order=order).update(fapiao_title=name)
    address = ShippingAddress.objects.create(first_name=name, line1="长征路1号", country=china)
    Order.objects.filter(pk=order.pk).update(shipping_address=address)
    client.force_login(order_staff)

    response = client.get(reverse("dashboard:order-list"), {"response_format": "csv"})

    assert response.status_code == 200
    row = rows_of(response)[1]
    assert row[7] == row[9] == row[10] == "'" + name  # deliver to, organisation, fapiao title
    assert name not in row


def test_order_csv_has_translated_headers_and_typed_values(client, order_staff, order):
    client.force_login(order_staff)

    response = client.get(reverse("dashboard:order-list"), {"response_format": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="orders.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = rows_of(response)
    assert header[0] == "订单号" and len(header) == 11
    assert row[0] == order.number
    assert row[1] == "79.80"  # money with two decimals
    assert len(row[2]) == len("2026-01-01 12:00")  # a date and time on the shop's calendar
    assert row[3] == "2"


def test_selected_orders_download_goes_through_the_writer_too(client, order_staff, order):
    client.force_login(order_staff)

    response = client.post(
        reverse("dashboard:order-list"),
        {"action": "download_selected_orders", "selected_order": [order.pk]},
    )

    assert response.status_code == 200
    assert rows_of(response)[1][0] == order.number


def test_order_csv_is_refused_to_sellers_and_customers(client, consumer, order):
    client.force_login(consumer)

    response = client.get(reverse("dashboard:order-list"), {"response_format": "csv"})

    assert response.status_code in (302, 403)
    assert order.number.encode() not in response.content
