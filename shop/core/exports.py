"""The one export writer: every CSV and XLSX file the shop hands out is written here.

Why one writer: spreadsheets are code. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a live formula in Excel, WPS and LibreOffice, so any text that came from a user (a product title, an
organisation name, a fapiao title) must be neutralised before it reaches a file (OWASP "CSV injection"):

- CSV: such text gets a leading apostrophe (``'=1+1``), which spreadsheet programs show as text;
  :func:`restore_text` undoes it when the shop reads its own file back.
- XLSX: every text cell is written as a string (never a formula) and such text also gets Excel's own
  "quote prefix" flag, so it stays text even when someone edits the cell.

Values keep their real types: numbers are numbers with a number format, dates are dates, percentages are
fractions shown with ``%``; the header row is bold and frozen, and columns get sensible widths.

Callers describe a table with :class:`Column` and :class:`Sheet` (a :class:`Cell` gives one value its own kind,
for a column that mixes kinds) and call :func:`render` or
:func:`download_response`; nothing else in the shop imports ``csv`` writers or ``openpyxl`` to write.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone


class FormatConverter:
    """URL converter for an export's format: only the formats the shop writes match (others are 404)."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


#: The formats every export offers, with their content types.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: Characters that make a spreadsheet program read a cell as a formula (OWASP's list), and their
#: full-width forms: Chinese input methods type those, and spreadsheet programs on CJK systems may take
#: them for the operators.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

#: Column kinds and their Excel number formats.
KINDS = {
    "text": None,
    "integer": "#,##0",
    "decimal": "#,##0.00",
    "money": "#,##0.00",  # CNY, two decimals; the header names the currency
    "percent": "0.0%",  # values are fractions (0.125 shows as 12.5%)
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",  # values are dates (the first of the month)
    "datetime": "yyyy-mm-dd hh:mm",
}

#: Excel's limit on the characters of one cell.
MAX_CELL_TEXT = 32_767

#: How many rows are looked at to size the columns (the rest are streamed without being held).
WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH = 60

_DEFAULT_WIDTHS = {
    "text": 24,
    "integer": 10,
    "decimal": 12,
    "money": 14,
    "percent": 10,
    "date": 12,
    "month": 10,
    "datetime": 17,
}


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, the kind of values it holds and (optionally) its width."""

    header: str
    kind: str = "text"
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; use one of {sorted(KINDS)}")


@dataclass(frozen=True)
class Cell:
    """A value with its own kind, for a column that mixes kinds (the value column of a summary)."""

    value: object
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; use one of {sorted(KINDS)}")


@dataclass
class Sheet:
    """A table: a title (the XLSX sheet name, a title row in CSV), its columns and its rows."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence] = field(default_factory=list)


def neutralise_text(text: str) -> str:
    """Text as it must appear in a CSV cell: a formula trigger (or a leading apostrophe) gets an apostrophe."""
    if text[:1] in FORMULA_TRIGGERS or text[:1] == "'":
        return "'" + text
    return text


def restore_text(text: str) -> str:
    """The inverse of :func:`neutralise_text`, for reading the shop's own CSV files back."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


def _needs_quote_prefix(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- typed values -----------------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    """A naive datetime on the shop's calendar (spreadsheets know no time zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def _unwrap(value, kind: str) -> tuple[object, str]:
    if isinstance(value, Cell):
        return value.value, value.kind
    return value, kind


def _typed(value, kind: str):
    """The value as the column's kind, or None for an empty cell; text for anything that is not of the kind."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if kind == "text":
        return str(value)
    if kind in ("integer", "decimal", "money", "percent"):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | Decimal | float):
            if kind == "money":
                return Decimal(str(value)).quantize(Decimal("0.01"))
            return value
        return str(value)
    if kind == "datetime" and isinstance(value, dt.datetime):
        return _local(value)
    if kind == "date" and isinstance(value, dt.datetime):
        return _local(value).date()
    if kind == "date" and isinstance(value, dt.date):
        return value
    if kind == "month" and isinstance(value, dt.datetime):
        return _local(value).date().replace(day=1)
    if kind == "month" and isinstance(value, dt.date):
        return value.replace(day=1)
    return str(value)


def _csv_cell(value, kind: str) -> str:
    value, kind = _unwrap(value, kind)
    value = _typed(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_text(value)
    if kind == "percent":
        return f"{Decimal(value) * 100:.1f}%"
    if kind in ("money", "decimal") and isinstance(value, Decimal | float):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "month" and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- writers ----------------------------------------------------------------------------------------------


def write_csv(sheets: Sequence[Sheet], *, titles: bool | None = None) -> bytes:
    """UTF-8 with a byte-order mark (Excel then opens Chinese text correctly).

    A single sheet is written as a plain table (header first), so it can be read back; several sheets are
    written one after another, each under its title row and separated by an empty row.
    """
    if titles is None:
        titles = len(sheets) > 1
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        if titles:
            writer.writerow([neutralise_text(str(sheet.title))])
        writer.writerow([neutralise_text(str(column.header)) for column in sheet.columns])
        kinds = [column.kind for column in sheet.columns]
        for row in sheet.rows:
            writer.writerow([_csv_cell(value, kind) for value, kind in zip(row, kinds, strict=False)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_name(title: str, index: int, taken: set[str]) -> str:
    # Excel refuses []:*?/\ in a sheet name, more than 31 characters, and an apostrophe at either end.
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip().strip("'").strip() or f"Sheet{index}"
    name = name[:31]
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _display_width(text: str) -> int:
    """Columns a text takes on screen: Chinese characters are twice as wide as Latin ones."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _shown(value, kind: str) -> str:
    """Roughly what a cell shows, to size its column."""
    value, kind = _unwrap(value, kind)
    value = _typed(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal | float) and kind in ("money", "decimal"):
        return f"{value:,.2f}"
    return _csv_cell(value, kind)


def _widths(sheet: Sheet, sample: list[Sequence]) -> list[float]:
    widths = []
    for position, column in enumerate(sheet.columns):
        if column.width:
            widths.append(column.width)
            continue
        longest = max(
            [_display_width(str(column.header))]
            + [_display_width(_shown(row[position], column.kind)) for row in sample if position < len(row)]
        )
        widths.append(min(max(_DEFAULT_WIDTHS[column.kind], longest + 2), MAX_WIDTH))
    return widths


def _xlsx_text(text: str) -> str:
    return _ILLEGAL_XLSX.sub("", text)[:MAX_CELL_TEXT]


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook, one worksheet per sheet, streamed row by row (constant memory for large exports).

    Column widths are measured on the header and the first rows, so the rest is never held in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def text_cell(worksheet, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(worksheet, value=_xlsx_text(text))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if _needs_quote_prefix(text):
            cell.quotePrefix = True  # and it stays text when someone edits the cell
        return cell

    taken: set[str] = set()
    for index, sheet in enumerate(sheets, start=1):
        worksheet = workbook.create_sheet(title=_sheet_name(sheet.title, index, taken))
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        for position, width in enumerate(_widths(sheet, sample), start=1):
            worksheet.column_dimensions[get_column_letter(position)].width = width
        worksheet.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = text_cell(worksheet, str(column.header))
            cell.font = bold
            cell.alignment = Alignment(vertical="center", wrap_text=False)
            header.append(cell)
        worksheet.append(header)
        kinds = [column.kind for column in sheet.columns]
        for row in itertools.chain(sample, rows):
            cells = []
            for value, kind in zip(row, kinds, strict=False):
                value, kind = _unwrap(value, kind)
                value = _typed(value, kind)
                if isinstance(value, str):
                    cell = text_cell(worksheet, value)
                else:
                    cell = WriteOnlyCell(worksheet, value=value)
                    if value is not None and KINDS[kind]:
                        cell.number_format = KINDS[kind]
                cells.append(cell)
            worksheet.append(cells)
    if not sheets:
        workbook.create_sheet(title="Sheet1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(sheets: Sequence[Sheet], fmt: str) -> bytes:
    """The sheets as a file of the given format (``csv`` or ``xlsx``)."""
    if fmt == "csv":
        return write_csv(sheets)
    if fmt == "xlsx":
        return write_xlsx(sheets)
    raise ValueError(f"unknown export format {fmt!r}")


def safe_filename(stem: str, fmt: str) -> str:
    """A download name the shop builds: ASCII letters, digits, dot, dash and underscore only."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "export"
    return f"{stem[:100]}.{fmt}"


def download_response(sheets: Sequence[Sheet], *, fmt: str, filename_stem: str) -> HttpResponse:
    """An attachment response for the sheets; an unknown format is a 404 (it comes from the URL)."""
    if fmt not in FORMATS:
        raise Http404("unknown export format")
    response = HttpResponse(render(sheets, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename_stem, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Exports hold private figures: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
