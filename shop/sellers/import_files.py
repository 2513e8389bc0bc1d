"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text, whatever office program wrote it,
without letting a hostile file hold a worker.

CSV: Excel on a Chinese Windows saves GBK/GB18030, WPS may save UTF-16 (often tab-separated), "CSV UTF-8"
starts with a byte-order mark. All of these are detected and read; any other encoding is refused by name.

XLSX is a zip of XML: a few hundred kilobytes can expand to gigabytes and millions of rows. Before anything
is parsed, the zip's directory is checked (declared sizes are also what the zip reader enforces while
inflating): too much decompressed data, an absurd compression ratio, or content that is not a workbook at
all is refused. Rows are then streamed (openpyxl's read-only mode) and reading stops at the row limit.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal

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


def _xlsx_rows(data: bytes):
    _check_xlsx_container(data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(_("The file is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise FileRefused(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                yield number, [cell_text(value) for value in values]
        except FileRefused:
            raise
        except Exception:  # noqa: BLE001 - malformed sheet XML
            raise FileRefused(_("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()


def _check_xlsx_container(data: bytes) -> None:
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
