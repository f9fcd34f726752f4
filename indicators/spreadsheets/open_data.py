"""Open data: the figures of a public results page as CSV or XLSX, the numbers on the screen.

One row per indicator, unit and month (long format, the easiest to filter and pivot), only
approved figures, every number rounded as the page shows it (the indicator's decimals, the
percent of the target with one decimal). CSV is UTF-8 with a BOM and decimal commas, XLSX keeps
numbers as numbers; text is escaped so that nothing can run as a formula (the helpers of
``streaming``). The files are small (one district's year), so they are built whole and cached
by the results views until the figures change.
"""

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from indicators.spreadsheets.escaping import escape_cell
from indicators.spreadsheets.official import shown_decimals
from indicators.spreadsheets.streaming import BOM, _csv_text, write_xlsx

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def columns():
    return [
        _("Unit code"),
        _("Unit"),
        _("Program"),
        _("Indicator code"),
        _("Indicator"),
        _("Unit of measure"),
        _("Year"),
        _("Month"),
        _("Figure of the month"),
        _("Year to date or latest value"),
        _("Out of"),
        _("Target"),
        _("Percent of target"),
        _("Figures as of"),
    ]


def _rounded(value, decimals):
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def figure_row(program, figure):
    """The cells of one figure, rounded as ``Figure``'s texts write it."""
    indicator, unit = figure.indicator, figure.unit
    decimals = shown_decimals(indicator)
    return [
        unit.code,
        unit.full_name,
        program.name,
        indicator.code,
        indicator.name,
        "%" if indicator.kind == "ratio" else indicator.unit_of_measure,
        figure.year,
        figure.month,
        _rounded(figure.month_value, decimals),
        _rounded(figure.value, decimals),
        figure.out_of if figure.value is not None else None,
        _rounded(figure.target, decimals),
        _rounded(figure.percent, 1),
        figure.as_of.isoformat() if figure.as_of else None,
    ]


def report_rows(reports, *, unit=None, with_units=True):
    """Rows of the given monthly reports: the jurisdiction and its units, or one unit only."""
    for report in reports:
        for program, rows in report.programs:
            for row in rows:
                if unit is not None:
                    if unit.pk in row.by_unit:
                        yield figure_row(program, row.by_unit[unit.pk])
                    continue
                yield figure_row(program, row.total)
                if with_units:
                    for figure in row.by_unit.values():
                        yield figure_row(program, figure)


def csv_bytes(rows):
    """The rows as CSV bytes: UTF-8 with a BOM, decimal commas, formula-like text escaped."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(columns())
    for row in rows:
        writer.writerow([escape_cell(_csv_text(cell)) if cell is not None else "" for cell in row])
    return (BOM + output.getvalue()).encode("utf-8")


def xlsx_bytes(rows, title):
    """The rows as an XLSX workbook (numbers stay numbers)."""
    with write_xlsx(columns(), rows, title) as output:
        return output.read()


def file_content(fmt, rows, title):
    """(bytes, content type) of the rows in the format, "csv" or "xlsx"."""
    if fmt == "xlsx":
        return xlsx_bytes(rows, title), XLSX_TYPE
    return csv_bytes(rows), CSV_TYPE
