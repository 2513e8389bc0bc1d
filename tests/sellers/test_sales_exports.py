"""Seller and county sales: refunds subtracted line by line (page, CSV, XLSX); exports safe and typed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from oscar.core.loading import get_model

from shop.institutions import refunds
from shop.payment.models import OnlinePayment, Refund, RefundLine
from shop.sellers import reports
from tests import factories
from tests.sellers.conftest import place_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

HOSTILE_TITLES = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


def stripe_refund(order, line, amount):
    """A refund Stripe has confirmed for `amount` of `line` (the online-payment refund records)."""
    payment = OnlinePayment.objects.create(
        order=order,
        intent_id=f"pi_{order.number}",
        amount=order.total_incl_tax,
        currency="CNY",
        status=OnlinePayment.Status.SUCCEEDED,
    )
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        currency="CNY",
        status=Refund.Status.SUCCEEDED,
        confirmed_at=timezone.now(),
    )
    RefundLine.objects.create(refund=refund, line=line, quantity=line.quantity, amount=amount)


@pytest.fixture
def refunded_sales(consumer, own_product, other_product):
    """Own product at 39.90: 2 kept (79.80), 3 with 10.00 refunded (109.70), 1 fully refunded (0)."""
    kept = place_order(consumer, [own_product], quantity=2)
    partial = place_order(consumer, [own_product, other_product], quantity=3)
    full = place_order(consumer, [own_product], quantity=1)
    refunds.record(partial.lines.get(product=own_product), amount=Decimal("10.00"))
    stripe_refund(full, full.lines.get(), Decimal("39.90"))
    return kept, partial, full


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_refunds_are_subtracted_line_by_line_from_the_sellers_sales(partner, own_product, refunded_sales):
    rows = list(reports.monthly_sales([partner]))
    totals = list(reports.monthly_totals([partner]))

    assert [(row["product_id"], row["quantity"]) for row in rows] == [(own_product.pk, 6)]
    assert rows[0]["refunded"] == Decimal("49.90")  # 10.00 of a line, 39.90 of a whole order
    assert rows[0]["revenue"] == Decimal("189.50")  # 6 × 39.90 − 49.90
    assert totals[0]["revenue"] == Decimal("189.50")


def test_a_fully_refunded_order_adds_no_revenue(partner, consumer, own_product):
    order = place_order(consumer, [own_product], quantity=2)
    stripe_refund(order, order.lines.get(), Decimal("79.80"))

    rows = list(reports.monthly_sales([partner]))

    assert rows[0]["revenue"] == Decimal("0.00") and rows[0]["refunded"] == Decimal("79.80")


def test_refunds_of_another_sellers_line_do_not_touch_this_seller(partner2, other_product, refunded_sales):
    rows = list(reports.monthly_sales([partner2]))

    assert rows[0]["revenue"] == Decimal("119.70") and rows[0]["refunded"] == Decimal("0.00")


@pytest.mark.parametrize(
    "user_fixture, url_name", [("seller_user", "sellers:sales-report"), ("officer", "sellers:county-sales")]
)
def test_page_csv_and_xlsx_show_sales_after_refunds(client, request, refunded_sales, user_fixture, url_name):
    client.force_login(request.getfixturevalue(user_fixture))
    url = reverse(url_name)

    page = client.get(url)
    text = client.get(url, {"format": "csv"})
    workbook = client.get(url, {"format": "xlsx"})

    assert page.status_code == text.status_code == workbook.status_code == 200
    content = page.content.decode()
    assert 'data-revenue="189.50"' in content and 'data-refunded="49.90"' in content
    rows = csv_rows(text)
    assert rows[0] == ["月份", "商品ID", "商品", "数量", "退款（元）", "退款后销售额（元）", "订单"]
    assert rows[1][3:] == ["6", "49.90", "189.50", "3"]
    cells = xlsx_rows(workbook)
    assert cells[0] == tuple(rows[0])
    assert cells[1][3:] == (6, 49.9, 189.5, 3)
    assert isinstance(cells[1][0], datetime.datetime)  # the month is a date, not text


def test_xlsx_sales_cells_are_typed_with_formats(client, seller_user, refunded_sales):
    client.force_login(seller_user)

    response = client.get(reverse("sellers:sales-report"), {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [cell.data_type for cell in row] == ["d", "n", "s", "n", "n", "n", "n"]
    assert [cell.number_format for cell in row] == [
        "yyyy-mm",
        "#,##0",
        "General",
        "#,##0",
        "#,##0.00",
        "#,##0.00",
        "#,##0",
    ]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pytest.mark.parametrize(
    "user_fixture, url_name", [("seller_user", "sellers:sales-report"), ("officer", "sellers:county-sales")]
)
def test_hostile_titles_are_neutralised_in_both_formats(
    client, request, partner, consumer, title, user_fixture, url_name
):
    product = factories.ProductFactory(partner=partner, title=title, num_in_stock=5)
    place_order(consumer, [product])
    client.force_login(request.getfixturevalue(user_fixture))

    text = client.get(reverse(url_name), {"format": "csv"})
    workbook = client.get(reverse(url_name), {"format": "xlsx"})

    assert csv_rows(text)[1][2] == "'" + title
    cell = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(min_row=2))[0][2]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value.replace("\n", "\r") == title


@pytest.mark.parametrize("fmt", ["pdf", "html", "CSV", "csv/../x", "", "xlsx.html"])
@pytest.mark.parametrize(
    "user_fixture, url_name", [("seller_user", "sellers:sales-report"), ("officer", "sellers:county-sales")]
)
def test_an_unknown_export_format_is_not_found(client, request, refunded_sales, fmt, user_fixture, url_name):
    client.force_login(request.getfixturevalue(user_fixture))

    response = client.get(reverse(url_name), {"format": fmt})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "user_fixture, url_name, stem",
    [("seller_user", "sellers:sales-report", "sales"), ("officer", "sellers:county-sales", "county-sales")],
)
def test_export_file_names_are_the_shops(client, request, refunded_sales, user_fixture, url_name, stem):
    client.force_login(request.getfixturevalue(user_fixture))

    for fmt in ("csv", "xlsx"):
        response = client.get(reverse(url_name), {"format": fmt, "filename": "evil.html"})
        assert response["Content-Disposition"] == f'attachment; filename="{stem}.{fmt}"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_county_export_holds_only_the_countys_sellers(client, officer, refunded_sales, other_product):
    client.force_login(officer)

    text = client.get(reverse("sellers:county-sales"), {"format": "csv"}).content.decode("utf-8-sig")

    assert other_product.title not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_who_are_not_sellers_or_officers_get_no_sales_export(client, consumer, refunded_sales, fmt):
    anonymous = client.get(reverse("sellers:sales-report"), {"format": fmt})
    client.force_login(consumer)
    seller_export = client.get(reverse("sellers:sales-report"), {"format": fmt})
    county_export = client.get(reverse("sellers:county-sales"), {"format": fmt})

    assert anonymous.status_code in (302, 403)
    assert seller_export.status_code == county_export.status_code == 403


@pytest.mark.parametrize("suffix", ["html", "pdf", "CSV", "csv.html", "svg", "xlsx.exe"])
def test_catalogue_export_url_only_matches_csv_and_xlsx(client, seller_user, partner, suffix):
    client.force_login(seller_user)

    response = client.get(f"/sellers/seller/export/{partner.pk}.{suffix}")

    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_catalogue_export_file_name_is_the_shops(client, seller_user, partner, fmt):
    client.force_login(seller_user)

    response = client.get(reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": fmt}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="catalogue-{partner.pk}.{fmt}"'


def test_a_refund_lowers_the_sellers_the_countys_and_the_quota_figures_by_the_same_amount(partner, consumer):
    from shop.core import dates
    from shop.institutions import quotas
    from tests.institutions.factories import MembershipFactory, OrganisationFactory
    from tests.institutions.factories import place_order as place_organisation_order

    organisation = OrganisationFactory(name="赣州市财政局")
    MembershipFactory(organisation=organisation, user=consumer, is_buyer=True)
    product = factories.ProductFactory(partner=partner, certified=True, price=Decimal("25.00"))
    order = place_organisation_order(consumer, [(product, 4)], organisation=organisation)
    year = dates.today().year
    county_partners = get_model("partner", "Partner").objects.filter(county=partner.county)
    before = (
        reports.monthly_sales([partner])[0]["revenue"],
        reports.monthly_sales(county_partners)[0]["revenue"],
        quotas.counted_value(organisation, year=year),
    )

    refunds.record(order.lines.get(), amount=Decimal("12.34"))

    after = (
        reports.monthly_sales([partner])[0]["revenue"],
        reports.monthly_sales(county_partners)[0]["revenue"],
        quotas.counted_value(organisation, year=year),
    )
    assert before == (Decimal("100.00"),) * 3
    assert after == (Decimal("87.66"),) * 3
