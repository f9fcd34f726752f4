"""Public results pages: the district's and each commune's approved figures, and their files.

Every figure comes from ``indicators.reporting`` (approved months only); the pages are cached
whole for anonymous readers (``portal.pagecache``) and the files by the same generation, so
both change when figures, targets or the catalogue change (``indicators.signals``). The pages
take their reports from ``indicators.report_cache``, which keeps them while the figures stay
the same (a rating or an article empties the page cache, not the reports).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import AdministrativeUnit, IndicatorKind, Program, month_end
from indicators.report_cache import public_year_reports
from indicators.reporting import published_months, ranked
from indicators.spreadsheets import open_data
from portal import pagecache
from portal.pagecache import public_page

FORMATS = ("csv", "xlsx")


class BadPeriod(Exception):
    """A year or month in the address that the results cannot show; the message is for readers."""


@dataclass
class Period:
    """The month shown, the months with approved figures, and what the reader asked for."""

    year: int
    month: int
    months: dict  # (year, month) -> units with approved figures
    notice: str = ""

    @property
    def years(self):
        return sorted({year for year, _month in self.months}, reverse=True)

    @property
    def as_of(self):
        return month_end(self.year, self.month)

    @property
    def approved_units(self):
        return self.months.get((self.year, self.month), 0)

    @property
    def month_choices(self):
        return range(1, 13)

    @property
    def query(self):
        return f"?nam={self.year}&thang={self.month}"


def _number(request, name, low, high):
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    if not text.isdecimal() or not low <= int(text) <= high:  # not isdigit(): "²" is a digit
        raise BadPeriod(
            _("“%(value)s” is not a valid %(what)s.")
            % {"value": text[:20], "what": _("year") if name == "nam" else _("month")}
        )
    return int(text)


def period_for(request, jurisdiction):
    """The month to show: the one asked for (?nam=&thang=), else the latest with approved
    figures. Raises BadPeriod for an impossible one, Http404 when nothing is published."""
    months = published_months(jurisdiction)
    if not months:
        raise Http404(_("No figures have been approved yet."))
    year = _number(request, "nam", 1900, 2999)
    month = _number(request, "thang", 1, 12)
    latest_year, latest_month = max(months)
    if year is None:
        year = latest_year
    in_year = sorted(m for y, m in months if y == year)
    if not in_year:
        raise BadPeriod(
            _("There are no approved figures for %(year)s.") % {"year": year},
        )
    notice = ""
    if month is None:
        month = in_year[-1]
    elif month > in_year[-1]:
        notice = _(
            "The figures of %(month)02d/%(year)s are not approved yet: "
            "the latest approved month is shown."
        ) % {"month": month, "year": year}
        month = in_year[-1]
    return Period(year, month, months, notice)


def _jurisdiction():
    jurisdiction = AdministrativeUnit.objects.jurisdiction()
    if jurisdiction is None:
        raise Http404(_("No administrative units have been entered yet."))
    return jurisdiction


def _not_found(request, message, *, period=None, breadcrumbs=None):
    """A Vietnamese page that says what is wrong and how to go on (status 404)."""
    context = {"message": message, "period": period, "breadcrumbs": breadcrumbs or []}
    return render(request, "indicators/results/not_found.html", context, status=404)


def _resolve(request, *, program=None, unit=None):
    """(jurisdiction, period, program, unit) for the address, or a 404 response."""
    try:
        jurisdiction = _jurisdiction()
        chosen_program = chosen_unit = None
        if program is not None:
            chosen_program = Program.objects.filter(code=program).first()
            if chosen_program is None:
                raise Http404(_("There is no program “%(code)s”.") % {"code": program[:40]})
        if unit is not None:
            chosen_unit = (
                AdministrativeUnit.objects.filter(code=unit, parent=jurisdiction)
                .select_related("parent")
                .first()
            )
            if chosen_unit is None:
                raise Http404(
                    _("There is no commune-level unit with the code “%(code)s”.")
                    % {"code": unit[:40]}
                )
        period = period_for(request, jurisdiction)
    except (Http404, BadPeriod) as error:
        return None, _not_found(request, str(error))
    return (jurisdiction, period, chosen_program, chosen_unit), None


def _month_series(reports):
    """{indicator id: [the jurisdiction's Figure of each month]} across the reports."""
    series = {}
    for report in reports:
        for row in report.rows():
            series.setdefault(row.indicator.pk, []).append(row.total)
    return series


def _downloads(url_name, period, **kwargs):
    return [
        (fmt.upper(), reverse(url_name, kwargs={**kwargs, "fmt": fmt}) + period.query)
        for fmt in FORMATS
    ]


@public_page
def index(request):
    """The district's results: every program's indicators against their targets."""
    resolved, error = _resolve(request)
    if error:
        return error
    jurisdiction, period, _program, _unit = resolved
    reports = public_year_reports(period.year, period.month, jurisdiction=jurisdiction)
    report = reports[-1]
    series = _month_series(reports)
    criteria = [row for row in report.rows() if row.indicator.kind == IndicatorKind.CRITERIA]
    context = {
        "jurisdiction": jurisdiction,
        "period": period,
        "report": report,
        "series": series,
        "criteria": criteria,
        "downloads": _downloads("results:index_file", period),
        "breadcrumbs": [(_("Results"), None)],
        "title": _("Results of %(name)s") % {"name": jurisdiction.full_name},
    }
    return render(request, "indicators/results/index.html", context)


@public_page
def program(request, code):
    """A program's results: each indicator's progress, its months and the communes compared."""
    resolved, error = _resolve(request, program=code)
    if error:
        return error
    jurisdiction, period, chosen, _unit = resolved
    reports = public_year_reports(
        period.year, period.month, jurisdiction=jurisdiction, programs=[chosen]
    )
    report = reports[-1]
    series = _month_series(reports)
    rows = [
        {"row": row, "months": series[row.indicator.pk], "ranking": ranked(row)}
        for row in report.rows()
    ]
    context = {
        "jurisdiction": jurisdiction,
        "period": period,
        "program": chosen,
        "report": report,
        "rows": rows,
        "downloads": _downloads("results:program_file", period, code=chosen.code),
        "breadcrumbs": [
            (_("Results"), reverse("results:index") + period.query),
            (chosen.name, None),
        ],
    }
    return render(request, "indicators/results/program.html", context)


def _unit_rows(reports, unit):
    """[(Program, [(Figure, [Figure by month])…])…]: the unit's own figures, by program."""
    report = reports[-1]
    monthly = {}
    for month_report in reports:
        for row in month_report.rows():
            if unit.pk in row.by_unit:
                monthly.setdefault(row.indicator.pk, []).append(row.by_unit[unit.pk])
    programs = []
    for chosen, rows in report.programs:
        items = [
            {"figure": row.by_unit[unit.pk], "months": monthly[row.indicator.pk]}
            for row in rows
            if unit.pk in row.by_unit
        ]
        if items:
            programs.append((chosen, items))
    return programs


@public_page
def unit(request, code):
    """A commune's own results: its figures, their months and the new-rural criteria met."""
    resolved, error = _resolve(request, unit=code)
    if error:
        return error
    jurisdiction, period, _program, chosen = resolved
    reports = public_year_reports(period.year, period.month, jurisdiction=jurisdiction)
    programs = _unit_rows(reports, chosen)
    new_rural = [
        item["figure"]
        for _p, items in programs
        for item in items
        if item["figure"].indicator.kind in (IndicatorKind.CRITERIA, IndicatorKind.STANDARD)
    ]
    context = {
        "jurisdiction": jurisdiction,
        "period": period,
        "unit": chosen,
        "programs": programs,
        "new_rural": new_rural,
        "units_total": len(reports[-1].units) + 1,
        "downloads": _downloads("results:unit_file", period, code=chosen.code),
        "breadcrumbs": [
            (_("Results"), reverse("results:index") + period.query),
            (chosen.full_name, None),
        ],
    }
    return render(request, "indicators/results/unit.html", context)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def _file(request, fmt, name, build):
    """Send the file, built once per generation of the page cache (until figures change)."""
    if fmt not in FORMATS:
        raise Http404(_("Files are available as CSV or XLSX only."))
    key = f"results:file:{pagecache.generation()}:{get_language()}:{request.get_full_path()}"
    entry = cache.get(key)
    if entry is None:
        entry = build()
        if isinstance(entry, HttpResponse):  # an error page
            return entry
        cache.set(key, entry, pagecache.PAGE_SECONDS)
    content, content_type, filename = entry
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def index_file(request, fmt):
    def build():
        resolved, error = _resolve(request)
        if error:
            return error
        jurisdiction, period, _p, _u = resolved
        reports = public_year_reports(period.year, period.month, jurisdiction=jurisdiction)
        name = f"ket-qua-{jurisdiction.code}-{period.year}-{period.month:02d}"
        rows = open_data.report_rows(reports)
        return (*open_data.file_content(fmt, rows, _("Results")), name)

    return _file(request, fmt, "index", build)


def program_file(request, code, fmt):
    def build():
        resolved, error = _resolve(request, program=code)
        if error:
            return error
        jurisdiction, period, chosen, _u = resolved
        reports = public_year_reports(
            period.year, period.month, jurisdiction=jurisdiction, programs=[chosen]
        )
        name = f"ket-qua-{chosen.code}-{period.year}-{period.month:02d}"
        rows = open_data.report_rows(reports)
        return (*open_data.file_content(fmt, rows, chosen.name), name)

    return _file(request, fmt, "program", build)


def unit_file(request, code, fmt):
    def build():
        resolved, error = _resolve(request, unit=code)
        if error:
            return error
        jurisdiction, period, _p, chosen = resolved
        reports = public_year_reports(period.year, period.month, jurisdiction=jurisdiction)
        name = f"ket-qua-{chosen.code}-{period.year}-{period.month:02d}"
        rows = open_data.report_rows(reports, unit=chosen)
        return (*open_data.file_content(fmt, rows, chosen.full_name), name)

    return _file(request, fmt, "unit", build)
