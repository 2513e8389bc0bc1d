import csv
import datetime
import io

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import statuses
from shop.sellers import reports
from tests.factories import CertificateFactory
from tests.sellers.conftest import place_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def backdate(order, year, month):
    Order.objects.filter(pk=order.pk).update(
        date_placed=datetime.datetime(year, month, 15, 12, tzinfo=datetime.UTC)
    )


@pytest.fixture
def sales(consumer, own_product, other_product):
    january = place_order(consumer, [own_product, other_product], quantity=2)
    backdate(january, 2026, 1)
    february = place_order(consumer, [own_product], quantity=3)
    backdate(february, 2026, 2)
    cancelled = place_order(consumer, [own_product], quantity=7, status=statuses.CANCELLED)
    backdate(cancelled, 2026, 2)
    return january, february


def test_seller_sales_are_summed_by_product_and_month_without_other_sellers(partner, own_product, sales):
    rows = list(reports.monthly_sales([partner]))

    assert [(row["month"].month, row["product_id"], row["quantity"]) for row in rows] == [
        (2, own_product.pk, 3),
        (1, own_product.pk, 2),
    ]


def test_sales_report_page_draws_a_chart_and_exports_csv(client, seller_user, sales, own_product):
    client.force_login(seller_user)

    page = client.get(reverse("sellers:sales-report"))
    exported = client.get(reverse("sellers:sales-report"), {"format": "csv"})

    assert page.status_code == 200
    assert page.content.decode().count("<rect") == 2
    assert "于都红薯" not in page.content.decode()
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["月份", "商品ID", "商品", "数量"]
    assert [(row[0], row[3]) for row in rows[1:]] == [("2026-02", "3"), ("2026-01", "2")]


def test_county_officer_sees_the_countys_sellers_certificates_and_sales_read_only(
    client, officer, partner, partner2, own_product, other_product, sales
):
    CertificateFactory(product=own_product, number="AY-CERT-1")
    CertificateFactory(product=other_product, number="YD-CERT-2")
    client.force_login(officer)

    sellers_page = client.get(reverse("sellers:county-sellers")).content.decode()
    certificates_page = client.get(reverse("sellers:county-certificates")).content.decode()
    sales_page = client.get(reverse("sellers:county-sales")).content.decode()

    assert partner.name in sellers_page and partner2.name not in sellers_page
    assert "AY-CERT-1" in certificates_page and "YD-CERT-2" not in certificates_page
    assert own_product.title in sales_page and other_product.title not in sales_page
    # Read-only: the county pages take no writes, and seller pages stay closed to the officer.
    assert client.post(reverse("sellers:county-certificates")).status_code == 405
    assert client.get(reverse("sellers:stock")).status_code == 403
