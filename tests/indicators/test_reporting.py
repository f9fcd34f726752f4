"""The reporting rules, through build_report and unit_month_figures.

Figures are stored as entered, one row per unit, month and indicator; everything else (year to
date, latest stock, district totals, rates, percent of plan, completeness) is derived here.
"""

import datetime
from decimal import Decimal

import pytest

from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Aggregation,
    Applicability,
    Comparison,
    Indicator,
    MonthlyReport,
    ReportStatus,
    Target,
    TimeBehaviour,
    UnitKind,
)
from indicators.reporting import Status, build_report, unit_month_figures

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def put(catalogue):
    """put(unit, month, {"JOBS": 10, ...}) stores a month's figures (approved by default)."""

    def put(
        unit,
        month,
        values,
        *,
        year=2026,
        status=ReportStatus.APPROVED,
        estimates=(),
        measured_on=None,
    ):
        report, _created = MonthlyReport.objects.get_or_create(
            unit=unit, year=year, month=month, defaults={"status": status}
        )
        for code, value in values.items():
            indicator = catalogue[code] if isinstance(code, str) else code
            Achievement.objects.create(
                report=report,
                indicator=indicator,
                value=D(value),
                is_estimate=code in estimates,
                measured_on=measured_on,
            )
        return report

    return put


def row(report, code):
    return report.row(code)


# ---------------------------------------------------------------------------------------------
# Over time: flows add up, stocks keep their latest value
# ---------------------------------------------------------------------------------------------


def test_flow_adds_up_the_months_to_date(put, catalogue, district, commune_a):
    put(commune_a, 1, {"JOBS": 100})
    put(commune_a, 2, {"JOBS": 50})
    put(commune_a, 4, {"JOBS": 25})
    put(commune_a, 5, {"JOBS": 1000})  # after the month asked for: not counted

    figure = row(build_report(2026, 2), "JOBS").by_unit[commune_a.pk]
    assert (figure.value, figure.month_value) == (D(150), D(50))
    assert figure.as_of == datetime.date(2026, 2, 28)

    figure = row(build_report(2026, 3), "JOBS").by_unit[commune_a.pk]
    assert (figure.value, figure.month_value) == (D(150), None)  # nothing reported in March
    assert figure.reported_units == 0 and figure.expected_units == 1

    figure = row(build_report(2026, 4), "JOBS").by_unit[commune_a.pk]
    assert (figure.value, figure.month_value) == (D(175), D(25))

    own = unit_month_figures(commune_a, 2026, 4, [catalogue["JOBS"]])
    assert own[catalogue["JOBS"].pk].value == D(175)


def test_flow_starts_again_each_year(put, district, commune_a):
    put(commune_a, 12, {"JOBS": 500}, year=2025)
    put(commune_a, 1, {"JOBS": 7})
    assert row(build_report(2026, 1), "JOBS").by_unit[commune_a.pk].value == D(7)


def test_stock_is_the_latest_value_with_its_date(put, catalogue, district, commune_a):
    put(commune_a, 1, {"POOR": 40}, measured_on=datetime.date(2026, 1, 15))
    put(commune_a, 3, {"POOR": 35})
    put(commune_a, 6, {"POOR": 30})  # later than the month asked for

    figure = row(build_report(2026, 2), "POOR").by_unit[commune_a.pk]
    assert (figure.value, figure.as_of, figure.month_value) == (
        D(40),
        datetime.date(2026, 1, 15),  # measured on a given day
        None,
    )
    figure = row(build_report(2026, 3), "POOR").by_unit[commune_a.pk]
    assert (figure.value, figure.as_of, figure.month_value) == (
        D(35),
        datetime.date(2026, 3, 31),  # no day given: the end of its month
        D(35),
    )
    figure = row(build_report(2026, 5), "POOR").by_unit[commune_a.pk]
    assert (figure.value, figure.as_of) == (D(35), datetime.date(2026, 3, 31))  # not 35 + 40

    own = unit_month_figures(commune_a, 2026, 5, [catalogue["POOR"]])[catalogue["POOR"].pk]
    assert (own.value, own.as_of) == (D(35), datetime.date(2026, 3, 31))


def test_stock_total_adds_each_units_latest_value(put, district, commune_a, commune_b):
    put(commune_a, 2, {"POOR": 40})
    put(commune_b, 1, {"POOR": 20})
    put(commune_b, 3, {"POOR": 25})
    total = row(build_report(2026, 3), "POOR").total
    assert total.value == D(65)
    assert total.as_of == datetime.date(2026, 3, 31)
    assert (total.reported_units, total.expected_units) == (1, 2)  # A did not report in March


# ---------------------------------------------------------------------------------------------
# Zero is a figure; no figure is not zero
# ---------------------------------------------------------------------------------------------


def test_reported_zero_is_not_the_same_as_not_reported(put, district, commune_a, commune_b):
    put(commune_a, 3, {"JOBS": 0})
    report = build_report(2026, 3)
    jobs = row(report, "JOBS")

    zero, missing = jobs.by_unit[commune_a.pk], jobs.by_unit[commune_b.pk]
    assert zero.value == D(0) and zero.is_reported and zero.reported_units == 1
    assert missing.value is None and not missing.is_reported and missing.reported_units == 0
    assert missing.status == Status.NOT_REPORTED and zero.status != Status.NOT_REPORTED

    assert jobs.total.value == D(0)  # a reported zero, not "nothing"
    assert (jobs.total.reported_units, jobs.total.expected_units) == (1, 2)
    assert not jobs.total.is_complete

    put(commune_b, 3, {"JOBS": 0})
    total = row(build_report(2026, 3), "JOBS").total
    assert total.value == D(0)
    assert (total.reported_units, total.expected_units) == (2, 2) and total.is_complete


def test_nothing_reported_gives_no_total(put, district, commune_a, commune_b):
    total = row(build_report(2026, 3), "JOBS").total
    assert total.value is None and total.month_value is None
    assert (total.reported_units, total.expected_units) == (0, 2)
    assert total.status == Status.NOT_REPORTED


# ---------------------------------------------------------------------------------------------
# Across units
# ---------------------------------------------------------------------------------------------


def test_rate_sums_numerators_and_denominators_never_averages_rates(
    put, district, commune_a, commune_b
):
    put(commune_a, 6, {"POOR": 10, "HH": 100})  # 10 %
    put(commune_b, 6, {"POOR": 90, "HH": 300})  # 30 %
    rate = row(build_report(2026, 6), "RATE")
    assert rate.by_unit[commune_a.pk].value == D(10)
    assert rate.by_unit[commune_b.pk].value == D(30)
    # 100 poor households out of 400: 25 %, not the average of 10 % and 30 % (20 %).
    assert rate.total.value == D(25)
    assert rate.total.value != (D(10) + D(30)) / 2
    assert rate.total.month_value == D(25)


def test_rate_of_a_stock_uses_each_terms_latest_value(put, district, commune_a):
    put(commune_a, 1, {"HH": 200})
    put(commune_a, 4, {"POOR": 30})
    rate = row(build_report(2026, 4), "RATE").by_unit[commune_a.pk]
    assert rate.value == D(15)
    assert rate.as_of == datetime.date(2026, 4, 30)


def test_count_meeting_counts_eligible_units_only(
    put, catalogue, district, commune_a, commune_b, township
):
    put(commune_a, 5, {"NTM": 1})
    put(commune_b, 5, {"NTM": 0})
    # A township is not a xã: the new-rural standard does not apply to it, even if a figure
    # was stored for it by mistake.
    put(township, 5, {"NTM": 1})
    ntm = row(build_report(2026, 5), "NTM")
    assert township.pk not in ntm.by_unit
    assert set(ntm.by_unit) == {commune_a.pk, commune_b.pk}
    assert ntm.total.value == D(1)  # communes meeting the standard
    assert ntm.total.out_of == 2  # of the eligible communes, not 3 units
    assert ntm.total.expected_units == 2


def test_count_meeting_keeps_a_standard_met_earlier_in_the_year(
    put, district, commune_a, commune_b
):
    put(commune_a, 2, {"NTM": 1})
    put(commune_b, 2, {"NTM": 0})
    put(commune_b, 7, {"NTM": 1})
    total = row(build_report(2026, 8), "NTM").total
    assert (total.value, total.out_of) == (D(2), 2)


def test_average_of_the_units_that_reported(put, district, commune_a, commune_b, township):
    put(commune_a, 5, {"CRIT": 15})
    put(commune_b, 5, {"CRIT": 18})
    crit = row(build_report(2026, 5), "CRIT")
    assert crit.total.value == D("16.5")
    assert township.pk not in crit.by_unit  # criteria of the new-rural standard: xã only
    assert crit.total.percent is None  # compared with nothing

    put(commune_a, 6, {"CRIT": 16})
    total = row(build_report(2026, 6), "CRIT").total
    assert total.value == D(17)  # A's latest (16) and B's latest (18)
    assert total.month_value == D(16)  # only A reported in June


def test_jurisdiction_only_reads_the_districts_own_figure(
    put, catalogue, district, commune_a, commune_b
):
    put(district, 4, {"MONEY": 5_000_000})
    money = row(build_report(2026, 4), "MONEY")
    assert money.by_unit == {}  # not entered by the communes
    assert money.total.value == D(5_000_000)

    # An indicator the communes enter too, but whose district figure is the district's own.
    budget = Indicator.objects.create(
        program=catalogue["JOBS"].program,
        code="BUDGET",
        name="Kinh phí huyện",
        aggregation=Aggregation.JURISDICTION_ONLY,
    )
    put(commune_a, 4, {budget: 10})
    put(commune_b, 4, {budget: 20})
    put(district, 4, {budget: 100})
    budget = row(build_report(2026, 4), "BUDGET")
    assert budget.total.value == D(100)  # not 10 + 20
    assert budget.by_unit[commune_a.pk].value == D(10)


def test_jurisdiction_figure_ignores_the_communes_when_the_district_has_none(
    put, catalogue, district, commune_a
):
    budget = Indicator.objects.create(
        program=catalogue["JOBS"].program,
        code="BUDGET",
        name="Kinh phí huyện",
        aggregation=Aggregation.JURISDICTION_ONLY,
    )
    put(commune_a, 4, {budget: 10})
    assert row(build_report(2026, 4), "BUDGET").total.value is None


# ---------------------------------------------------------------------------------------------
# Targets and percent of plan
# ---------------------------------------------------------------------------------------------


def test_district_target_is_the_sum_of_the_communes_when_it_has_none(
    put, district, commune_a, commune_b, targets
):
    put(commune_a, 6, {"JOBS": 600})
    put(commune_b, 6, {"JOBS": 300})
    jobs = row(build_report(2026, 6), "JOBS")
    assert jobs.total.target == D(1800)  # 1.200 + 600
    assert jobs.total.percent == D(50)  # 900 of 1.800
    assert jobs.by_unit[commune_a.pk].percent == D(50)  # 600 of 1.200
    assert jobs.by_unit[commune_b.pk].percent == D(50)


def test_district_own_target_wins_over_the_communes_sum(
    put, catalogue, district, commune_a, commune_b, targets
):
    Target.objects.create(indicator=catalogue["JOBS"], unit=district, year=2026, value=2000)
    put(commune_a, 6, {"JOBS": 600})
    put(commune_b, 6, {"JOBS": 400})
    total = row(build_report(2026, 6), "JOBS").total
    assert total.target == D(2000)
    assert total.percent == D(50)


def test_district_target_is_known_before_anything_is_reported(
    district, commune_a, commune_b, targets
):
    """The plan is the plan: it does not wait for the first figures of the year."""
    jobs = row(build_report(2026, 1), "JOBS")
    assert jobs.by_unit[commune_a.pk].target == D(1200)
    assert jobs.total.target == D(1800)
    assert jobs.total.percent is None  # nothing reported yet


def test_percent_of_plan_and_progress(put, catalogue, district, commune_a, targets):
    put(commune_a, 3, {"JOBS": 300, "DOSE1": 1050})
    report = build_report(2026, 3)
    jobs = row(report, "JOBS").by_unit[commune_a.pk]
    assert jobs.percent == D(25)  # 300 of 1.200
    assert jobs.status == Status.ON_TRACK  # a quarter of the year, a quarter of the plan
    dose = row(report, "DOSE1").by_unit[commune_a.pk]
    assert dose.percent == D(105)  # compared with the population: above 100 % happens
    assert row(report, "POOR").by_unit[commune_a.pk].percent is None  # no target

    put(commune_a, 4, {"JOBS": 0})
    jobs = row(build_report(2026, 6), "JOBS").by_unit[commune_a.pk]
    assert jobs.percent == D(25)
    assert jobs.status == Status.BEHIND  # half the year gone, a quarter of the plan done


# ---------------------------------------------------------------------------------------------
# Published figures, estimates
# ---------------------------------------------------------------------------------------------


def test_published_only_counts_approved_months(put, catalogue, district, commune_a):
    put(commune_a, 1, {"JOBS": 100})
    put(commune_a, 2, {"JOBS": 50}, status=ReportStatus.SUBMITTED)
    put(commune_a, 3, {"JOBS": 25}, status=ReportStatus.DRAFT)
    put(commune_a, 3, {"POOR": 9}, status=ReportStatus.DRAFT)

    published = build_report(2026, 3)
    assert published.published_only
    jobs = row(published, "JOBS")
    assert jobs.by_unit[commune_a.pk].value == D(100)
    assert jobs.by_unit[commune_a.pk].month_value is None
    assert jobs.total.value == D(100)
    assert row(published, "POOR").by_unit[commune_a.pk].value is None

    everything = build_report(2026, 3, published_only=False)
    jobs = row(everything, "JOBS")
    assert jobs.by_unit[commune_a.pk].value == D(175)
    assert jobs.total.value == D(175)
    assert row(everything, "POOR").by_unit[commune_a.pk].value == D(9)

    own = unit_month_figures(commune_a, 2026, 3, [catalogue["JOBS"]])  # the form sees drafts
    assert own[catalogue["JOBS"].pk].value == D(175)
    own = unit_month_figures(commune_a, 2026, 3, [catalogue["JOBS"]], published_only=True)
    assert own[catalogue["JOBS"].pk].value == D(100)


def test_estimates_are_flagged(put, district, commune_a, commune_b):
    put(commune_a, 1, {"JOBS": 100, "POOR": 40})
    put(commune_a, 2, {"JOBS": 50, "POOR": 38}, estimates={"JOBS", "POOR"})
    put(commune_a, 3, {"JOBS": 10, "POOR": 37})
    put(commune_b, 3, {"JOBS": 10, "POOR": 20})
    report = build_report(2026, 3)
    jobs, poor = row(report, "JOBS"), row(report, "POOR")
    # A flow that includes an estimated month is an estimate.
    assert jobs.by_unit[commune_a.pk].is_estimate
    assert not jobs.by_unit[commune_b.pk].is_estimate
    assert jobs.total.is_estimate
    # A stock is as good as its latest figure.
    assert not poor.by_unit[commune_a.pk].is_estimate
    assert not poor.total.is_estimate
    report = build_report(2026, 2)
    assert row(report, "POOR").by_unit[commune_a.pk].is_estimate
    assert row(report, "POOR").total.is_estimate


# ---------------------------------------------------------------------------------------------
# A commune merged into another
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def merged(put, district, commune_a, commune_b):
    """Xã Phú Mỹ reports until June, then merges into commune B on 1 July 2026."""
    old = AdministrativeUnit.objects.create(
        code="xa-phu-my",
        name="Phú Mỹ",
        kind=UnitKind.COMMUNE,
        parent=district,
        order=3,
        retired_on=datetime.date(2026, 7, 1),
        successor=commune_b,
        is_active=False,
    )
    for month in range(1, 7):
        put(old, month, {"JOBS": 10})
    put(old, 6, {"POOR": 50, "HH": 200})
    for month in range(1, 11):
        put(commune_b, month, {"JOBS": 20})
    put(commune_b, 6, {"POOR": 70, "HH": 300})
    put(commune_b, 10, {"POOR": 115, "HH": 500})  # now counts Phú Mỹ's households too
    put(commune_a, 10, {"JOBS": 5, "POOR": 10, "HH": 100})
    return old


def test_merged_unit_keeps_its_history_under_its_own_name(merged, commune_a, commune_b):
    report = build_report(2026, 5)
    assert merged in report.units
    jobs = row(report, "JOBS")
    assert jobs.by_unit[merged.pk].unit.name == "Phú Mỹ"
    assert jobs.by_unit[merged.pk].value == D(50)
    assert jobs.by_unit[commune_b.pk].value == D(100)

    report = build_report(2026, 10)  # the merger year: still shown with its months
    jobs = row(report, "JOBS")
    assert jobs.by_unit[merged.pk].unit.full_name == "Xã Phú Mỹ"
    assert jobs.by_unit[merged.pk].value == D(60)
    assert jobs.by_unit[commune_b.pk].value == D(200)


def test_merged_unit_is_not_shown_in_the_following_years(merged, put, commune_b):
    put(commune_b, 1, {"JOBS": 1}, year=2027)
    report = build_report(2027, 1)
    assert merged not in report.units
    assert merged.pk not in row(report, "JOBS").by_unit


def test_roll_up_shows_a_merged_unit_inside_its_successor(merged, commune_a, commune_b):
    report = build_report(2026, 10, roll_up=True)
    assert merged not in report.units and commune_b in report.units
    jobs = row(report, "JOBS")
    assert merged.pk not in jobs.by_unit
    assert jobs.by_unit[commune_b.pk].value == D(260)  # 6 × 10 + 10 × 20
    poor = row(report, "POOR").by_unit[commune_b.pk]
    assert poor.value == D(115)  # the successor's latest stock, not added to Phú Mỹ's
    # Before the merger the two are added month by month.
    report = build_report(2026, 6, roll_up=True)
    assert row(report, "POOR").by_unit[commune_b.pk].value == D(120)
    assert row(report, "RATE").by_unit[commune_b.pk].value == D(24)  # 120 of 500


@pytest.mark.parametrize("month", [5, 6, 10])
def test_flow_district_total_is_the_same_rolled_up_or_not(merged, month):
    plain = row(build_report(2026, month), "JOBS").total
    rolled = row(build_report(2026, month, roll_up=True), "JOBS").total
    assert plain.value == rolled.value
    assert plain.month_value == rolled.month_value


@pytest.mark.parametrize("month", [6, 10])
@pytest.mark.parametrize("code", ["POOR", "HH", "RATE"])
def test_stock_district_total_is_the_same_rolled_up_or_not(merged, month, code):
    """A merged unit's last stock is counted once: not again beside its successor's."""
    plain = row(build_report(2026, month), code).total
    rolled = row(build_report(2026, month, roll_up=True), code).total
    assert plain.value == rolled.value


def test_a_merged_unit_is_not_expected_to_report_after_its_merger(merged, commune_a, commune_b):
    """In October Phú Mỹ no longer exists: A and B reporting make the district complete."""
    for roll_up in (True, False):
        total = row(build_report(2026, 10, roll_up=roll_up), "JOBS").total
        assert (total.reported_units, total.expected_units) == (2, 2), roll_up
        assert total.is_complete


def test_stock_district_total_after_a_merger(merged):
    """In October the district has A's 10 poor households and B's 115 (Phú Mỹ's included)."""
    assert row(build_report(2026, 10, roll_up=True), "POOR").total.value == D(125)
    assert row(build_report(2026, 10), "POOR").total.value == D(125)


# ---------------------------------------------------------------------------------------------
# A fixed number of queries
# ---------------------------------------------------------------------------------------------


def _grow(catalogue, district, count_units, count_indicators):
    program = catalogue["JOBS"].program
    indicators = [
        Indicator.objects.create(
            program=program,
            code=f"EXTRA-{n}",
            name=f"Chỉ tiêu thêm {n}",
            time_behaviour=TimeBehaviour.STOCK if n % 2 else TimeBehaviour.FLOW,
            applies_to=Applicability.RURAL if n % 3 == 0 else Applicability.ALL,
            compare_with=Comparison.PLAN,
        )
        for n in range(count_indicators)
    ]
    for n in range(count_units):
        unit = AdministrativeUnit.objects.create(
            code=f"xa-them-{n}",
            name=f"Thêm {n}",
            kind=UnitKind.WARD if n % 2 else UnitKind.COMMUNE,
            parent=district,
            order=10 + n,
        )
        for month in (1, 2, 3):
            report = MonthlyReport.objects.create(
                unit=unit, year=2026, month=month, status=ReportStatus.APPROVED
            )
            Achievement.objects.bulk_create(
                Achievement(report=report, indicator=i, value=n + month)
                for i in [*indicators, *catalogue.values()]
                if i.is_entered
            )
        Target.objects.bulk_create(
            Target(indicator=i, unit=unit, year=2026, value=100) for i in indicators
        )


@pytest.mark.parametrize("roll_up", [False, True])
def test_build_report_queries_do_not_grow_with_indicators_or_units(
    put, catalogue, district, commune_a, commune_b, targets, django_assert_max_num_queries, roll_up
):
    put(commune_a, 1, {"JOBS": 1, "POOR": 2, "HH": 10})
    AdministrativeUnit.objects.create(
        code="xa-cu",
        name="Cũ",
        kind=UnitKind.COMMUNE,
        parent=district,
        retired_on=datetime.date(2026, 2, 1),
        successor=commune_b,
    )
    # A handful of queries (units, catalogue, figures, targets, successors), whatever the size.
    with django_assert_max_num_queries(12) as small:
        report = build_report(2026, 3, roll_up=roll_up)
        for _row in report.rows():
            _row.total.percent  # noqa: B018 - derived in Python, no query
    few = len(small.captured_queries)

    _grow(catalogue, district, count_units=12, count_indicators=25)
    with django_assert_max_num_queries(few):
        report = build_report(2026, 3, roll_up=roll_up)
        for _row in report.rows():
            for figure in [_row.total, *_row.by_unit.values()]:
                figure.percent  # noqa: B018
                figure.status  # noqa: B018
    assert len(list(report.rows())) == len(catalogue) + 25
    assert len(report.units) >= 14


def test_unit_month_figures_queries_do_not_grow(
    put, catalogue, district, commune_a, django_assert_max_num_queries
):
    put(commune_a, 1, {"JOBS": 1})
    indicators = list(catalogue.values())
    with django_assert_max_num_queries(2) as small:
        unit_month_figures(commune_a, 2026, 3, indicators)
    _grow(catalogue, district, count_units=3, count_indicators=20)
    for month in (2, 3):
        put(commune_a, month, {"JOBS": month, "POOR": month})
    indicators = list(Indicator.objects.all())
    with django_assert_max_num_queries(len(small.captured_queries)):
        figures = unit_month_figures(commune_a, 2026, 3, indicators)
    assert len(figures) == sum(1 for i in indicators if i.is_entered)
