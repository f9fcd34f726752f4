"""The official report workbook a district sends upward (issue point 7).

One .xlsx file for a month, a quarter or the year to date, and the programs chosen: title rows
(agency, report, period, date of export), a two-row header, then each program in bold followed
by its indicators, with the target, the figure of the period, the year to date (the latest
figure for a count as of a date) and the percent of the target — for the district and each
commune, side by side (``layout="columns"``) or one sheet per unit (``layout="sheets"``).

Every figure comes from ``indicators.reporting.build_report``, as on the district report page,
and reads the same:

- numbers are stored as numbers, rounded as the portal shows them (the indicator's decimals,
  half up) and given a number format that writes them the same way: ``#,##0`` or
  ``#,##0.00``; a rate is stored as a fraction with a percent format (``1,75%``); the percent
  of the target is stored as a fraction with one decimal (``85,7%``); an amount in đồng
  carries ``" đồng"`` in its format; "12 of 15" keeps the number 12 and shows ``12/15`` through
  its format, so the number stays a number;
- a figure not reported is an empty cell, never 0; a cell of an indicator the unit does not
  enter is empty and grey.

A quarter runs from the first month of the quarter containing the chosen month to the chosen
month: choose the quarter's last month for the whole quarter, an earlier month for the quarter
so far (the year to date then ends at that month too).

Figures not yet approved are left out (only approved months count, as for the public), or
counted and marked: a cell is marked (italic, light orange) when it differs from what it would
be with approved months only, and the row's note says so. Building the workbook reads the
figures in a fixed number of queries (two reports when marking), whatever the number of
indicators and units.
"""

import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from indicators.models import IndicatorKind, Program, can_see_all_units
from indicators.reporting import HUNDRED, build_report
from indicators.spreadsheets.escaping import escape_cell
from portal import formatting
from portal.models import SiteSettings

PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YTD = "month", "quarter", "ytd"
LAYOUT_COLUMNS, LAYOUT_SHEETS = "columns", "sheets"
LEAVE_OUT, MARK = "leave_out", "mark"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
PERCENT_FORMAT = "#,##0.0%"  # the percent of the target: one decimal, as percent_text
FIGURE_TEXTS = ("target_text", "month_text", "value_text", "percent_text")

# The columns before the figures: STT, code, indicator, unit of measure.
LABEL_COLUMNS = 4
LABEL_WIDTHS = [6, 12, 46, 11]
NUMBER_WIDTH = 14
NOTE_WIDTH = 18
UNITS_A_PAGE = 2  # communes on each printed page of the side-by-side layout
MARGIN = 0.4  # inches, left and right
# The printable width at 96 dpi, less a tenth for fonts wider than the one the widths assume.
A4_LANDSCAPE_PIXELS = int((297 / 25.4 - 2 * MARGIN) * 96 * 0.9)

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
PROGRAM_FILL = PatternFill("solid", fgColor="F2F2F2")
NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="D9D9D9")
UNAPPROVED_FILL = PatternFill("solid", fgColor="FCE4D6")
FONT_NAME = "Times New Roman"  # the font of Vietnamese administrative documents
PLAIN = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
PERIOD_FONT = Font(name=FONT_NAME, size=12, bold=True)
UNAPPROVED_FONT = Font(name=FONT_NAME, size=11, italic=True)
LINE_HEIGHT = 15  # points, a line of 11-point text
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The months a report covers: ``start`` to ``month`` for "this period", 1 to ``month``
    for the year to date."""

    kind: str
    year: int
    month: int
    start: int

    @property
    def quarter(self):
        return (self.month - 1) // 3 + 1

    @property
    def is_whole_quarter(self):
        return self.month % 3 == 0

    @property
    def text(self):
        """Tháng 10/2022 · Quý IV/2022 · Từ đầu năm đến tháng 10/2022."""
        values = {"month": self.month, "year": self.year, "quarter": ROMAN[self.quarter - 1]}
        if self.kind == PERIOD_MONTH:
            return _("Month %(month)s/%(year)s") % values
        if self.kind == PERIOD_QUARTER:
            if self.is_whole_quarter:
                return _("Quarter %(quarter)s/%(year)s") % values
            return _("Quarter %(quarter)s/%(year)s, up to month %(month)s/%(year)s") % values
        return _("From the start of the year to month %(month)s/%(year)s") % values

    @property
    def column_label(self):
        """The heading of the "this period" column."""
        values = {"month": self.month, "quarter": ROMAN[self.quarter - 1]}
        if self.kind == PERIOD_MONTH:
            return _("In month %(month)s") % values
        if self.kind == PERIOD_QUARTER:
            return _("In quarter %(quarter)s") % values
        return _("From month 1 to month %(month)s") % values

    @property
    def filename(self):
        """bao-cao-chi-tieu-2022-10.xlsx, …-2022-quy-4.xlsx, …-2022-tu-dau-nam-den-10.xlsx."""
        stem = f"bao-cao-chi-tieu-{self.year}"
        if self.kind == PERIOD_MONTH:
            return f"{stem}-{self.month:02d}.xlsx"
        if self.kind == PERIOD_QUARTER:
            if self.is_whole_quarter:
                return f"{stem}-quy-{self.quarter}.xlsx"
            return f"{stem}-quy-{self.quarter}-den-{self.month:02d}.xlsx"
        return f"{stem}-tu-dau-nam-den-{self.month:02d}.xlsx"


def period_for(kind, year, month):
    """The period of a kind ending with a month (a quarter: from its first month)."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    if kind == PERIOD_MONTH:
        start = month
    elif kind == PERIOD_QUARTER:
        start = (month - 1) // 3 * 3 + 1
    elif kind == PERIOD_YTD:
        start = 1
    else:
        raise ValueError(f"unknown period {kind!r}")
    return Period(kind, year, month, start)


# ---------------------------------------------------------------------------------------------
# Cells: numbers as numbers, written the way the portal writes them
# ---------------------------------------------------------------------------------------------


def _rounded(value, decimals):
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _stored(value, decimals):
    """A Decimal as the number a cell holds: rounded as shown, int when it has no decimals."""
    number = _rounded(value, decimals)
    return int(number) if decimals == 0 else float(number)


def _quoted(text):
    """Literal text inside a number format."""
    return '"' + text.replace('"', "") + '"'


def _is_money(indicator):
    return indicator.kind != IndicatorKind.RATIO and indicator.unit_of_measure == "đồng"


def shown_decimals(indicator):
    """The decimals the portal writes an indicator's figures with (none for an amount)."""
    return 0 if _is_money(indicator) else indicator.decimals


def number_format(indicator, out_of=None):
    """The cell format that writes an indicator's figure as Figure's texts do."""
    decimals = shown_decimals(indicator)
    code = "#,##0" + ("." + "0" * decimals if decimals else "")
    if indicator.kind == IndicatorKind.RATIO:
        return code + "%"
    if _is_money(indicator):
        code += _quoted(" " + _("dong"))  # as format_money
    if out_of:
        code += _quoted("/" + formatting.format_number(out_of))
    return code


def figure_cells(figure):
    """(value, number format) of the target, this period, year to date and percent cells.

    The values are rounded as the portal shows them; None for a figure not reported.
    """
    indicator = figure.indicator
    is_rate = indicator.kind == IndicatorKind.RATIO
    decimals = shown_decimals(indicator)

    def number(value):
        if value is None:
            return None
        if is_rate:  # a rate in percent, stored as a fraction
            return float(_rounded(value, decimals) / HUNDRED)
        return _stored(value, decimals)

    plain = number_format(indicator)
    out_of = figure.out_of if not is_rate else None
    percent = figure.percent
    return [
        (number(figure.target), plain),
        (number(figure.month_value), plain),
        (number(figure.value), number_format(indicator, out_of)),
        (None if percent is None else float(_rounded(percent, 1) / HUNDRED), PERCENT_FORMAT),
    ]


def _changed(figure, approved):
    """Which of the four cells differ from the figure counting approved months only."""
    if approved is None:
        return [False, figure.month_value is not None, figure.value is not None, False]
    return [
        figure.target != approved.target,
        figure.month_value != approved.month_value,
        figure.value != approved.value or figure.out_of != approved.out_of,
        figure.percent != approved.percent,
    ]


# ---------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """A unit's columns: the district's total (unit_id None) or a commune's figures."""

    title: str
    unit_id: int | None
    with_note: bool

    @property
    def width(self):
        return 5 if self.with_note else 4

    def figure(self, row):
        if row is None:
            return None
        return row.total if self.unit_id is None else row.by_unit.get(self.unit_id)


def _text(ws, row, column, value, **style):
    value = escape_cell(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
    cell = ws.cell(row=row, column=column, value=value)
    cell.font = PLAIN
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def _wrap_height(ws, row, text):
    """A row tall enough for the wrapped name (spreadsheet programs keep the height saved)."""
    per_line = LABEL_WIDTHS[2]  # characters: about a character a unit of width
    lines = -(-len(text or "") // per_line)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines


def _sheet_title(name, taken):
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", re.sub(r"[\[\]:*?/\\]", " ", name)).strip()[:31]
    cleaned = cleaned or "Sheet"
    title, number = cleaned, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title


class _SheetWriter:
    def __init__(self, ws, *, period, groups, marking, approved_rows, print_columns=False):
        self.ws = ws
        self.period = period
        self.groups = groups
        self.marking = marking
        self.approved_rows = approved_rows
        self.print_columns = print_columns
        self.last_column = LABEL_COLUMNS + sum(g.width for g in groups)
        self.widths = {}  # column -> the longest text shown in it

    def _fit(self, column, text):
        self.widths[column] = max(self.widths.get(column, 0), len(text or ""))

    def titles(self, *, agency, title, unit_line, exported_at, has_grey):
        ws = self.ws
        _text(ws, 1, 1, agency, font=BOLD)
        self._centred(1, _("SOCIALIST REPUBLIC OF VIETNAM"), font=BOLD)
        self._centred(2, _("Independence – Freedom – Happiness"), font=BOLD)
        _text(ws, 4, 1, title, font=TITLE_FONT)
        _text(ws, 5, 1, self.period.text, font=PERIOD_FONT)
        _text(ws, 6, 1, unit_line)
        stamp = timezone.localtime(exported_at) if timezone.is_aware(exported_at) else exported_at
        _text(ws, 7, 1, _("Exported on %(when)s") % {"when": f"{stamp:%d/%m/%Y %H:%M}"})
        if self.marking:
            legend = _(
                "Includes figures not yet approved: they are in italics on a light orange "
                "background."
            )
            ws.cell(row=8, column=1).fill = UNAPPROVED_FILL  # a sample, then what it means
            ws.cell(row=8, column=1).border = BORDER
            _text(ws, 8, 2, legend, font=UNAPPROVED_FONT)
        else:
            _text(ws, 8, 1, _("Approved figures only."))
        if has_grey:
            ws.cell(row=9, column=1).fill = NOT_APPLICABLE_FILL
            ws.cell(row=9, column=1).border = BORDER
            _text(ws, 9, 2, _("Grey: the unit does not enter this indicator. Empty: not reported."))
        return 11  # the first header row

    def header(self, top):
        ws = self.ws
        labels = [_("No."), _("Code"), _("Indicator"), _("Unit of measure")]
        for column, label in enumerate(labels, start=1):
            _text(ws, top, column, label)
            ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
        column = LABEL_COLUMNS + 1
        figure_labels = [
            _("Target"),
            self.period.column_label,
            _("Year to date or latest"),
            _("Percent of target"),
        ]
        for group in self.groups:
            _text(ws, top, column, group.title)
            ws.merge_cells(
                start_row=top,
                start_column=column,
                end_row=top,
                end_column=column + group.width - 1,
            )
            labels = [*figure_labels, _("Note")] if group.with_note else figure_labels
            for offset, label in enumerate(labels):
                _text(ws, top + 1, column + offset, label)
            column += group.width
        for row in (top, top + 1):
            ws.row_dimensions[row].height = 32 if row == top else 50
            for column in range(1, self.last_column + 1):
                cell = ws.cell(row=row, column=column)
                cell.font, cell.fill = BOLD, HEADER_FILL
                cell.alignment, cell.border = HEADER_ALIGNMENT, BORDER
        return top + 2

    def program_row(self, row, number, program):
        ws = self.ws
        _text(ws, row, 1, ROMAN[number - 1] if number <= len(ROMAN) else number)
        _text(ws, row, 3, program.name)
        _wrap_height(ws, row, program.name)
        for column in range(1, self.last_column + 1):
            cell = ws.cell(row=row, column=column)
            cell.font, cell.fill, cell.border = BOLD, PROGRAM_FILL, BORDER
            cell.alignment = WRAP if column == 3 else TOP

    def indicator_row(self, row, number, report_row):
        ws = self.ws
        indicator = report_row.indicator
        ws.cell(row=row, column=1, value=number).font = PLAIN
        _text(ws, row, 2, indicator.code)
        _text(ws, row, 3, indicator.name)
        _text(ws, row, 4, indicator.unit_of_measure or None)
        for column in range(1, LABEL_COLUMNS + 1):
            cell = ws.cell(row=row, column=column)
            cell.border = BORDER
            cell.alignment = WRAP if column == 3 else TOP
        _wrap_height(ws, row, indicator.name)
        approved_row = self.approved_rows.get(indicator.pk) if self.marking else None
        column = LABEL_COLUMNS + 1
        for group in self.groups:
            figure = group.figure(report_row)
            cells = range(column, column + group.width)
            if figure is None:  # the unit does not enter this indicator
                for index in cells:
                    cell = ws.cell(row=row, column=index)
                    cell.fill, cell.border = NOT_APPLICABLE_FILL, BORDER
                column += group.width
                continue
            marks = [False] * 4
            if self.marking:
                marks = _changed(figure, group.figure(approved_row))
            for offset, ((value, code), marked) in enumerate(
                zip(figure_cells(figure), marks, strict=True)
            ):
                self._fit(column + offset, getattr(figure, FIGURE_TEXTS[offset]))
                cell = ws.cell(row=row, column=column + offset, value=value)
                cell.number_format, cell.border, cell.alignment = code, BORDER, TOP
                cell.font = PLAIN
                if marked:
                    cell.font, cell.fill = UNAPPROVED_FONT, UNAPPROVED_FILL
            if group.with_note:
                notes = []
                if any(marks):
                    notes.append(_("Not yet approved"))
                if figure.is_estimate and figure.value is not None:
                    notes.append(_("Estimate"))
                self._fit(column + 4, "; ".join(notes))
                cell = _text(ws, row, column + 4, "; ".join(notes) or None)
                cell.border, cell.alignment = BORDER, WRAP
                if any(marks):
                    cell.font = UNAPPROVED_FONT
            column += group.width

    def body(self, first_row, programs):
        row = first_row
        for number, (program, rows) in enumerate(programs, start=1):
            self.program_row(row, number, program)
            row += 1
            for index, report_row in enumerate(rows, start=1):
                self.indicator_row(row, index, report_row)
                row += 1
        return row

    def signatures(self, row):
        row += 1
        _text(self.ws, row, 3, _("PREPARED BY"), font=BOLD, alignment=HEADER_ALIGNMENT)
        _text(self.ws, row + 1, 3, _("(signature and full name)"), alignment=HEADER_ALIGNMENT)
        self._centred(row, _("HEAD OF THE AGENCY"), font=BOLD)
        self._centred(row + 1, _("(signature, full name and seal)"))

    def _centred(self, row, text, **style):
        """Text centred over the first unit's columns (the district's)."""
        first = LABEL_COLUMNS + 1
        _text(self.ws, row, first, text, alignment=Alignment(horizontal="center"), **style)
        last = first + self.groups[0].width - 1
        self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def layout(self, header_top, first_data_row):
        ws = self.ws
        widths = dict(enumerate(LABEL_WIDTHS, start=1))
        column = LABEL_COLUMNS + 1
        for group in self.groups:
            for offset in range(group.width):
                least = NOTE_WIDTH if offset == 4 else NUMBER_WIDTH
                widths[column + offset] = max(least, self.widths.get(column + offset, 0) + 2)
            column += group.width
        for column, width in widths.items():
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = ws.cell(row=first_data_row, column=LABEL_COLUMNS + 1).coordinate
        ws.print_title_rows = f"{header_top}:{header_top + 1}"
        setup = ws.page_setup
        setup.orientation = ws.ORIENTATION_LANDSCAPE
        setup.paperSize = ws.PAPERSIZE_A4
        if self.print_columns:
            self._pages_of_units(widths)
        else:  # a unit's sheet: one page wide, as many pages long as it takes
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            setup.fitToWidth, setup.fitToHeight = 1, 0
        ws.page_margins.left = ws.page_margins.right = MARGIN
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = _("Page &[Page] of &[Pages]")

    def _pages_of_units(self, widths):
        """Units side by side: the district on the first page, then two communes a page, each
        page with the indicator columns again, at the scale the widest page needs (spreadsheet
        programs ignore page breaks when fitting to a number of pages, hence a scale)."""
        ws = self.ws
        communes = self.groups[1:]
        pages = [self.groups[:1]] + [
            communes[i : i + UNITS_A_PAGE] for i in range(0, len(communes), UNITS_A_PAGE)
        ]
        labels = sum(_pixels(widths[c]) for c in range(1, LABEL_COLUMNS + 1))
        column, widest = LABEL_COLUMNS, 0
        for index, page in enumerate(pages):
            first = column + 1
            column += sum(group.width for group in page)
            widest = max(widest, labels + sum(_pixels(widths[c]) for c in range(first, column + 1)))
            if index < len(pages) - 1:
                ws.col_breaks.append(Break(id=column))
        ws.print_title_cols = f"A:{get_column_letter(LABEL_COLUMNS)}"
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = max(10, min(100, int(100 * A4_LANDSCAPE_PIXELS / widest)))


def _pixels(width):
    """About how wide a column is on screen and paper (at 96 dpi) for its width in characters."""
    return int(width * 7 + 5)


def build_official_workbook(
    *,
    year,
    month,
    period,
    programs=None,
    layout=LAYOUT_COLUMNS,
    unapproved=LEAVE_OUT,
    agency=None,
    exported_at=None,
):
    """The official report of a period as an openpyxl workbook (see the module's docstring).

    ``period`` is "month", "quarter" (from the first month of the quarter containing ``month``
    to ``month``) or "ytd"; ``programs`` limits the programs (None: all); ``layout`` is
    "columns" (one sheet, a group of columns per unit) or "sheets" (a sheet per unit);
    ``unapproved`` is "leave_out" (approved figures only) or "mark" (counted and marked).
    """
    if layout not in (LAYOUT_COLUMNS, LAYOUT_SHEETS):
        raise ValueError(f"unknown layout {layout!r}")
    if unapproved not in (LEAVE_OUT, MARK):
        raise ValueError(f"unknown choice for unapproved figures {unapproved!r}")
    the_period = period if isinstance(period, Period) else period_for(period, year, month)
    marking = unapproved == MARK
    if agency is None:
        agency = SiteSettings.load().agency
    exported_at = exported_at or timezone.now()
    report = build_report(
        year,
        month,
        programs=programs,
        published_only=not marking,
        period_start=the_period.start,
    )
    approved_rows = {}
    if marking:
        approved = build_report(
            year, month, programs=programs, published_only=True, period_start=the_period.start
        )
        approved_rows = {row.indicator.pk: row for row in approved.rows()}

    jurisdiction = report.jurisdiction
    title = _("REPORT ON THE RESULTS OF THE INDICATORS")
    district = _Group(jurisdiction.full_name, None, with_note=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{title} – {the_period.text}"
    workbook.properties.creator = agency

    def write(ws, groups, programs_shown, unit_line, *, print_columns):
        writer = _SheetWriter(
            ws,
            period=the_period,
            groups=groups,
            marking=marking,
            approved_rows=approved_rows,
            print_columns=print_columns,
        )
        has_grey = any(
            group.figure(row) is None
            for group in groups
            for _p, rows in programs_shown
            for row in rows
        )
        top = writer.titles(
            agency=agency,
            title=title,
            unit_line=unit_line,
            exported_at=exported_at,
            has_grey=has_grey,
        )
        first_data_row = writer.header(top)
        end = writer.body(first_data_row, programs_shown)
        writer.signatures(end)
        writer.layout(top, first_data_row)

    unit_line = _("Unit: %(unit)s") % {"unit": jurisdiction.full_name}
    taken = set()
    if layout == LAYOUT_COLUMNS:
        groups = [district, *(_Group(u.full_name, u.pk, with_note=False) for u in report.units)]
        ws = workbook.create_sheet(_sheet_title(jurisdiction.full_name, taken))
        write(ws, groups, report.programs, unit_line, print_columns=True)
    else:
        ws = workbook.create_sheet(_sheet_title(jurisdiction.full_name, taken))
        write(ws, [district], report.programs, unit_line, print_columns=False)
        for unit in report.units:
            programs_shown = [
                (program, [row for row in rows if unit.pk in row.by_unit])
                for program, rows in report.programs
            ]
            programs_shown = [(program, rows) for program, rows in programs_shown if rows]
            ws = workbook.create_sheet(_sheet_title(unit.full_name, taken))
            line = _("Unit: %(unit)s") % {"unit": unit.full_name}
            write(
                ws,
                [_Group(unit.full_name, unit.pk, with_note=True)],
                programs_shown,
                line,
                print_columns=False,
            )
    return workbook


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The admin page: choose the options, download the workbook
# ---------------------------------------------------------------------------------------------


class OfficialReportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        choices=[(m, str(m)) for m in range(1, 13)],
        coerce=int,
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            (PERIOD_MONTH, gettext_lazy("The month")),
            (PERIOD_QUARTER, gettext_lazy("The quarter, up to the month")),
            (PERIOD_YTD, gettext_lazy("From the start of the year to the month")),
        ],
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A quarter runs from its first month to the month chosen: choose the quarter's "
            "last month for the whole quarter."
        ),
    )
    programs = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Programs"),
        queryset=Program.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none for every program."),
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        choices=[
            (LAYOUT_COLUMNS, gettext_lazy("One sheet: the district and each commune side by side")),
            (LAYOUT_SHEETS, gettext_lazy("One sheet for the district and one for each commune")),
        ],
        widget=forms.RadioSelect,
    )
    unapproved = forms.ChoiceField(
        label=gettext_lazy("Figures not yet approved"),
        choices=[
            (LEAVE_OUT, gettext_lazy("Leave them out: approved figures only")),
            (MARK, gettext_lazy("Count them and mark them")),
        ],
        widget=forms.RadioSelect,
    )


def _initial(query):
    """The form's first values: the month asked for (from the report pages) or last month."""
    today = timezone.localdate()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    try:
        asked_year, asked_month = int(query.get("year", year)), int(query.get("month", month))
    except ValueError:
        asked_year, asked_month = year, month
    if 2000 <= asked_year <= 2100 and 1 <= asked_month <= 12:
        year, month = asked_year, asked_month
    return {
        "year": year,
        "month": month,
        "period": PERIOD_MONTH,
        "layout": LAYOUT_COLUMNS,
        "unapproved": LEAVE_OUT,
    }


def official_report_view(request, admin_context):
    """GET: the options; GET with ``download=1`` and valid options: the workbook."""
    user = request.user
    if not (user.has_perm("indicators.export_monthlyreport") and can_see_all_units(user)):
        raise PermissionDenied
    if request.GET.get("download"):
        form = OfficialReportForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            period = period_for(data["period"], data["year"], data["month"])
            workbook = build_official_workbook(
                year=data["year"],
                month=data["month"],
                period=period,
                programs=list(data["programs"]) or None,
                layout=data["layout"],
                unapproved=data["unapproved"],
            )
            response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=period.filename
            )
            return response
    else:
        form = OfficialReportForm(initial=_initial(request.GET))
    context = {
        **admin_context,
        "title": _("Official report"),
        "form": form,
    }
    return TemplateResponse(request, "admin/indicators/official_report.html", context)
