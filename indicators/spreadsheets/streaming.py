"""Large exports of monthly figures that stream instead of building the file in memory.

CSV goes out row by row as the database cursor reads them (UTF-8 with a BOM, so that Excel
shows Vietnamese). XLSX is written with openpyxl's write-only mode into a temporary file that
spills to disk, so memory stays flat whatever the number of rows. Text cells are escaped so
that nothing in an exported file can run as a formula; numbers stay numbers.
"""

import csv
import re
import tempfile
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.models import ReportStatus
from indicators.spreadsheets.escaping import escape_cell

CHUNK = 2000
BOM = "\ufeff"


def figure_columns():
    """The columns of a figures export: natural keys first, as the import expects them."""
    return [
        _("Unit code"),
        _("Unit"),
        _("Indicator code"),
        _("Indicator"),
        _("Year"),
        _("Month"),
        _("Value"),
        _("Estimate"),
        _("Note"),
        _("Status"),
    ]


def figure_rows(queryset):
    """Yield one list of cell values per figure, reading the database in chunks."""
    statuses = dict(ReportStatus.choices)
    rows = queryset.order_by(
        "report__year", "report__month", "report__unit__order", "indicator__code"
    ).values_list(
        "report__unit__code",
        "report__unit__name",
        "indicator__code",
        "indicator__name",
        "report__year",
        "report__month",
        "value",
        "is_estimate",
        "note",
        "report__status",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        unit_code, unit, code, name, year, month, value, estimate, note, status = row
        yield [
            unit_code,
            unit,
            code,
            name,
            year,
            month,
            _normal(value),
            _("yes") if estimate else "",
            note,
            str(statuses.get(status, status)),
        ]


def _normal(value):
    """4884.0000 → 4884 and 1.7500 → 1.75, so that the sheet shows what was typed."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else value
    return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def stream_csv(columns, rows, filename):
    """A streaming CSV response (UTF-8 with BOM), formula-like text escaped."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow(columns)
        for row in rows:
            yield writer.writerow([escape_cell(_csv_text(cell)) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_text(value):
    """Decimals with a comma (1,75), the way the import reads them back unambiguously."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return format(value, "f").rstrip("0").rstrip(".").replace(".", ",")
    return value


def write_xlsx(columns, rows, title):
    """Write rows to an XLSX file in write-only mode; return the file, rewound."""
    workbook = Workbook(write_only=True)
    # A sheet's title may not hold \ * ? : / [ ] (a program named "A / B", say).
    title = ILLEGAL_CHARACTERS_RE.sub("", re.sub(r"[\\*?:/\[\]]", "-", title))
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    sheet.append(columns)
    for row in rows:
        cells = []
        for value in row:
            value = escape_cell(value)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
            if isinstance(value, Decimal):
                if value == value.to_integral_value():
                    value = int(value)
                else:
                    # Only fractional numbers need a format; plain values are written faster.
                    value = WriteOnlyCell(sheet, value=float(value))
                    value.number_format = "#,##0.####"
            cells.append(value)
        sheet.append(cells)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def stream_xlsx(columns, rows, filename, title):
    return FileResponse(
        write_xlsx(columns, rows, title),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def figures_export_view(request, queryset):
    """Every figure the user may see (optionally one year or month), as CSV or XLSX."""
    filters = {}
    for name, lookup in (("year", "report__year"), ("month", "report__month")):
        value = request.GET.get(name, "")
        if value.isdecimal():  # not isdigit(): int() cannot read "²"
            filters[lookup] = int(value)
    queryset = queryset.filter(**filters)
    suffix = "-".join(str(filters[k]) for k in ("report__year", "report__month") if k in filters)
    filename = "so-lieu" + (f"-{suffix}" if suffix else "")
    rows = figure_rows(queryset)
    if request.GET.get("format") == "xlsx":
        return stream_xlsx(figure_columns(), rows, f"{filename}.xlsx", _("Figures"))
    return stream_csv(figure_columns(), rows, f"{filename}.csv")
