"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text, whatever office program wrote it,
without letting a hostile file hold a worker.

CSV: Excel on a Chinese Windows saves GBK/GB18030, WPS may save UTF-16 (often tab-separated), "CSV UTF-8"
starts with a byte-order mark. All of these are detected and read; any other encoding is refused by name.

XLSX is a zip of XML: a few hundred kilobytes can expand to gigabytes and millions of rows. Before anything
is parsed, the zip's directory is checked (declared sizes are also what the zip reader enforces while
inflating): too much decompressed data, an absurd compression ratio, or content that is not a workbook at
all is refused. Rows are then streamed one by one from the sheet's XML and reading stops at the row limit.
"""

from __future__ import annotations

import csv
import datetime
import io
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

#: Largest upload accepted at all (the form refuses bigger files before they are read).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Largest total size an XLSX may expand to; a 5,000-row catalogue with long descriptions needs ~10 MB.
MAX_XLSX_EXPANDED_BYTES = 50 * 1024 * 1024
#: Compression ratio above which a large zip member is treated as a bomb (real sheets compress ~5–20×).
MAX_XLSX_RATIO = 100
MAX_XLSX_MEMBERS = 1000
#: Columns read per row; a catalogue has ten, and a sheet claiming 16,384 columns must not make rows wide.
MAX_COLUMNS = 64
#: Empty rows tolerated on top of the row limit (people leave gaps) before the file counts as too long.
MAX_BLANK_ROWS = 1000


class FileRefused(Exception):
    """The file cannot be read at all; the message (translated) says why and what to do."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet program shows it, cells)
    encoding: str | None = None  # CSV only
    kind: str = "csv"


def read_table(data: bytes, filename: str, *, max_rows: int) -> Table:
    """The header and up to max_rows non-empty data rows of a CSV or XLSX file; raises FileRefused."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRefused(too_large_message())
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _collect(_xlsx_rows(data), max_rows=max_rows, kind="xlsx")
    if name.endswith(".csv"):
        text, encoding = decode_csv(data)
        table = _collect(_csv_rows(text), max_rows=max_rows, kind="csv")
        table.encoding = encoding
        return table
    raise FileRefused(_("Upload a .csv or .xlsx file."))


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB; split it into smaller files.") % {
        "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
    }


def _collect(rows, *, max_rows: int, kind: str) -> Table:
    header, data_rows, seen = None, [], 0
    for number, cells in rows:
        seen += 1
        if seen > max_rows + 1 + MAX_BLANK_ROWS:
            raise FileRefused(_too_many_rows(max_rows))
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        if len(data_rows) == max_rows:
            raise FileRefused(_too_many_rows(max_rows))
        data_rows.append((number, cells))
    if header is None:
        raise FileRefused(_("The file is empty."))
    return Table(header=header, rows=data_rows, kind=kind)


def _too_many_rows(max_rows: int) -> str:
    return _("The file has more than %(n)d rows; import at most %(n)d products at once.") % {"n": max_rows}


# --- CSV ---------------------------------------------------------------------------------------------------

_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16BE"),
)


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of the encoding it was in; raises FileRefused naming any other."""
    if data.startswith(_UTF32_BOMS):
        raise FileRefused(_unsupported("UTF-32"))
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], codec, label), label
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode(data, *utf16), utf16[1]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text, "GB18030"
    raise FileRefused(_unsupported(_guess_encoding(data)))


def _decode(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file says it is %(encoding)s but contains bytes that are not valid %(encoding)s.")
            % {"encoding": label}
        ) from None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text has a NUL in every other byte wherever it holds ASCII (commas, digits, line ends)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    odd_nuls, even_nuls = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls == 0:
        return "utf-16-le", "UTF-16LE"
    if even_nuls > half * 0.3 and odd_nuls == 0:
        return "utf-16-be", "UTF-16BE"
    return None


def _reads_as_chinese(text: str) -> bool:
    """Bytes of another legacy encoding (Big5, Shift_JIS…) often also decode as GB18030, into rare
    characters; text really written in GBK is mostly the common characters of GB2312."""
    others = [char for char in text if ord(char) > 0x7F]
    if not others:
        return True
    common = 0
    for char in others:
        try:
            char.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(others)


def _guess_encoding(data: bytes) -> str:
    """A name for an encoding we refuse, so the seller knows what to change (a best guess)."""
    sample = data[:65536]

    def share(codec, low, high):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            return 0.0
        others = [char for char in text if ord(char) > 0x7F]
        return sum(low <= ord(char) <= high for char in others) / max(len(others), 1)

    if share("cp932", 0x3040, 0x30FF) > 0.2:  # kana: Japanese
        return "Shift_JIS"
    if share("big5", 0x4E00, 0x9FFF) > 0.9:
        return "Big5"
    if share("cp949", 0xAC00, 0xD7A3) > 0.5:  # Hangul
        return "EUC-KR"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        return _("an unknown encoding")
    return best.encoding.replace("_", "-").upper()


def _unsupported(encoding: str) -> str:
    return _(
        "The CSV file is encoded as %(encoding)s, which cannot be read. In Excel or WPS choose "
        "“Save as” → “CSV UTF-8”, or save it as GBK/GB18030 or UTF-16."
    ) % {"encoding": encoding}


def _csv_rows(text: str):
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells[:MAX_COLUMNS]
    except csv.Error as error:
        raise FileRefused(
            _("Row %(row)d cannot be read as CSV (%(problem)s).") % {"row": reader.line_num, "problem": error}
        ) from None


# --- XLSX --------------------------------------------------------------------------------------------------


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Distinct texts a catalogue of MAX_ROWS rows can hold; a longer shared-string table is not a catalogue.
MAX_SHARED_STRINGS = 200_000


def _xlsx_rows(data: bytes):
    """The first worksheet's rows, streamed straight from the zip.

    openpyxl (even read-only) scans a whole sheet that lacks a <dimension> element before the first row,
    which a small hostile file exploits; this reader parses one row at a time and its caller stops at the
    row limit, so the work done is bounded by the limit, not by what the file claims or contains.
    """
    archive = _check_xlsx_container(data)
    try:
        sheet_path = _first_sheet_path(archive)
        shared = _shared_strings(archive)
        with archive.open(sheet_path) as source:
            _refuse_doctype(source.peek(2048) if hasattr(source, "peek") else b"")
            yield from _sheet_rows(source, shared)
    except FileRefused:
        raise
    except (KeyError, ValueError, IndexError, ET.ParseError, zipfile.BadZipFile, OSError, EOFError):
        raise FileRefused(_("The file is not a readable XLSX workbook.")) from None


def _refuse_doctype(head: bytes) -> None:
    # Spreadsheet XML never declares a DTD; entity tricks (billion laughs) need one.
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise FileRefused(_("The file is not a readable XLSX workbook."))


def _xml(archive, name: str):
    raw = archive.read(name)
    _refuse_doctype(raw[:2048])
    return ET.fromstring(raw)


def _first_sheet_path(archive) -> str:
    workbook = _xml(archive, "xl/workbook.xml")
    sheet = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        raise FileRefused(_("The workbook has no worksheet."))
    relation = sheet.get(f"{_DOC_RELS}id")
    for rel in _xml(archive, "xl/_rels/workbook.xml.rels").iter(f"{_PKG_RELS}Relationship"):
        if rel.get("Id") == relation:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise FileRefused(_("The workbook has no worksheet."))


def _shared_strings(archive) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as source:
        _refuse_doctype(source.peek(2048) if hasattr(source, "peek") else b"")
        for _event, element in ET.iterparse(source, events=("end",)):
            if element.tag == f"{_MAIN}si":
                strings.append(_rich_text(element))
                element.clear()
                if len(strings) > MAX_SHARED_STRINGS:
                    raise FileRefused(_too_many_rows(MAX_SHARED_STRINGS))
    return strings


def _rich_text(element) -> str:
    """The text of a string item: its own <t> or its runs' <t>, not the phonetic (furigana) runs."""
    parts = [node.text or "" for node in element.findall(f"{_MAIN}t")]
    parts += [node.text or "" for node in element.findall(f"{_MAIN}r/{_MAIN}t")]
    return "".join(parts)


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index


def _sheet_rows(source, shared: list[str]):
    number = 0
    for _event, element in ET.iterparse(source, events=("end",)):
        if element.tag != f"{_MAIN}row":
            continue
        number = int(element.get("r") or number + 1)
        cells, position = {}, 0
        for cell in element.iter(f"{_MAIN}c"):
            reference = cell.get("r")
            position = _column_index(reference) if reference else position + 1
            if 0 < position <= MAX_COLUMNS:
                cells[position] = _cell_value(cell, shared)
        element.clear()
        yield number, [cells.get(column, "") for column in range(1, max(cells, default=0) + 1)]


def _cell_value(cell, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return _rich_text(inline) if inline is not None else ""
    value = cell.findtext(f"{_MAIN}v")
    if value is None:
        return ""
    if kind == "s":
        return shared[int(value)]
    if kind == "b":
        return cell_text(value.strip() == "1")
    if kind in ("str", "e"):
        return value
    number = value.strip()
    if re.fullmatch(r"-?\d+", number):
        return str(int(number))
    return cell_text(float(number))


def _check_xlsx_container(data: bytes) -> zipfile.ZipFile:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _(
                "This is an old Excel 97–2003 (.xls) workbook or a password-protected one. Save it as "
                "“Excel workbook (*.xlsx)” without a password."
            )
        )
    not_xlsx = _("The file is named .xlsx but is not an XLSX workbook.")
    if not data.startswith(b"PK\x03\x04"):
        raise FileRefused(not_xlsx)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused(not_xlsx) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise FileRefused(not_xlsx)
    expanded = sum(member.file_size for member in members)
    absurd = any(
        member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_XLSX_MEMBERS or expanded > MAX_XLSX_EXPANDED_BYTES or absurd:
        raise FileRefused(
            _(
                "The workbook expands to %(mb)d MB of data, far more than a catalogue of at most "
                "%(limit)d MB; it was refused unread. Save only the catalogue sheet as a new file."
            )
            % {"mb": expanded // (1024 * 1024), "limit": MAX_XLSX_EXPANDED_BYTES // (1024 * 1024)}
        )
    return archive


def cell_text(value) -> str:
    """A spreadsheet cell as the text a seller typed: 80 not 80.0, 39.9 not 39.900000000000006."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def normalise_number(text: str) -> str:
    """Full-width digits (３９．９０), yuan signs and thousands separators as typed in Chinese offices."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.removeprefix("¥").removesuffix("元").replace(",", "").strip()
    return text
