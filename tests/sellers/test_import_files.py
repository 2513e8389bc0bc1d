"""Ordinary Chinese office files are read whatever their encoding; hostile files are refused quickly."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from shop.sellers import catalogue_io, import_files
from shop.sellers.models import StagedImport
from tests.factories import ProductClassFactory

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def product_class(db):
    return ProductClassFactory()


def dry_run(client, partner, content, name):
    return client.post(
        reverse("sellers:import"), {"partner": partner.pk, "file": SimpleUploadedFile(name, content)}
    )


def template_text(client, partner) -> str:
    """The CSV template with a product of our own added: Chinese text, a rare character, a line break."""
    response = client.get(
        reverse("sellers:import-template", kwargs={"partner_pk": partner.pk, "file_format": "csv"})
    )
    text = response.content.decode("utf-8-sig").replace("\r\n", "\n")
    return text + f'AY-9,"赣南脐橙 5斤 𠮷","一行\n二行",农产品,,{partner.county_id},39.90,200,,1\n'


ENCODINGS = {
    "UTF-8 with BOM": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "UTF-8": lambda text: text.encode("utf-8"),
    "GBK (Excel on Chinese Windows)": lambda text: text.replace("𠮷", "吉").encode("gbk"),
    "GB18030": lambda text: text.encode("gb18030"),
    "UTF-16LE with BOM": lambda text: text.encode("utf-16"),  # Python writes the little-endian BOM
    "UTF-16BE with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "UTF-16LE, tab-separated (WPS/Excel Unicode text)": lambda text: (
        b"\xff\xfe" + text.replace(",", "\t").encode("utf-16-le")
    ),
    "Windows line ends": lambda text: text.replace("\n", "\r\n").encode("gb18030"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_template_saved_in_every_chinese_office_encoding_imports(
    client, seller_user, partner, product_class, encoding
):
    client.force_login(seller_user)
    text = template_text(client, partner)
    content = ENCODINGS[encoding](text)
    assert content.startswith(b"\xef\xbb\xbf") or encoding != "UTF-8 with BOM"

    response = dry_run(client, partner, content, "商品.csv")

    plan = response.context["plan"]
    assert plan.is_valid, plan.errors
    assert [row.sku for row in plan.rows] == ["DEMO-001", "DEMO-002", "AY-9"]
    titles = [row.values["title"] for row in plan.rows]
    assert titles[0] == "示例：脐橙 5斤"
    assert titles[2] in ("赣南脐橙 5斤 𠮷", "赣南脐橙 5斤 吉")
    assert plan.rows[2].values["description"] in (
        "一行\n二行",
        "一行\r\n二行",
    )  # a line break inside the cell
    client.post(reverse("sellers:import-apply"), {"digest": response.context["digest"]})
    assert StockRecord.objects.filter(partner=partner).count() == 3


@pytest.mark.parametrize(
    ("encoding", "text", "named"),
    [
        ("big5", "sku,title\nAY-1,安遠縣臍橙禮盒 五斤裝 產地直銷\n", "Big5"),
        ("shift_jis", "sku,title\nAY-1,みかん 5キロ 箱入り 産地直送\n", "Shift_JIS"),
        ("cp1252", "sku,title\nAY-1,Café crème brûlée très délicieux\n", "CP125"),  # a Windows code page
        ("utf-32", "sku,title\nAY-1,赣南脐橙\n", "UTF-32"),
    ],
)
def test_other_encodings_are_refused_by_name(client, seller_user, partner, encoding, text, named):
    client.force_login(seller_user)

    response = dry_run(client, partner, text.encode(encoding), "catalogue.csv")

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert f"编码是 {named}" in message and "无法读取" in message
    assert "CSV UTF-8" in message
    assert "plan" not in response.context


def test_invalid_bytes_after_a_utf8_bom_are_refused(client, seller_user, partner):
    client.force_login(seller_user)

    response = dry_run(client, partner, b"\xef\xbb\xbfsku,title\nAY-1,\xff\xfe\n", "catalogue.csv")

    assert "不符合 UTF-8" in " ".join(response.context["form"].errors["file"])


# --- hostile XLSX -----------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx_bomb(rows: int) -> bytes:
    """A valid workbook whose one sheet holds `rows` identical rows: tiny compressed, huge expanded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            line = b"<row><c><v>1</v></c><c><v>2</v></c></row>"
            chunk = line * 10_000
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_xlsx_bomb_is_refused_unread_within_a_second(client, seller_user, partner):
    bomb = xlsx_bomb(2_000_000)
    assert len(bomb) < 400 * 1024  # a few hundred kilobytes …
    expanded = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert expanded > 75 * 1024 * 1024  # … that expand to two million rows
    client.force_login(seller_user)

    started = time.perf_counter()
    response = dry_run(client, partner, bomb, "catalogue.xlsx")
    elapsed = time.perf_counter() - started

    assert elapsed < 3  # a generous guard on a shared machine; the measured figure is in the README
    assert response.status_code == 200
    assert "解压后有" in " ".join(response.context["form"].errors["file"])
    assert not StagedImport.objects.exists()


def test_streaming_stops_at_the_row_limit(client, seller_user, partner):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(catalogue_io.COLUMNS)
    for n in range(catalogue_io.MAX_ROWS + 500):
        sheet.append(
            [f"SKU-{n:06x}", f"商品 {n * 7919 % 100000}", "", "农产品", "", "360726", n % 500 + 1, n]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(seller_user)

    response = dry_run(client, partner, buffer.getvalue(), "catalogue.xlsx")

    assert "最多导入 5000 个商品" in " ".join(response.context["form"].errors["file"])


def test_a_row_far_below_a_gap_is_read_at_its_own_row_number_without_reading_the_gap(
    client, seller_user, partner
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(catalogue_io.COLUMNS)
    sheet.cell(row=1_000_000, column=1, value="far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(seller_user)

    started = time.perf_counter()
    response = dry_run(client, partner, buffer.getvalue(), "catalogue.xlsx")

    assert time.perf_counter() - started < 5
    assert {error.row for error in response.context["plan"].errors} == {1_000_000}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"sku,title\nAY-1,x\n", "不是 XLSX 工作簿"),  # a CSV renamed
        (b"<html><script>alert(1)</script></html>", "不是 XLSX 工作簿"),
        (b"%PDF-1.7\n", "不是 XLSX 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "Excel 97–2003"),
        (b"PK\x03\x04 truncated", "不是 XLSX 工作簿"),
    ],
)
def test_content_that_is_not_xlsx_is_refused(client, seller_user, partner, content, expected):
    client.force_login(seller_user)

    response = dry_run(client, partner, content, "catalogue.xlsx")

    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["file"])


def test_a_zip_that_is_not_a_workbook_is_refused(client, seller_user, partner):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    client.force_login(seller_user)

    response = dry_run(client, partner, buffer.getvalue(), "catalogue.xlsx")

    assert "不是 XLSX 工作簿" in " ".join(response.context["form"].errors["file"])


def test_files_over_the_upload_limit_are_refused(client, seller_user, partner):
    client.force_login(seller_user)
    content = b"sku,title\n" + b"A,x\n" * (import_files.MAX_UPLOAD_BYTES // 4)

    response = dry_run(client, partner, content, "catalogue.csv")

    assert "文件超过 5 MB" in " ".join(response.context["form"].errors["file"])
    assert not StagedImport.objects.exists()


def test_spreadsheet_cells_read_as_typed():
    assert [import_files.cell_text(value) for value in (80, 80.0, 39.9, 0.1 + 0.2, 1e10, True, None)] == [
        "80",
        "80",
        "39.9",
        "0.3",
        "10000000000",
        "1",
        "",
    ]
