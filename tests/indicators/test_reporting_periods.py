from decimal import Decimal

import pytest

from indicators.models import Achievement, MonthlyReport, ReportStatus
from indicators.reporting import build_report

pytestmark = pytest.mark.django_db


def approved(unit, month, figures):
    report = MonthlyReport.objects.create(
        unit=unit, year=2026, month=month, status=ReportStatus.APPROVED
    )
    for indicator, value in figures.items():
        Achievement.objects.create(report=report, indicator=indicator, value=Decimal(value))


def test_a_quarter_sums_flows_and_takes_the_latest_stock(catalogue, commune_a, commune_b):
    jobs, households = catalogue["JOBS"], catalogue["HH"]
    approved(commune_a, 6, {jobs: 100, households: 500})
    approved(commune_a, 7, {jobs: 1, households: 510})
    approved(commune_a, 8, {jobs: 2})
    approved(commune_a, 9, {jobs: 3})
    approved(commune_b, 9, {jobs: 10, households: 200})

    quarter = build_report(2026, 9, period_start=7)
    jobs_row, households_row = quarter.row("JOBS"), quarter.row("HH")
    assert jobs_row.by_unit[commune_a.pk].month_value == 6  # July to September
    assert jobs_row.by_unit[commune_a.pk].value == 106  # the whole year so far
    assert jobs_row.total.month_value == 16 and jobs_row.total.value == 116
    assert households_row.by_unit[commune_a.pk].month_value == 510  # latest in the quarter
    assert households_row.total.value == 710

    month = build_report(2026, 9)
    assert month.row("JOBS").by_unit[commune_a.pk].month_value == 3
    assert month.row("HH").by_unit[commune_a.pk].month_value is None  # nothing in September
