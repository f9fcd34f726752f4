"""Spreadsheet files in and out: read what people really upload, write exports that stay data.

Reading: the kind of an uploaded file is told by its bytes, never by its name, so a clerk does
not pick a format and a "bao-cao.xlsx" that is really a PNG, a PDF, an encrypted or damaged
workbook is refused with a message saying what to do. XLSX is read without evaluating formulas
(a formula cell arrives as its text, ``=SUM(…)``, marked as a formula so that the row can say
so); ODS likewise; CSV is decoded from UTF-8 (with or without BOM), UTF-16 or a Windows code
page (cp1258 Vietnamese, cp1252) and its delimiter (comma, semicolon, tab) is detected. Empty
rows and trailing empty columns are dropped, and every data row keeps the number the
spreadsheet shows for it (header = row 1) in the hidden ``ROW_NUMBER`` column.

Writing: text that a spreadsheet would run as a formula is escaped (``escape_cell``); numbers
stay numbers (numeric cells in XLSX and ODS; in CSV the Vietnamese way, 1,75, so that a
re-import cannot mistake a decimal point for a thousands separator); CSV is UTF-8 with a BOM
so that Excel shows Vietnamese.
"""

import codecs
import csv
import datetime
import io
import json
import re
import unicodedata
import warnings
import zipfile
from decimal import Decimal

import tablib
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from import_export.formats.base_formats import Format

from indicators.spreadsheets.escaping import escape_cell
from portal.formatting import format_number

#: The hidden column that carries each data row's number as the spreadsheet shows it.
ROW_NUMBER = "__row__"
MAX_COLUMNS = 256
MAX_ROWS = 200_000
#: A workbook may not unpack to more than this many times the upload limit (zip bombs).
MAX_EXPANSION = 40

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


class SpreadsheetError(Exception):
    """A file that cannot be read as a table; the message is for the user."""


class FormulaText(str):
    """The text of a formula cell (``=SUM(B2:B4)``): read, never evaluated, never accepted."""


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"%PDF", "PDF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x1f\x8b", "gzip"),
    (b"BM", "BMP"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"RIFF", "RIFF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
]
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Bytes that cp1258 (Vietnamese) reads differently from cp1252: Ă ă Đ đ Ơ ơ Ư ư ₫ and the
# combining tone marks. A legacy file that has any of them is read as Vietnamese.
CP1258_BYTES = frozenset(b"\xc3\xcc\xd0\xd2\xd5\xdd\xde\xe3\xec\xf0\xf2\xf5\xfd\xfe")


def not_a_spreadsheet(kind):
    return SpreadsheetError(
        _(
            "This file is not a spreadsheet (it looks like %(kind)s). Upload an Excel (.xlsx), "
            "LibreOffice (.ods) or CSV file."
        )
        % {"kind": kind}
    )


def damaged():
    return SpreadsheetError(
        _(
            "This spreadsheet is damaged or incomplete and cannot be read. Open it in Excel or "
            "LibreOffice, save it again and upload the new file."
        )
    )


def too_big(size):
    return SpreadsheetError(
        _(
            "The file is %(size)s, more than the %(limit)s allowed. Split it into smaller files "
            "(for example one per quarter) and import them one after another."
        )
        % {"size": human_size(size), "limit": human_size(settings.IMPORT_MAX_BYTES)}
    )


def human_size(size):
    if size >= 1024 * 1024:
        return f"{format_number(Decimal(size) / (1024 * 1024), 1)} MB"
    return f"{format_number(Decimal(size) / 1024, 0)} KB"


def sniff(data):
    """The kind of file the bytes are: "xlsx", "ods", "csv" or "json"; raise SpreadsheetError."""
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(ZIP_SIGNATURES):
        return _sniff_zip(data)
    if data.startswith(OLE_SIGNATURE):
        raise SpreadsheetError(
            _(
                "This workbook is protected by a password, or saved in the old Excel 97–2003 "
                "format (.xls), which cannot be read. Open it in Excel, remove the password "
                "(File → Info → Protect Workbook) and save it as an Excel Workbook (.xlsx), then "
                "upload that file."
            )
        )
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            raise not_a_spreadsheet(kind)
    text = decode_text(data)
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        return "json"
    if start == "<":
        raise SpreadsheetError(
            _(
                "This file is a web page or XML (HTML), not a spreadsheet, even if its name ends "
                "in .xls. Open it in Excel and save it as an Excel Workbook (.xlsx)."
            )
        )
    return "csv"


def _sniff_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise damaged() from None
    if unpacked > MAX_EXPANSION * settings.IMPORT_MAX_BYTES:
        raise too_big(unpacked)
    if mimetype == ODS_TYPE.encode():
        return "ods"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise not_a_spreadsheet(_("an OpenDocument text or presentation"))
    if any(n.startswith("word/") for n in names):
        raise not_a_spreadsheet(_("a Word document"))
    if any(n.startswith("ppt/") for n in names):
        raise not_a_spreadsheet(_("a PowerPoint presentation"))
    raise not_a_spreadsheet(_("a ZIP archive"))


def decode_text(data):
    """Text of a CSV or JSON file in whichever encoding Excel or a script saved it."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return unicodedata.normalize("NFC", data.decode("utf-16"))
        except UnicodeDecodeError:
            raise not_a_spreadsheet(_("a binary file")) from None
    if b"\x00" in data[:65536]:
        raise not_a_spreadsheet(_("a binary file"))
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if controls > len(sample) // 100:
        raise not_a_spreadsheet(_("a binary file"))
    for encoding in _encodings(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return unicodedata.normalize("NFC", text)
    raise not_a_spreadsheet(_("a binary file"))


def _encodings(data):
    if any(b in CP1258_BYTES for b in data):
        return ("utf-8", "cp1258", "cp1252")
    return ("utf-8", "cp1252", "cp1258")


def _is_empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_text(value):
    if type(value) is str:
        return unicodedata.normalize("NFC", value)
    return value


def read_rows(data):
    """The file's rows as (spreadsheet row number, [cell values]), empty rows left out."""
    kind = sniff(data)
    reader = {"xlsx": _xlsx_rows, "ods": _ods_rows, "csv": _csv_rows, "json": _json_rows}[kind]
    return kind, reader(data)


def read_dataset(data):
    """A tablib Dataset of the file: headers from the first non-empty row, one row per record.

    Trailing empty columns are dropped; each row carries its spreadsheet number in ROW_NUMBER.
    """
    if data is None:  # the pending file expired from the temporary storage
        raise SpreadsheetError(_("The uploaded file is no longer available: upload it again."))
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise too_big(len(data))
    _kind, rows = read_rows(data)
    rows = [(number, cells) for number, cells in rows if not all(map(_is_empty, cells))]
    if not rows:
        raise SpreadsheetError(_("The file has no rows: it is blank."))
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has more than %(count)s rows. Split it into smaller files.")
            % {"count": format_number(MAX_ROWS)}
        )
    _header_number, header = rows[0]
    headers = ["" if _is_empty(h) else str(h).strip() for h in header[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise SpreadsheetError(_("The first row of the file has no column headers."))
    width = len(headers)
    dataset = tablib.Dataset(headers=[*headers, ROW_NUMBER])
    for number, cells in rows[1:]:
        cells = list(cells[:width]) + [None] * (width - len(cells))
        if all(map(_is_empty, cells)):
            continue  # something only in columns without a header
        dataset.append([*cells, number])
    if not len(dataset):
        raise SpreadsheetError(
            _("The file has a header row but no data below it: fill in one row per record.")
        )
    return dataset


def _xlsx_rows(data):
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise damaged() from None
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # dimensions written by some programs are wrong
            rows = []
            try:
                for number, row in enumerate(sheet.iter_rows(), start=1):
                    cells = [_xlsx_value(cell) for cell in row[:MAX_COLUMNS]]
                    if not all(map(_is_empty, cells)):
                        rows.append((number, cells))
                    if len(rows) > MAX_ROWS:
                        break
            except Exception:
                raise damaged() from None
            if rows:
                return rows
        return []
    finally:
        book.close()


def _xlsx_value(cell):
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (value is not None and hasattr(value, "text")):
        text = value if isinstance(value, str) else f"={getattr(value, 'text', '') or ''}"
        return FormulaText(text)
    return _clean_text(value)


def _ods_rows(data):
    from odf import opendocument, teletype
    from odf.namespaces import OFFICENS, TABLENS

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = opendocument.load(io.BytesIO(data))
    except Exception:
        raise damaged() from None

    def attribute(node, name):
        return node.attributes.get((TABLENS, name))

    def cell_value(cell):
        formula = attribute(cell, "formula")
        if formula:
            prefix, _colon, rest = formula.partition(":")
            text = rest if rest and prefix in ("of", "oooc", "msoxl") else formula
            return FormulaText(text if text.startswith("=") else "=" + text)
        kind = cell.attributes.get((OFFICENS, "value-type"))
        if kind in ("float", "percentage", "currency"):
            return Decimal(cell.attributes.get((OFFICENS, "value")))
        if kind == "date":
            raw = cell.attributes.get((OFFICENS, "date-value"))
            try:
                if "T" in raw:
                    return datetime.datetime.fromisoformat(raw)
                return datetime.date.fromisoformat(raw)
            except ValueError:
                return raw
        if kind == "boolean":
            return cell.attributes.get((OFFICENS, "boolean-value")) == "true"
        paragraphs = [
            teletype.extractText(node) for node in cell.childNodes if node.qname[1] == "p"
        ]
        text = "\n".join(paragraphs)
        return unicodedata.normalize("NFC", text) if text else None

    def table_rows(node):
        for child in node.childNodes:
            name = child.qname[1] if child.qname else ""
            if name == "table-row":
                yield child
            elif name in ("table-header-rows", "table-rows", "table-row-group"):
                yield from table_rows(child)

    try:
        for sheet in document.spreadsheet.childNodes:
            if sheet.qname[1] != "table":
                continue
            rows, number = [], 0
            for row in table_rows(sheet):
                repeat = int(attribute(row, "number-rows-repeated") or 1)
                cells = []
                for cell in row.childNodes:
                    if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                        continue
                    times = int(attribute(cell, "number-columns-repeated") or 1)
                    value = cell_value(cell)
                    cells.extend([value] * min(times, MAX_COLUMNS - len(cells)))
                    if len(cells) >= MAX_COLUMNS:
                        break
                if all(map(_is_empty, cells)):
                    number += repeat
                    continue
                for _i in range(min(repeat, MAX_ROWS)):
                    number += 1
                    rows.append((number, list(cells)))
                if len(rows) > MAX_ROWS:
                    break
            if rows:
                return rows
    except (ValueError, TypeError, AttributeError):
        raise damaged() from None
    return []


def _csv_rows(data):
    text = decode_text(data)
    lines = text.splitlines()
    delimiter = None
    skip = 0
    first = next((line for line in lines if line.strip()), "")
    match = re.fullmatch(r"\s*\"?sep=(.)\"?\s*", first, flags=re.IGNORECASE)
    if match:  # Excel's "sep=;" first line names the delimiter and is not shown as a row
        delimiter = match.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
        skip = 1
    if delimiter is None:
        delimiter = detect_delimiter(lines[skip : skip + 50])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                rows.append((number, record[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error:
        raise damaged() from None
    return rows


def detect_delimiter(lines):
    """The delimiter that splits the header into most columns, consistently over the rows."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for candidate in (",", ";", "\t", "|"):
        records = list(csv.reader(lines, delimiter=candidate))
        width = len(records[0])
        if width < 2:
            continue
        consistent = sum(1 for r in records if len(r) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _json_rows(data):
    try:
        records = json.loads(decode_text(data), parse_float=Decimal)
    except ValueError:
        raise damaged() from None
    if isinstance(records, dict):
        records = next((v for v in records.values() if isinstance(v, list)), [records])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SpreadsheetError(
            _("This JSON file is not a list of records (one object per row, keyed by column).")
        )
    headers = []
    for record in records:
        headers.extend(key for key in record if key not in headers)
    rows = [(1, headers)]
    for number, record in enumerate(records, start=2):
        rows.append((number, [_json_cell(record.get(h)) for h in headers]))
    return rows


def _json_cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return _clean_text(value)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _export_value(value):
    """Escape formula-like text; make datetimes naive local time (spreadsheets have no zone)."""
    if isinstance(value, Promise):  # a lazy translation, e.g. a choice's label
        value = str(value)
    value = escape_cell(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _vietnamese_number(value):
    """1,75 and 4884: no thousands separator, a decimal comma; unambiguous for parse_number."""
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            return str(int(value))
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return _vietnamese_number(Decimal(repr(value)))
    return str(value)


def _xlsx_cell(value):
    value = _export_value(value)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
    return value


def write_xlsx(headers, rows, title, notes=None):
    """An XLSX workbook's bytes: bold frozen header, numbers numeric, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\\*?:/\[\]]", "-", title)[:31] or "Sheet1"
    sheet.append([_xlsx_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = []
        for value in row:
            value = _xlsx_cell(value)
            if isinstance(value, Decimal):
                value = value.normalize()
                value = int(value) if value == value.to_integral_value() else value
                values.append((value, "#,##0" if isinstance(value, int) else "#,##0.####"))
            elif isinstance(value, datetime.datetime):
                values.append((value, "dd/mm/yyyy hh:mm"))
            elif isinstance(value, datetime.date):
                values.append((value, "dd/mm/yyyy"))
            else:
                values.append((value, None))
        sheet.append([v for v, _f in values])
        for index, (value, number_format) in enumerate(values):
            if number_format:
                sheet.cell(row=sheet.max_row, column=index + 1).number_format = number_format
            if index < len(widths):
                widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    if notes:
        guide = book.create_sheet(notes[0])
        for line in notes[1]:
            guide.append([_xlsx_cell(v) for v in line])
        for cell in guide[1]:
            cell.font = Font(bold=True)
        for column, width in zip("ABC", (24, 12, 90), strict=True):
            guide.column_dimensions[column].width = width
        for row in guide.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def write_ods(headers, rows, title):
    dataset = tablib.Dataset(headers=[_export_value(h) for h in headers], title=title[:31])
    for row in rows:
        cells = []
        for value in row:
            value = _export_value(value)
            if isinstance(value, Decimal):
                value = value.normalize()
                value = int(value) if value == value.to_integral_value() else value
            cells.append(value)
        dataset.append(cells)
    return dataset.export("ods")


def write_csv(headers, rows):
    """CSV bytes, UTF-8 with a BOM (so that Excel reads Vietnamese), comma-separated."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([_export_value(h) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            value = _export_value(value)
            if isinstance(value, Decimal | float):
                value = _vietnamese_number(value)
            elif isinstance(value, datetime.datetime):
                value = value.strftime("%d/%m/%Y %H:%M")
            elif isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            elif value is None:
                value = ""
            cells.append(value)
        writer.writerow(cells)
    return codecs.BOM_UTF8 + output.getvalue().encode("utf-8")


def _json_value(value):
    value = _export_value(value)
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_json(headers, rows):
    records = [dict(zip(headers, map(_json_value, row), strict=True)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Formats for django-import-export
# ---------------------------------------------------------------------------------------------


class SpreadsheetFormat(Format):
    """A format of ours: binary in and out, so that bytes reach the reader untouched."""

    title = ""
    extension = ""
    content_type = "application/octet-stream"

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return self.title

    def get_extension(self):
        return self.extension

    def get_content_type(self):
        return self.content_type

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def can_import(self):
        return True

    def can_export(self):
        return True

    def create_dataset(self, in_stream):
        return read_dataset(in_stream)

    def export_data(self, dataset, **kwargs):
        return self.write(list(dataset.headers or []), list(dataset), dataset.title or "")

    def write(self, headers, rows, title):
        raise NotImplementedError


class XLSX(SpreadsheetFormat):
    title = "xlsx"
    extension = "xlsx"
    content_type = XLSX_TYPE

    def write(self, headers, rows, title):
        return write_xlsx(headers, rows, title or "Sheet1")


class ODS(SpreadsheetFormat):
    title = "ods"
    extension = "ods"
    content_type = ODS_TYPE

    def write(self, headers, rows, title):
        return write_ods(headers, rows, title or "Sheet1")


class CSV(SpreadsheetFormat):
    title = "csv"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def write(self, headers, rows, title):
        return write_csv(headers, rows)


class JSON(SpreadsheetFormat):
    title = "json"
    extension = "json"
    content_type = "application/json"

    def write(self, headers, rows, title):
        return write_json(headers, rows)


class AnySpreadsheet(SpreadsheetFormat):
    """The import format: XLSX, ODS, CSV or JSON, told apart by the file's bytes."""

    title = "xlsx · ods · csv"

    def can_export(self):
        return False


EXPORT_FORMATS = [XLSX, ODS, CSV, JSON]
IMPORT_FORMATS = [AnySpreadsheet]
