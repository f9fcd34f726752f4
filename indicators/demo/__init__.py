"""Demo indicators, targets and monthly figures for the Lộc Ninh demo district.

``load_indicator_demo()`` creates what is missing and leaves alone what exists: programs and
indicators are found by code, targets by indicator, unit and year, monthly reports by unit,
year and month. Figures are only added to the monthly reports it creates, so a figure staff
changed or cleared in an existing report stays as they left it.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.demo.catalogue import load_catalogue
from indicators.demo.figures import COMMUNES, DISTRICT, build_plan
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    MonthlyReport,
    ReportStatus,
    Target,
)
from indicators.validation import Entry, check_warnings

# Who typed and sent a unit's figures (the demo has accounts for these two units only), and who
# approves them.
SUBMITTERS = {DISTRICT: "canbo.huyen", "loc-an": "canbo.locan"}
APPROVER = "canbo.huyen"
WARNING_REASON = "Giữ đúng số liệu của báo cáo gốc; chênh lệch do cách phân loại quà."


@transaction.atomic
def load_indicator_demo():
    """Create the demo catalogue, targets and figures that are missing."""
    indicators = load_catalogue()
    units = AdministrativeUnit.objects.in_bulk([DISTRICT, *COMMUNES], field_name="code")
    plan = build_plan()
    load_targets(plan, indicators, units)
    load_reports(plan, indicators, units)
    return indicators


def load_targets(plan, indicators, units):
    years = {year for _indicator, _unit, year in plan.targets}
    existing = set(
        Target.objects.filter(unit__in=units.values(), year__in=years).values_list(
            "indicator__code", "unit__code", "year"
        )
    )
    Target.objects.bulk_create(
        Target(
            indicator=indicators[indicator],
            unit=units[unit],
            year=year,
            value=Decimal(value),
            source=source,
        )
        for (indicator, unit, year), (value, source) in plan.targets.items()
        if unit in units and (indicator, unit, year) not in existing
    )


def load_reports(plan, indicators, units):
    """Create the missing monthly reports, with their figures."""
    years = {year for _unit, year, _month in plan.figures}
    in_scope = MonthlyReport.objects.filter(unit__in=units.values(), year__in=years)
    existing = set(in_scope.values_list("unit__code", "year", "month"))
    users = get_user_model().objects.in_bulk(
        [*SUBMITTERS.values(), APPROVER], field_name="username"
    )
    order = {code: index for index, code in enumerate([DISTRICT, *COMMUNES])}
    new = {}
    for key in plan.figures:
        unit, year, month = key
        if unit in units and key not in existing:
            status = plan.statuses.get(key, ReportStatus.APPROVED)
            new[key] = MonthlyReport(
                unit=units[unit],
                year=year,
                month=month,
                status=status,
                **_workflow(key, status, order[unit], users),
            )
    MonthlyReport.objects.bulk_create(new.values())
    created = {
        (report.unit.code, report.year, report.month): report
        for report in in_scope.select_related("unit")
        if (report.unit.code, report.year, report.month) in new
    }
    figures = []
    for key, report in created.items():
        month = {
            indicator: Achievement(
                report=report,
                indicator=indicators[indicator],
                value=Decimal(figure.value),
                is_estimate=figure.is_estimate,
                measured_on=figure.measured_on,
                entered_by=users.get(SUBMITTERS.get(key[0])),
            )
            for indicator, figure in plan.figures[key].items()
        }
        _check(report, month.values())
        figures.extend(month.values())
    Achievement.objects.bulk_create(figures)


def _check(report, figures):
    """Store the warnings the entry form would have shown (parts that do not add up…)."""
    entries = {f.indicator.pk: Entry(indicator=f.indicator, value=f.value) for f in figures}
    check_warnings(entries, history={})
    for figure in figures:
        warnings = entries[figure.indicator.pk].warnings
        figure.warning = "\n".join(warnings)
        if warnings and report.status != ReportStatus.DRAFT:
            figure.warning_reason = WARNING_REASON


def _workflow(key, status, index, users):
    """Plausible submission and approval times: early in the month after the report's."""
    unit, year, month = key
    if status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return {}
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    submitted_at = timezone.make_aware(
        datetime.datetime(year, month, 2 + index % 4, 8 + index % 8, index * 7 % 60)
    )
    fields = {"submitted_at": submitted_at, "submitted_by": users.get(SUBMITTERS.get(unit))}
    if status == ReportStatus.APPROVED:
        fields["approved_at"] = submitted_at + datetime.timedelta(days=2 + index % 3, hours=1)
        fields["approved_by"] = users.get(APPROVER)
    return fields
