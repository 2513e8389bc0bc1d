import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from shop.sellers import catalogue_io
from tests.factories import CategoryFactory, ProductClassFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

HEADER = catalogue_io.COLUMNS


def csv_file(rows, name="catalogue.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture
def fruit(db):
    return CategoryFactory(name="水果")


@pytest.fixture
def product_class(db):
    return ProductClassFactory()


def good_rows(county):
    return [
        ["AY-001", "安远脐橙 5斤", "红壤脐橙", "农产品", "水果", county.code, "39.90", "200", "20", "1"],
        ["AY-002", "安远脐橙 10斤", "", "农产品", "水果", county.code, "69.90", "100", "", "1"],
    ]


def snapshot(partner):
    return sorted(
        StockRecord.objects.filter(partner=partner).values_list(
            "partner_sku",
            "price",
            "num_in_stock",
            "low_stock_threshold",
            "product__title",
            "product__origin_county",
        )
    )


def dry_run(client, partner, upload):
    return client.post(reverse("sellers:import"), {"partner": partner.pk, "file": upload})


def test_dry_run_names_every_bad_row_and_writes_nothing(
    client, seller_user, partner, county, far_county, fruit, product_class
):
    rows = good_rows(county) + [
        ["AY-003", "", "", "农产品", "水果", county.code, "10", "5", "", "1"],  # no title
        ["AY-004", "三都米酒", "", "农产品", "水果", far_county.code, "abc", "5", "", "1"],  # county + price
        ["AY-001", "重复", "", "农产品", "蔬菜", county.code, "10", "-1", "", "maybe"],  # dup sku etc.
    ]
    client.force_login(seller_user)

    response = dry_run(client, partner, csv_file(rows))

    plan = response.context["plan"]
    problems = {(error.row, error.column) for error in plan.errors}
    assert problems == {
        (4, "title"),
        (5, "origin_county"),
        (5, "price"),
        (6, "sku"),
        (6, "categories"),
        (6, "num_in_stock"),
        (6, "is_public"),
    }
    assert [row.action for row in plan.rows] == ["create", "create"]
    assert StockRecord.objects.filter(partner=partner).count() == 0
    assert 'name="digest"' not in response.content.decode()  # no apply button
    assert "import-errors" in response.content.decode()
    # Applying a file with errors is refused as a whole.
    client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})
    assert not Product.objects.exists()


def test_apply_then_reimport_changes_nothing_and_export_round_trips(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    response = dry_run(client, partner, csv_file(good_rows(county)))
    assert response.context["plan"].is_valid

    applied = client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})

    assert applied.status_code == 302
    before = snapshot(partner)
    assert [(sku, price, stock) for sku, price, stock, *_ in before] == [
        ("AY-001", Decimal("39.90"), 200),
        ("AY-002", Decimal("69.90"), 100),
    ]
    product = Product.objects.get(title="安远脐橙 5斤")
    assert list(product.categories.all()) == [fruit]
    assert product.origin_province_id == county.province_id

    # The same file again: every row unchanged, nothing written.
    again = dry_run(client, partner, csv_file(good_rows(county)))
    assert [row.action for row in again.context["plan"].rows] == ["unchanged", "unchanged"]
    modified = Product.objects.get(pk=product.pk).date_updated
    client.post(reverse("sellers:import-apply"), {"digest": again.context["digest"]})
    assert snapshot(partner) == before
    assert Product.objects.get(pk=product.pk).date_updated == modified

    # Export in both formats re-imports unchanged.
    for file_format in ("csv", "xlsx"):
        exported = client.get(
            reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": file_format})
        )
        assert exported.status_code == 200
        upload = SimpleUploadedFile(f"export.{file_format}", exported.content)
        report = dry_run(client, partner, upload).context["plan"]
        assert report.is_valid, report.errors
        assert [row.action for row in report.rows] == ["unchanged", "unchanged"]


def test_xlsx_import_updates_changed_rows_only(client, seller_user, partner, county, fruit, product_class):
    client.force_login(seller_user)
    first = dry_run(client, partner, csv_file(good_rows(county)))
    client.post(reverse("sellers:import-apply"), {"digest": first.context["digest"]})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    rows = good_rows(county)
    rows[1][6], rows[1][7] = "59.90", 80  # a price cut and a stock count typed as a number
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = dry_run(client, partner, SimpleUploadedFile("prices.xlsx", buffer.getvalue()))
    plan = response.context["plan"]
    client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})

    assert [row.action for row in plan.rows] == ["unchanged", "update"]
    assert set(plan.rows[1].changes) == {"price", "num_in_stock"}
    record = StockRecord.objects.get(partner=partner, partner_sku="AY-002")
    assert (record.price, record.num_in_stock) == (Decimal("59.90"), 80)


def test_unreadable_file_is_refused_before_any_report(client, seller_user, partner):
    client.force_login(seller_user)

    response = dry_run(client, partner, SimpleUploadedFile("catalogue.xlsx", b"not a workbook"))

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert "plan" not in response.context
