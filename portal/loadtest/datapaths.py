"""Staff paths measured in the portal's process: a clerk's monthly save and the district reports.

Each is timed and its peak Python memory taken under tracemalloc, on the demo district (the
database `make bench` fills for the pages), through the same views and code the staff use.
"""

import gc
import re
import statistics
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.admin_views import entry_url
from indicators.models import Achievement, AdministrativeUnit, MonthlyReport, ReportStatus
from indicators.reporting import build_report, published_months
from indicators.spreadsheets import official
from portal.formatting import format_number
from portal.loadtest.forms import find_form
from portal.loadtest.wrk import USER_AGENT

CLERK, OFFICER = "canbo.locan", "canbo.huyen"


def _client(username):
    client = Client(SERVER_NAME="127.0.0.1", HTTP_USER_AGENT=USER_AGENT)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _peak(function):
    """Peak Python memory (MiB) of one call."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def editable_month(unit, today=None):
    """This month, or the first after it that the clerk can still change."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    while True:
        report = MonthlyReport.objects.filter(unit=unit, year=year, month=month).first()
        if report is None or report.is_editable:
            return year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def approved_values(unit, year):
    """{indicator id: [values the unit had approved this year]}: valid figures to type."""
    values = {}
    rows = Achievement.objects.filter(
        report__unit=unit, report__year=year, report__status=ReportStatus.APPROVED
    ).values_list("indicator_id", "indicator__decimals", "value")
    for indicator_id, decimals, value in rows.order_by("report__month"):
        values.setdefault(indicator_id, []).append(format_number(value, decimals))
    return values


def fill(fields, values, turn):
    """The form's fields with each indicator's value taken from ``values`` (by turn)."""
    data = dict(fields)
    changed = 0
    for name in fields:
        match = re.fullmatch(r"value_(\d+)", name)
        if match and int(match[1]) in values:
            choices = values[int(match[1])]
            data[name] = choices[turn % len(choices)]
            changed += 1
    return data, changed


def entry_save(repeat=10):
    """A clerk saves a month with every indicator typed: the median of ``repeat`` saves."""
    client = _client(CLERK)
    unit = AdministrativeUnit.objects.get(code="loc-an")
    year, month = editable_month(unit)
    values = approved_values(unit, year)
    url = entry_url(unit, year, month)
    turns = iter(range(1, 10_000))

    def save():
        fields = find_form(client.get(url).content.decode(), "value_")
        data, changed = fill(fields, values, next(turns))
        data["action"] = "save"
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        seconds = time.perf_counter() - started
        if response.status_code != 302:
            raise RuntimeError(f"the save answered {response.status_code}")
        return seconds, changed, len(queries)

    save()  # the month's first save creates its figures; the measured ones change them
    timings = [save() for _ in range(repeat)]
    peak = _peak(save)
    seconds = statistics.median(t[0] for t in timings)
    return {
        "label": f"data-entry save ({timings[0][1]} figures, {timings[0][2]} queries)",
        "rows": timings[0][1],
        "seconds": seconds,
        "peak_mib": peak,
        "bytes": 0,
    }


def _timed(label, rows, function):
    gc.collect()
    started = time.perf_counter()
    size = function()
    seconds = time.perf_counter() - started
    return {
        "label": label,
        "rows": rows,
        "seconds": seconds,
        "peak_mib": _peak(function),
        "bytes": size,
    }


def district_reports():
    """The district report of the latest approved month: the admin page with every commune,
    build_report for the year to date, and the official workbook with a sheet per commune."""
    jurisdiction = AdministrativeUnit.objects.jurisdiction()
    year, month = max(published_months(jurisdiction))
    client = _client(OFFICER)
    url = reverse("admin:indicators_monthlyreport_report")
    query = {"year": year, "month": month, "units": "1", "all": "1"}
    report = build_report(year, month, published_only=False, period_start=1)
    figures = sum(len(row.by_unit) + 1 for row in report.rows())

    def page():
        response = client.get(url, query)
        if response.status_code != 200:
            raise RuntimeError(f"the district report answered {response.status_code}")
        return len(response.content)

    def year_to_date():
        build_report(year, month, published_only=False, period_start=1)
        return 0

    def workbook():
        book = official.build_official_workbook(
            year=year, month=month, period=official.PERIOD_YTD, layout=official.LAYOUT_SHEETS
        )
        return len(official.workbook_bytes(book))

    page()  # templates loaded once, as on a running server
    when = f"{month:02d}/{year}"
    return [
        _timed(f"district report page {when}, all units", figures, page),
        _timed(f"build_report {when}, year to date", figures, year_to_date),
        _timed(f"official workbook {when}, sheet per unit", figures, workbook),
    ]
