import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from search.models import ProductDocument
from shop import caching
from shop.core.files import PrivateStorage
from shop.core.models import Job
from shop.sellers import catalogue_io, views
from shop.sellers.models import StagedImport
from tests.factories import CategoryFactory, ProductClassFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")
ProductCategory = get_model("catalogue", "ProductCategory")

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


# --- the dry run checks what the database enforces ---------------------------------------------------------


def row(county, **overrides):
    values = dict(
        zip(
            HEADER, ["AY-100", "安远脐橙", "", "农产品", "", county.code, "39.90", "10", "", "1"], strict=True
        )
    )
    values.update(overrides)
    return [values[column] for column in HEADER]


LONG_TITLE = "江西赣南安远县高山红壤脐橙" * 19 + "礼盒装八斤"  # 252 characters, 1,100+ of pinyin


def test_dry_run_refuses_every_value_the_database_or_model_refuses(
    client, seller_user, partner, county, product_class
):
    bad = [
        ("price", "10000000000"),  # 10¹⁰ does not fit DecimalField(max_digits=12, decimal_places=2)
        ("price", "12.345"),
        ("price", "0"),
        ("price", "-1"),
        ("price", "NaN"),
        ("num_in_stock", "2147483648"),  # beyond a 32-bit integer
        ("num_in_stock", "-1"),
        ("num_in_stock", "1.5"),
        ("low_stock_threshold", "99999999999"),
        ("low_stock_threshold", "-3"),
        ("sku", "S" * 129),
        ("title", "橙" * 256),
        ("title", "安远\x00脐橙"),
        ("sku", "AY\x01"),
        ("description", "红壤\x00"),
        ("categories", "水果\x1b"),
    ]
    rows = [row(county, **{"sku": f"BAD-{n}", column: value}) for n, (column, value) in enumerate(bad)]
    client.force_login(seller_user)

    response = dry_run(client, partner, csv_file(rows))

    plan = response.context["plan"]
    assert {(error.row, error.column) for error in plan.errors} == {
        (n + 2, column) for n, (column, _value) in enumerate(bad)
    }
    assert plan.rows == []
    page = response.content.decode()
    assert "第 2 行" in page and "价格（元）" in page
    assert "10000000000 太大" in page
    assert "控制字符（U+0000）" in page
    assert not StockRecord.objects.exists()


def test_values_at_the_limits_pass_the_dry_run_and_apply_stores_them_exactly(
    client, seller_user, partner, county, product_class
):
    rows = [
        row(county, sku="S" * 128, title=LONG_TITLE, price="9999999999.99", num_in_stock="2147483647"),
        row(
            county,
            sku="AY-2",
            price="１，２９９．５",
            low_stock_threshold="2147483647",
            description="一行\n二行\t。",
        ),
        row(county, sku="AY-3", price="¥0.01", num_in_stock="0", is_public="否"),
    ]
    client.force_login(seller_user)
    response = dry_run(client, partner, csv_file(rows))
    assert response.context["plan"].is_valid, response.context["plan"].errors

    applied = client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})

    assert applied.status_code == 302
    records = {record.partner_sku: record for record in StockRecord.objects.select_related("product")}
    first = records["S" * 128]
    assert (first.price, first.num_in_stock) == (Decimal("9999999999.99"), 2147483647)
    assert first.product.title == LONG_TITLE
    assert 0 < len(first.product.slug) <= 255
    assert first.product.origin_province_id == county.province_id
    assert records["AY-2"].price == Decimal("1299.50")
    assert records["AY-2"].low_stock_threshold == 2147483647
    assert records["AY-2"].product.description == "一行\n二行\t。"
    assert (records["AY-3"].price, records["AY-3"].product.is_public) == (Decimal("0.01"), False)
    assert client.get(first.product.get_absolute_url()).status_code == 200


# --- staged uploads and permissions -----------------------------------------------------------------------


def test_checked_file_waits_in_private_storage_under_a_random_name_and_is_deleted_after_apply(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    response = dry_run(client, partner, csv_file(good_rows(county), name="my catalogue.csv"))

    staged = StagedImport.objects.get()
    storage = PrivateStorage()
    assert storage.exists(staged.stored_name)
    assert "catalogue" not in staged.stored_name.rsplit("/", 1)[-1]
    assert (staged.user, staged.partner) == (seller_user, partner)
    session = client.session[views.IMPORT_SESSION_KEY]
    assert session == staged.token  # only the token, never the file

    client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})

    assert StockRecord.objects.filter(partner=partner).count() == 2
    assert not StagedImport.objects.exists()
    assert not storage.exists(staged.stored_name)
    assert views.IMPORT_SESSION_KEY not in client.session


def test_another_user_cannot_apply_a_staged_upload(
    client, seller_user, seller2_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    response = dry_run(client, partner, csv_file(good_rows(county)))
    staged = StagedImport.objects.get()

    client.force_login(seller2_user)
    session = client.session
    session[views.IMPORT_SESSION_KEY] = staged.token
    session.save()
    refused = client.post(
        reverse("sellers:import-apply"), {"digest": response.context["digest"]}, follow=True
    )

    assert "重新上传" in refused.content.decode()
    assert not StockRecord.objects.exists()
    with pytest.raises(catalogue_io.ImportRefused):
        catalogue_io.staged(staged.token, user=seller2_user)
    assert StagedImport.objects.filter(pk=staged.pk).exists()  # still the owner's


def test_expired_staged_upload_is_refused_and_cleaned_up(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    response = dry_run(client, partner, csv_file(good_rows(county)))
    staged = StagedImport.objects.get()
    StagedImport.objects.filter(pk=staged.pk).update(
        created_at=timezone.now() - catalogue_io.STAGED_LIFETIME - datetime.timedelta(minutes=1)
    )

    client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})
    assert not StockRecord.objects.exists()
    call_command("process_expiries", stdout=io.StringIO())

    assert not StagedImport.objects.exists()
    assert not PrivateStorage().exists(staged.stored_name)


def test_applying_an_older_check_after_a_newer_one_is_refused(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    first = dry_run(client, partner, csv_file(good_rows(county)))
    dry_run(client, partner, csv_file(good_rows(county)[:1]))

    client.post(reverse("sellers:import-apply"), {"digest": first.context["digest"] + "x"})

    assert not StockRecord.objects.exists()
    assert StagedImport.objects.count() == 1  # the first upload was dropped when the second was checked


def test_seller_cannot_import_into_or_export_another_sellers_catalogue(
    client, seller_user, partner, partner2, county, fruit, product_class, other_product
):
    client.force_login(seller_user)

    assert dry_run(client, partner2, csv_file(good_rows(county))).status_code == 404
    for name in ("sellers:export", "sellers:import-template"):
        for file_format in ("csv", "xlsx"):
            url = reverse(name, kwargs={"partner_pk": partner2.pk, "file_format": file_format})
            assert client.get(url).status_code == 404
    assert not StagedImport.objects.exists()
    assert not StockRecord.objects.filter(partner=partner2).exclude(product=other_product).exists()


def test_import_and_export_need_a_seller_login(client, consumer, partner):
    export = reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "csv"})
    assert client.get(export).status_code == 302  # to the login page
    client.force_login(consumer)
    assert client.get(export).status_code == 403
    assert client.get(reverse("sellers:import")).status_code == 403
    assert client.post(reverse("sellers:import-apply"), {"digest": "x"}).status_code == 403


def test_export_format_must_be_csv_or_xlsx(client, seller_user, partner):
    client.force_login(seller_user)
    for file_format in ("html", "xls", "csv%0d%0a"):
        url = reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": "csv"})
        assert client.get(url.replace(".csv", f".{file_format}")).status_code == 404


# --- round trip ------------------------------------------------------------------------------------------


def import_file(client, partner, upload):
    response = dry_run(client, partner, upload)
    plan = response.context["plan"]
    assert plan.is_valid, plan.errors[:5]
    client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})
    return plan


def export(client, partner, file_format):
    response = client.get(
        reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": file_format})
    )
    assert response.status_code == 200
    return response


def export_through_job(client, partner, file_format) -> bytes:
    """A catalogue too large to write in the request: a page offers the job, the job writes the file."""
    url = reverse("sellers:export", kwargs={"partner_pk": partner.pk, "file_format": file_format})
    offered = client.get(url)
    assert "queue_export" in offered.content.decode()
    queued = client.post(url, {"queue_export": "1"})
    job = Job.objects.filter(kind="sellers.catalogue_export").latest("created_at")
    assert queued.url == reverse("jobs:progress", kwargs={"pk": job.pk})
    progress = client.get(reverse("jobs:progress-json", kwargs={"pk": job.pk})).json()
    assert (progress["state"], progress["percent"], progress["done"]) == ("succeeded", 100, job.total)
    download = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def test_titles_that_look_like_formulas_survive_export_and_reimport(
    client, seller_user, partner, county, fruit, product_class
):
    titles = ['=HYPERLINK("http://x")', "+86 特产", "-特价-", "@SUM(A1)", "'引号"]
    rows = [row(county, sku=f"{title[0]}F-{n}", title=title) for n, title in enumerate(titles)]
    client.force_login(seller_user)
    import_file(client, partner, csv_file(rows))
    assert sorted(Product.objects.values_list("title", flat=True)) == sorted(titles)

    exported_csv = export(client, partner, "csv")
    exported_xlsx = export(client, partner, "xlsx")

    text = exported_csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+86" in text and "'@SUM" in text and "''引号" in text
    sheet = openpyxl.load_workbook(io.BytesIO(exported_xlsx.content)).worksheets[0]
    cells = [sheet.cell(row=n, column=2) for n in range(2, 7)]
    assert all(cell.data_type == "s" for cell in cells)
    assert sorted(cell.value for cell in cells) == sorted(titles)
    for response, name in ((exported_csv, "export.csv"), (exported_xlsx, "export.xlsx")):
        plan = dry_run(client, partner, SimpleUploadedFile(name, response.content)).context["plan"]
        assert plan.is_valid, plan.errors
        assert [change.action for change in plan.rows] == ["unchanged"] * len(titles)


def test_export_writes_typed_cells_through_the_export_writer(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    import_file(client, partner, csv_file(good_rows(county)))

    response = export(client, partner, "xlsx")

    assert response["Content-Disposition"] == f'attachment; filename="catalogue-{partner.pk}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "商品编码(sku)" and header[6] == "价格（元）(price)"
    sku, county_code, price, stock = sheet["A2"], sheet["F2"], sheet["G2"], sheet["H2"]
    assert (sku.data_type, sku.value) == ("s", "AY-001")
    assert (county_code.data_type, county_code.value) == ("s", county.code)
    assert (price.data_type, price.value, price.number_format) == ("n", 39.9, "#,##0.00")
    assert (stock.data_type, stock.value) == ("n", 200)
    assert sheet.freeze_panes == "A2"


@pytest.mark.slow
def test_5000_row_catalogue_round_trips_as_no_changes(
    client, seller_user, partner, county, fruit, product_class
):
    rows = [
        row(
            county,
            sku=f"SKU-{n:05d}",
            title=f"{'=-+@'[n % 4]}安远脐橙 {n} 号",
            categories="水果",
            price=f"{n % 97 + 1}.{n % 100:02d}",
        )
        for n in range(catalogue_io.MAX_ROWS)
    ]
    client.force_login(seller_user)
    plan = import_file(client, partner, csv_file(rows))
    assert plan.count("create") == 5000
    assert StockRecord.objects.filter(partner=partner).count() == 5000
    assert ProductCategory.objects.filter(category=fruit).count() == 5000

    for file_format in ("csv", "xlsx"):
        exported = export_through_job(client, partner, file_format)
        again = dry_run(client, partner, SimpleUploadedFile(f"export.{file_format}", exported))
        report = again.context["plan"]
        assert report.is_valid, report.errors[:5]
        assert report.count("unchanged") == 5000, file_format


# --- template ---------------------------------------------------------------------------------------------


def test_import_page_links_the_templates_and_explains_every_column(
    client, seller_user, partner, product_class
):
    client.force_login(seller_user)

    page = client.get(reverse("sellers:import")).content.decode()

    for file_format in ("csv", "xlsx"):
        assert (
            reverse("sellers:import-template", kwargs={"partner_pk": partner.pk, "file_format": file_format})
            in page
        )
    for field in catalogue_io.FIELDS:
        assert f"{field.label}({field.key})" in page
    assert "每列的含义" in page and "农产品" in page and partner.county_id in page


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_downloaded_template_imports_cleanly(client, seller_user, partner, product_class, file_format):
    client.force_login(seller_user)
    template = client.get(
        reverse("sellers:import-template", kwargs={"partner_pk": partner.pk, "file_format": file_format})
    )
    assert template.status_code == 200

    plan = import_file(client, partner, SimpleUploadedFile(f"template.{file_format}", template.content))

    assert plan.count("create") == 2
    assert not Product.objects.filter(is_public=True).exists()  # the examples stay hidden
    if file_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(template.content))
        assert workbook.sheetnames == ["商品", "填写说明"]
        guide = [[cell.value for cell in line] for line in workbook["填写说明"].iter_rows(min_row=2)]
        assert [line[0] for line in guide[: len(HEADER)]] == [
            f"{f.label}({f.key})" for f in catalogue_io.FIELDS
        ]
        assert all(line[2] for line in guide)


# --- apply: bulk, batched, all or nothing ----------------------------------------------------------------


def source_rows(rows):
    return [
        catalogue_io.SourceRow(n, dict(zip(HEADER, values, strict=True))) for n, values in enumerate(rows, 2)
    ]


def test_apply_reports_progress_and_indexes_and_invalidates_once(
    seller_user, partner, county, fruit, product_class, django_assert_max_num_queries
):
    rows = [row(county, sku=f"P-{n}", title=f"脐橙 {n}", categories="水果") for n in range(1200)]
    version = caching.catalogue_version()
    progress = []

    with django_assert_max_num_queries(200):  # bulk (SQLite batches smaller): not a query per row
        catalogue_io.apply(
            partner, source_rows(rows), user=seller_user, progress=lambda *p: progress.append(p)
        )

    assert progress == [(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]
    assert ProductDocument.objects.filter(title__startswith="脐橙").count() == 1200
    assert caching.catalogue_version() > version

    changed = [
        row(county, sku=f"P-{n}", title=f"脐橙 {n}", categories="", num_in_stock="3") for n in range(1200)
    ]
    with django_assert_max_num_queries(200):
        result = catalogue_io.apply(partner, source_rows(changed), user=seller_user)
    assert result.count("update") == 1200
    assert not ProductCategory.objects.exists()
    assert set(StockRecord.objects.values_list("num_in_stock", flat=True)) == {3}


def test_lowering_stock_to_the_threshold_opens_oscars_stock_alert(
    seller_user, partner, county, product_class
):
    catalogue_io.apply(partner, source_rows([row(county, low_stock_threshold="5")]), user=seller_user)
    catalogue_io.apply(
        partner, source_rows([row(county, low_stock_threshold="5", num_in_stock="2")]), user=seller_user
    )

    assert StockAlert.objects.filter(status=StockAlert.OPEN, threshold=5).count() == 1


def test_apply_writes_nothing_when_a_row_became_invalid_after_the_dry_run(
    client, seller_user, partner, county, fruit, product_class
):
    client.force_login(seller_user)
    response = dry_run(client, partner, csv_file(good_rows(county)))
    fruit.name = "鲜果"
    fruit.save()  # the category named in the file is gone

    applied = client.post(
        reverse("sellers:import-apply"), {"digest": response.context["digest"]}, follow=True
    )

    assert applied.status_code == 200
    assert "未导入任何内容" in applied.content.decode()
    assert not Product.objects.exists()


def test_a_session_from_before_staging_gets_a_message_not_an_error(client, seller_user, partner):
    client.force_login(seller_user)
    session = client.session
    session[views.IMPORT_SESSION_KEY] = {
        "partner": partner.pk,
        "name": "a.csv",
        "digest": "x",
        "data": "eA==",
    }
    session.save()

    response = client.post(reverse("sellers:import-apply"), {"digest": "x"}, follow=True)

    assert response.status_code == 200
    assert "重新上传" in response.content.decode()


def test_the_dry_runs_row_errors_download_as_a_file_only_for_the_seller_who_uploaded(
    client, seller_user, seller2_user, partner, county, fruit, product_class
):
    rows = good_rows(county) + [["AY-003", "", "", "农产品", "水果", county.code, "=1+1", "5", "", "1"]]
    client.force_login(seller_user)
    page = dry_run(client, partner, csv_file(rows))
    assert reverse("sellers:import-errors", kwargs={"file_format": "xlsx"}) in page.content.decode()

    download = client.get(reverse("sellers:import-errors", kwargs={"file_format": "xlsx"}))

    assert download["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    listed = [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    errors = page.context["plan"].errors
    assert len(errors) == 2  # no title, and a price that is not a number
    assert listed == [(4, str(error.column_label), error.message) for error in errors]
    csv_download = client.get(reverse("sellers:import-errors", kwargs={"file_format": "csv"}))
    assert csv_download.content.decode("utf-8-sig").count("\n") == 3  # header and two rows
    assert StockRecord.objects.filter(partner=partner).count() == 0
    # Nothing to apply: the refused file is not the checked one.
    client.post(reverse("sellers:import-apply"), {"digest": ""})
    assert not Product.objects.exists()

    # Another seller has no errors file of its own, and cannot reach this one.
    other = Client()
    other.force_login(seller2_user)
    refused = other.get(reverse("sellers:import-errors", kwargs={"file_format": "xlsx"}))
    assert refused.status_code == 302 and refused.url == reverse("sellers:import")

    # A good file replaces the refused one: there are no errors left to download.
    dry_run(client, partner, csv_file(good_rows(county)))
    gone = client.get(reverse("sellers:import-errors", kwargs={"file_format": "xlsx"}))
    assert gone.status_code == 302
