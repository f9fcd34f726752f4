"""The demo data reproduces every figure of the Lộc Ninh report of 28/10/2022.

The reference figures were typed by hand from the report (tests/fixtures/reference); each row
is checked against what ``build_report`` computes at the row's as-of date.
"""

import csv
import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.db import transaction

from indicators.demo import load_indicator_demo
from indicators.demo.figures import COMMUNES
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    IndicatorKind,
    MonthlyReport,
    ReportStatus,
    Target,
    UnitAssignment,
)
from indicators.reporting import build_report
from portal.demo import load_demo

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).parents[1] / "fixtures" / "reference" / "loc-ninh-2022-figures.csv"
with REFERENCE.open(encoding="utf-8") as _file:
    ROWS = list(csv.DictReader(_file))

# Reference rows that are another indicator's figure: the criteria of three communes are one
# indicator, and the estimate for the year is the jobs indicator with November and December
# estimated.
SAME_INDICATOR = {"NTM-3": "NTM-2", "NTM-4": "NTM-2", "LD-2": "LD-1"}
ESTIMATE_MONTH = {"LD-2": 12}
# Rows whose stated percentage is a rate indicator (numerator / denominator).
RATE = {"GN-12": "GN-12-TL", "GN-13": "GN-13-TL", "CCHC-9": "CCHC-9-TL"}
PLAN_ONLY = {"GN-1"}  # the report states the plan, not a result
SUMMED = ("LD-1", "YT-4")  # entered by the communes and summed


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker):
    """Load the demo once for the module (rolled back at its end) and build the reports."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield {month: build_report(2022, month) for month in (8, 9, 10, 12)}
        transaction.set_rollback(True)


def as_of(row):
    return datetime.date.fromisoformat(row["as_of"])


def figure_for(reports, row):
    """The portal's figure for a reference row: the district's, or a commune's."""
    report = reports[ESTIMATE_MONTH.get(row["ref"], as_of(row).month)]
    report_row = report.row(SAME_INDICATOR.get(row["ref"], row["ref"]))
    if row["area"].startswith("Huyện "):
        return report, report_row.total
    (unit,) = [u for u in report.units if f"Xã {u.name}" == row["area"]]
    return report, report_row.by_unit[unit.pk]


def rounded(value, decimals):
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("row", ROWS, ids=[row["ref"] for row in ROWS])
def test_the_portal_reproduces_the_reference_figure(reports, row):
    report, figure = figure_for(reports, row)
    expected = Decimal(row["value"])

    if row["ref"] in PLAN_ONLY:
        assert figure.value is None
        assert figure.target == expected
        return
    assert figure.value == expected
    if row["ref"] in ESTIMATE_MONTH:
        assert figure.is_estimate
    else:
        assert figure.as_of == as_of(row)
        assert not figure.is_estimate

    if row["of"]:
        if row["ref"] in RATE:
            rate_indicator = report.row(RATE[row["ref"]]).indicator
            compared_with = report.row(rate_indicator.denominator.code).total.value
        elif figure.indicator.kind in (IndicatorKind.STANDARD, IndicatorKind.CRITERIA):
            compared_with = figure.out_of
        else:
            compared_with = figure.target
        assert compared_with == Decimal(row["of"])

    if row["stated_percent"]:
        stated = Decimal(row["stated_percent"])
        rate = report.row(RATE[row["ref"]]).total if row["ref"] in RATE else None
        percent = rate.value if rate else figure.percent
        assert percent is not None
        # The report rounds loosely (4.884 of 5.700 is printed 86%, 12.020 of 11.458 105,67%).
        assert abs(rounded(percent, -stated.as_tuple().exponent) - stated) <= 1


@pytest.mark.parametrize(
    ("code", "month", "stated"),
    [("GN-12-TL", 8, "1.75"), ("GN-13-TL", 8, "0.93"), ("CCHC-9-TL", 10, "0.5")],
)
def test_rates_round_exactly_to_the_reported_rates(reports, code, month, stated):
    figure = reports[month].row(code).total
    assert rounded(figure.value, figure.indicator.decimals) == Decimal(stated)


def test_commune_splits_add_up_to_the_district_figures(reports):
    assert sum(row[0] for row in COMMUNES.values()) == 4884
    assert sum(row[1] for row in COMMUNES.values()) == 5700
    assert sum(row[2] for row in COMMUNES.values()) == 44226
    assert sum(row[3] for row in COMMUNES.values()) == 70000
    for report in [*reports.values(), build_report(2026, 9)]:
        for code in SUMMED:
            row = report.row(code)
            assert len(row.by_unit) == 16
            assert row.total.value == sum(f.value for f in row.by_unit.values())
            assert row.total.target == sum(f.target for f in row.by_unit.values())
    assert reports[10].row("NTM-2").by_unit.keys() == reports[10].row("NTM-1").by_unit.keys()
    assert len(reports[10].row("NTM-1").by_unit) == 15  # the township is not a xã


def test_totals_equal_their_parts_except_where_the_report_itself_differs(reports):
    report = reports[10]
    for row in report.rows():
        parts = [r for r in report.rows() if r.indicator.total_of_id == row.indicator.pk]
        if not parts:
            continue
        added = sum(part.total.value for part in parts)
        if row.indicator.code == "GN-2":
            assert (added, row.total.value) == (5798, 5807)  # as printed in the report
        else:
            assert added == row.total.value, row.indicator.code


def test_the_current_year_has_live_data_at_every_stage(reports):
    units = AdministrativeUnit.objects.in_bulk(field_name="code")
    statuses = dict(
        MonthlyReport.objects.filter(year=2026, month=10).values_list("unit__code", "status")
    )
    assert list(statuses.values()).count(ReportStatus.APPROVED) == 6
    assert list(statuses.values()).count(ReportStatus.SUBMITTED) == 4
    assert statuses["loc-an"] == ReportStatus.DRAFT
    assert len(units) - len(statuses) == 3  # three communes have not started October
    draft = Achievement.objects.filter(report__unit__code="loc-an", report__year=2026)
    assert draft.filter(report__month=10).count() == 3
    for month in range(1, 10):
        reports_of_month = MonthlyReport.objects.filter(year=2026, month=month)
        assert reports_of_month.filter(status=ReportStatus.APPROVED).count() == 17
    assert not MonthlyReport.objects.filter(year=2026, month__gt=10).exists()
    ld1 = build_report(2026, 9).row("LD-1").total
    assert ld1.value > 0 and ld1.target > 0


def test_the_demo_clerk_enters_the_figures_of_loc_an(reports):
    assignment = UnitAssignment.objects.get(user__username="canbo.locan")
    assert assignment.unit.code == "loc-an"


def counts():
    return [
        model.objects.count()
        for model in (Indicator, Target, MonthlyReport, Achievement, UnitAssignment)
    ]


def test_loading_again_creates_nothing_and_keeps_what_staff_changed(reports):
    figure = Achievement.objects.get(
        indicator__code="LD-1", report__unit__code="loc-an", report__year=2026, report__month=1
    )
    figure.value = 999
    figure.save()
    target = Target.objects.get(indicator__code="YT-3", year=2022)
    target.value = 1
    target.save()
    Achievement.objects.filter(
        report__unit__code="loc-an", report__year=2026, report__month=10
    ).delete()
    before = counts()

    load_demo()
    load_indicator_demo()

    assert counts() == before
    figure.refresh_from_db()
    target.refresh_from_db()
    assert (figure.value, target.value) == (999, 1)


def test_a_report_takes_a_bounded_number_of_queries(reports, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        report = build_report(2022, 10)
        assert report.row("LD-1").total.value == 4884
