"""The one export writer: formulas neutralised, real types, bold frozen header, widths, several sheets."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from openpyxl import load_workbook

from shop.core import exports
from shop.core.exports import Cell, Column, Sheet

TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]
HOSTILE = [f'{trigger}HYPERLINK("http://evil.example","点我")' for trigger in TRIGGERS] + [
    "=1+1",
    "+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=cmd|' /C calc'!A0",
    "\r=1",
    "'=already quoted",
    "'",
]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def typed_sheet() -> Sheet:
    return Sheet(
        title="销售",
        columns=[
            Column("商品"),
            Column("数量", "integer"),
            Column("单价", "decimal"),
            Column("金额（元）", "money"),
            Column("占比", "percent"),
            Column("日期", "date"),
            Column("下单时间", "datetime"),
        ],
        rows=[
            [
                "赣南脐橙",
                3,
                Decimal("39.9"),
                Decimal("119.7"),
                Decimal("0.125"),
                dt.date(2026, 3, 1),
                dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC),
            ],
            ["空", None, None, None, None, None, None],
        ],
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_neutralises_every_formula_trigger_with_an_apostrophe(text):
    sheet = Sheet("t", [Column("名称")], [[text]])

    rows = csv_rows(exports.render([sheet], "csv"))

    assert rows[1][0] == "'" + text
    assert exports.restore_text(rows[1][0]) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_never_writes_a_formula_cell_and_flags_trigger_text_as_quoted(text):
    sheet = Sheet("t", [Column("名称"), Column("金额", "money")], [[text, text]])

    cells = list(workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2))[0]

    for cell in cells:
        assert cell.data_type == "s"
        # XML reads a carriage return back as a line feed; the text is otherwise intact.
        assert cell.value.replace("\r", "\n") == text.replace("\r", "\n")
        if text[0] != "'":
            assert cell.quotePrefix


def test_hostile_headers_and_titles_are_neutralised_too():
    sheet = Sheet("=标题", [Column("=表头"), Column("-金额", "money")], [["a", 1]])

    rows = exports.write_csv([sheet], titles=True)
    book = workbook(exports.render([sheet], "xlsx"))

    assert csv_rows(rows)[:2] == [["'=标题"], ["'=表头", "'-金额"]]
    assert [cell.data_type for cell in book.active[1]] == ["s", "s"]


def test_ordinary_text_is_left_alone_and_negative_numbers_stay_numbers():
    sheet = Sheet(
        "t",
        [Column("名称"), Column("退款", "money"), Column("数量", "integer")],
        [["赣南脐橙 = 好", Decimal("-5.00"), -2]],
    )

    rows = csv_rows(exports.render([sheet], "csv"))
    cells = list(workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2, values_only=True))

    assert rows[1] == ["赣南脐橙 = 好", "-5.00", "-2"]
    assert cells == [("赣南脐橙 = 好", -5, -2)]


def test_xlsx_writes_numbers_dates_and_percentages_with_their_formats():
    book = workbook(exports.render([typed_sheet()], "xlsx"))
    sheet = book.active

    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]

    assert [cell.data_type for cell in cells] == ["s", "n", "n", "n", "n", "d", "d"]
    assert [cell.number_format for cell in cells[1:]] == [
        "#,##0",
        "#,##0.00",
        "#,##0.00",
        "0.0%",
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
    ]
    assert cells[3].value == pytest.approx(119.70)
    assert cells[4].value == pytest.approx(0.125)  # a fraction, shown as 12.5%
    assert cells[5].value == dt.datetime(2026, 3, 1)
    # Spreadsheets know no time zones: the shop's calendar (Asia/Shanghai) is written.
    assert cells[6].value == dt.datetime(2026, 3, 1, 8, 30)
    assert [cell.value for cell in list(sheet.iter_rows(min_row=3))[0][1:]] == [None] * 6


def test_csv_writes_numbers_percentages_and_dates_as_spreadsheets_read_them():
    rows = csv_rows(exports.render([typed_sheet()], "csv"))

    assert rows[0] == ["商品", "数量", "单价", "金额（元）", "占比", "日期", "下单时间"]
    assert rows[1] == ["赣南脐橙", "3", "39.90", "119.70", "12.5%", "2026-03-01", "2026-03-01 08:30"]
    assert rows[2] == ["空", "", "", "", "", "", ""]


def test_months_are_dates_shown_as_year_and_month():
    first_of_march_in_shanghai = dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    sheet = Sheet("t", [Column("月份", "month")], [[first_of_march_in_shanghai], [dt.date(2026, 1, 20)]])

    rows = csv_rows(exports.render([sheet], "csv"))
    cells = [row[0] for row in workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2)]

    assert [row[0] for row in rows[1:]] == ["2026-03", "2026-01"]
    assert [(cell.value, cell.number_format) for cell in cells] == [
        (dt.datetime(2026, 3, 1), "yyyy-mm"),
        (dt.datetime(2026, 1, 1), "yyyy-mm"),
    ]


def test_money_is_rounded_to_the_fen():
    sheet = Sheet("t", [Column("金额", "money")], [[Decimal("1.005")], [2.5], [7]])

    assert [row[0] for row in csv_rows(exports.render([sheet], "csv"))[1:]] == ["1.00", "2.50", "7.00"]


def test_a_cell_can_carry_its_own_kind_in_a_mixed_column():
    sheet = Sheet(
        "汇总",
        [Column("项目"), Column("值")],
        [
            ["单位", "=某单位"],
            ["目标", Cell(Decimal("1000"), "money")],
            ["完成", Cell(Decimal("0.164"), "percent")],
            ["年份", Cell(2026, "integer")],
        ],
    )

    rows = csv_rows(exports.render([sheet], "csv"))
    cells = [row[1] for row in workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2)]

    assert [row[1] for row in rows[1:]] == ["'=某单位", "1000.00", "16.4%", "2026"]
    assert [(cell.data_type, cell.number_format) for cell in cells] == [
        ("s", "General"),
        ("n", "#,##0.00"),
        ("n", "0.0%"),
        ("n", "#,##0"),
    ]
    with pytest.raises(ValueError):
        Cell(1, "colour")


def test_a_value_that_is_not_of_the_columns_kind_is_written_as_neutralised_text():
    sheet = Sheet("t", [Column("金额", "money"), Column("日期", "date")], [["-", "=NOW()"]])

    rows = csv_rows(exports.render([sheet], "csv"))
    cells = list(workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2))[0]

    assert rows[1] == ["'-", "'=NOW()"]
    assert [cell.data_type for cell in cells] == ["s", "s"]


def test_header_row_is_bold_and_frozen_and_columns_are_sized():
    long_title = "江西省赣州市于都县高山有机富硒红薯（精选礼盒装）"
    sheet = Sheet(
        "t",
        [Column("名称"), Column("金额", "money"), Column("备注", width=40)],
        [[long_title, Decimal("1.00"), ""]],
    )

    book = workbook(exports.render([sheet], "xlsx"))
    worksheet = book.active

    assert worksheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in worksheet[1])
    assert not any(cell.font.b for cell in worksheet[2])
    widths = {letter: dimension.width for letter, dimension in worksheet.column_dimensions.items()}
    assert widths["A"] >= len(long_title) * 2  # Chinese characters are double width
    assert widths["B"] == 14
    assert widths["C"] == 40
    assert all(width <= exports.MAX_WIDTH for width in widths.values())


def test_several_sheets_become_worksheets_in_xlsx_and_titled_blocks_in_csv():
    first = Sheet("汇总", [Column("项目"), Column("值", "money")], [["合计", Decimal("10")]])
    second = Sheet("按月", [Column("月份"), Column("金额", "money")], [["2026-01", Decimal("4")]])
    same_name = Sheet("按月", [Column("x")], [])

    book = workbook(exports.render([first, second, same_name], "xlsx"))
    rows = csv_rows(exports.render([first, second], "csv"))

    assert book.sheetnames == ["汇总", "按月", "按月 (2)"]
    assert rows == [
        ["汇总"],
        ["项目", "值"],
        ["合计", "10.00"],
        [],
        ["按月"],
        ["月份", "金额"],
        ["2026-01", "4.00"],
    ]


def test_sheet_names_excel_refuses_are_cleaned():
    sheet = Sheet("'a/b:c*d?e[f]g\\h一二三四五六七八九十一二三四五六七八九十'", [Column("x")], [])

    name = workbook(exports.render([sheet], "xlsx")).sheetnames[0]

    assert len(name) <= 31 and not set(name) & set("/\\:*?[]") and not name.startswith("'")


def test_control_characters_excel_cannot_store_are_dropped_from_xlsx():
    sheet = Sheet("t", [Column("x")], [["a\x00b\x07c\nd"]])

    cell = list(workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2))[0][0]

    assert cell.value == "abc\nd"


def test_rows_can_be_a_generator_longer_than_the_width_sample():
    count = exports.WIDTH_SAMPLE_ROWS + 50
    rows = ([f"第{n}行", n] for n in range(count))
    sheet = Sheet("t", [Column("名称"), Column("n", "integer")], rows)

    values = list(workbook(exports.render([sheet], "xlsx")).active.iter_rows(min_row=2, values_only=True))

    assert len(values) == count and values[-1] == (f"第{count - 1}行", count - 1)


@pytest.mark.parametrize(
    "text", ["", "a", "'", "''", "'a", "'=", "=", "=1", "'=1", "赣南", "-", "－5", "\t", "@x", "a=b"]
)
def test_restore_text_undoes_neutralise_text(text):
    assert exports.restore_text(exports.neutralise_text(text)) == text


def test_restore_text_leaves_ordinary_apostrophes_alone():
    assert exports.restore_text("'tis") == "'tis"
    assert exports.restore_text("rock 'n' roll") == "rock 'n' roll"


def test_unknown_kind_and_format_are_refused():
    with pytest.raises(ValueError):
        Column("x", "colour")
    with pytest.raises(ValueError):
        exports.render([], "pdf")
    with pytest.raises(Http404):
        exports.download_response([], fmt="html", filename_stem="x")


@pytest.mark.parametrize(
    "stem, expected",
    [
        ("quota-report-3-2026", "quota-report-3-2026.csv"),
        ('"; filename=evil.html', "filename-evil.html.csv"),
        ("../../etc/passwd", "etc-passwd.csv"),
        ("某单位\r\nSet-Cookie: x=1", "Set-Cookie-x-1.csv"),
        ("", "export.csv"),
        ("中文", "export.csv"),
    ],
)
def test_download_names_are_built_from_safe_characters_only(stem, expected):
    assert exports.safe_filename(stem, "csv") == expected


def test_download_response_is_an_attachment_that_is_not_sniffed_or_cached():
    sheet = Sheet("t", [Column("x")], [["=1"]])

    csv_response = exports.download_response([sheet], fmt="csv", filename_stem="sales")
    xlsx_response = exports.download_response([sheet], fmt="xlsx", filename_stem="sales")

    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert xlsx_response["Content-Type"] == exports.FORMATS["xlsx"]
    assert csv_response["Content-Disposition"] == 'attachment; filename="sales.csv"'
    assert xlsx_response["Content-Disposition"] == 'attachment; filename="sales.xlsx"'
    assert csv_response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in xlsx_response["Cache-Control"]
    assert csv_rows(csv_response.content)[1] == ["'=1"]


def test_naive_datetimes_are_written_as_they_are(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    aware = dt.datetime(2026, 12, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    sheet = Sheet("t", [Column("时间", "datetime"), Column("日", "date")], [[aware, aware]])

    rows = csv_rows(exports.render([sheet], "csv"))

    assert rows[1] == ["2026-12-31 23:00", "2026-12-31"]
