"""The one place where figures are computed: month value, year-to-date, target, percent of plan.

The admin, articles, dashboards and exports all call this module, so a figure reads the same
everywhere. It reads the stored monthly figures in a fixed number of queries (whatever the
number of indicators or units) and derives everything else in Python.

Rules:
- a *flow* adds up its monthly figures from January to the month (year-to-date);
- a *stock* is its latest figure up to the month, with the day it was measured;
- across units, figures are summed, averaged or counted as "units meeting a standard";
- a rate is the sum of its numerator over the sum of its denominator, never an average of rates;
- no figure is not the same as zero: ``None`` means "not reported".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Aggregation,
    Applicability,
    Comparison,
    Indicator,
    IndicatorKind,
    MonthlyReport,
    ReportStatus,
    Target,
    month_end,
    month_start,
)
from portal import formatting

HUNDRED = Decimal(100)


class Status:
    NOT_REPORTED = "not_reported"
    NO_TARGET = "no_target"
    BEHIND = "behind"
    ON_TRACK = "on_track"
    ACHIEVED = "achieved"


@dataclass
class Figure:
    """One indicator for one unit (or the whole jurisdiction) at the end of a month."""

    indicator: Indicator
    unit: AdministrativeUnit
    year: int
    month: int
    month_value: Decimal | None = None  # the figure of the period (the month unless a quarter…)
    value: Decimal | None = None  # year-to-date (flow), latest (stock) or the rate (ratio)
    target: Decimal | None = None
    as_of: object = None  # datetime.date of the latest figure counted
    is_estimate: bool = False
    out_of: int | None = None  # criteria in the set, or units that could meet the standard
    reported_units: int = 0
    expected_units: int = 0
    parts: dict = field(default_factory=dict)

    @property
    def is_reported(self):
        return self.value is not None

    @property
    def percent(self):
        """Value as a percentage of the target (plan, population or total); None if either lacks."""
        if self.value is None or not self.target:
            return None
        if self.indicator.compare_with == Comparison.NONE:
            return None
        return self.value * HUNDRED / self.target

    @property
    def expected_share(self):
        """The share of an annual flow plan one would expect by this month (month/12)."""
        return Decimal(self.month) / 12

    @property
    def status(self):
        if self.value is None:
            return Status.NOT_REPORTED
        if self.percent is None or self.indicator.compare_with != Comparison.PLAN:
            return Status.NO_TARGET
        percent = self.percent
        if not self.indicator.higher_is_better:
            return Status.ACHIEVED if percent <= HUNDRED else Status.BEHIND
        if percent >= HUNDRED:
            return Status.ACHIEVED
        expected = HUNDRED * (self.expected_share if self.indicator.is_flow else 1)
        return Status.ON_TRACK if percent >= expected * Decimal("0.95") else Status.BEHIND

    @property
    def is_complete(self):
        return self.expected_units == 0 or self.reported_units >= self.expected_units

    # Text for pages and exports: every figure is written the same way everywhere.

    def _number(self, value):
        if value is None:
            return formatting.MISSING
        if self.indicator.kind == IndicatorKind.RATIO:
            return formatting.format_percent(value, self.indicator.decimals)
        text = formatting.format_number(value, self.indicator.decimals)
        if self.indicator.unit_of_measure == "đồng":
            return formatting.format_money(value)
        return text

    @property
    def value_text(self):
        """4.884 · 12/15 · 12/19 · 1,75% · 130.000.000 đồng · – (not reported)."""
        if self.value is None:
            return formatting.MISSING
        if self.out_of and self.indicator.kind != IndicatorKind.RATIO:
            return f"{self._number(self.value)}/{formatting.format_number(self.out_of)}"
        return self._number(self.value)

    @property
    def month_text(self):
        return self._number(self.month_value)

    @property
    def target_text(self):
        return self._number(self.target)

    @property
    def percent_text(self):
        """Percent of the target with one decimal: 85,7%."""
        return formatting.format_percent(self.percent, 1)


@dataclass
class Row:
    """One indicator of a report: the jurisdiction's figure and each unit's."""

    indicator: Indicator
    total: Figure
    by_unit: dict  # unit id -> Figure


@dataclass
class Report:
    year: int
    month: int
    period_start: int
    jurisdiction: AdministrativeUnit
    units: list
    programs: list  # [(Program, [Row, ...])]
    published_only: bool

    @property
    def as_of(self):
        return month_end(self.year, self.month)

    def rows(self):
        for _program, rows in self.programs:
            yield from rows

    def row(self, code):
        """The row of an indicator by its code (KeyError if the report has none)."""
        for row in self.rows():
            if row.indicator.code == code:
                return row
        raise KeyError(code)


class _Stored:
    """The stored figures and targets of a year up to a month, as read (two queries).

    Unordered: the models' default orderings would join the units, programs and indicators
    only to sort rows that are indexed by key below anyway (most of the results page's
    database time).
    """

    def __init__(self, year, month, units, published_only):
        query = Achievement.objects.order_by().filter(
            report__year=year, report__month__lte=month, report__unit__in=[u.pk for u in units]
        )
        if published_only:
            query = query.filter(report__status=ReportStatus.APPROVED)
        self.achievements = list(
            query.values_list(
                "indicator_id",
                "report__unit_id",
                "report__month",
                "value",
                "is_estimate",
                "measured_on",
            )
        )
        self.targets = list(
            Target.objects.order_by()
            .filter(year=year, unit__in=[u.pk for u in units])
            .values_list("indicator_id", "unit_id", "value")
        )


class _Figures:
    """The stored figures of a year up to a month, indexed for computing."""

    def __init__(
        self, year, month, units, published_only, successors, period_start=None, *, stored=None
    ):
        self.year, self.month = year, month
        self.period_start = period_start or month
        self.representative = {u.pk: successors.get(u.pk, u.pk) for u in units}
        if stored is None:
            stored = _Stored(year, month, units, published_only)
        # (indicator, unit) -> {month: [value, is_estimate, measured_on]}
        self.values = defaultdict(dict)
        for ind, unit_id, m, value, estimate, measured_on in stored.achievements:
            if m > month:  # read once for a later month (a year's series)
                continue
            key = (ind, self.representative.get(unit_id, unit_id))
            if m in self.values[key]:  # a predecessor and its successor in one month
                previous = self.values[key][m]
                self.values[key][m] = [
                    previous[0] + value,
                    previous[1] or estimate,
                    max(filter(None, [previous[2], measured_on]), default=None),
                ]
            else:
                self.values[key][m] = [value, estimate, measured_on]
        self.targets = {}
        for ind, unit_id, value in stored.targets:
            key = (ind, self.representative.get(unit_id, unit_id))
            self.targets[key] = self.targets.get(key, Decimal(0)) + value

    def unit_figure(self, indicator, unit):
        figure = Figure(indicator, unit, self.year, self.month)
        figure.target = self.targets.get((indicator.pk, unit.pk))
        figure.out_of = indicator.criteria_total
        months = self.values.get((indicator.pk, unit.pk), {})
        figure.expected_units = 1
        if not months:
            return figure
        figure.reported_units = 1 if self.month in months else 0
        in_period = [m for m in months if m >= self.period_start]
        if in_period and indicator.is_flow:
            figure.month_value = sum((months[m][0] for m in in_period), Decimal(0))
        elif in_period:
            figure.month_value = months[max(in_period)][0]
        latest_month = max(months)
        latest = months[latest_month]
        if indicator.is_flow:
            figure.value = sum((v[0] for v in months.values()), Decimal(0))
            figure.is_estimate = any(v[1] for v in months.values())
        else:
            figure.value = latest[0]
            figure.is_estimate = latest[1]
        figure.as_of = latest[2] or month_end(self.year, latest_month)
        return figure


def _units_for_period(jurisdiction, year, month):
    """The commune-level units that existed at some time between January and the month."""
    return list(
        AdministrativeUnit.objects.filter(parent=jurisdiction)
        .filter(
            Q(established_on__isnull=True) | Q(established_on__lte=month_end(year, month)),
            Q(retired_on__isnull=True) | Q(retired_on__gt=month_start(year, 1)),
        )
        .order_by("order", "name")
    )


def _successor_links(jurisdiction):
    """(unit id, successor id, retired on) of every retired unit with a successor (one query)."""
    return list(
        AdministrativeUnit.objects.filter(parent=jurisdiction, successor__isnull=False).values_list(
            "pk", "successor_id", "retired_on"
        )
    )


def _follow(links, retired_by=None):
    """Map unit ids to the unit that stands for them: today, or after the mergers up to a day."""
    step = {
        pk: successor for pk, successor, retired in links if not retired_by or retired <= retired_by
    }
    final = {}
    for pk in step:
        current, seen = pk, {pk}
        while current in step and step[current] not in seen:
            current = step[current]
            seen.add(current)
        final[pk] = current
    return final


def _with_units(units, ids):
    """The units for the given ids, fetching those not already in ``units``."""
    by_id = {u.pk: u for u in units}
    missing = [pk for pk in ids if pk not in by_id]
    if missing:
        by_id.update(AdministrativeUnit.objects.in_bulk(missing))
    return [by_id[pk] for pk in ids]


def _aggregate(indicator, total, figures, eligible):
    """Fill the jurisdiction's figure from the units' figures."""
    reported = [f for f in figures if f.value is not None]
    total.expected_units = len(eligible)
    total.reported_units = sum(1 for f in figures if f.month_value is not None)
    if total.target is None and indicator.aggregation == Aggregation.SUM:
        targets = [f.target for f in figures if f.target is not None]
        total.target = sum(targets, Decimal(0)) if targets else None
    if not reported:
        return
    total.as_of = max(f.as_of for f in reported)
    total.is_estimate = any(f.is_estimate for f in reported)
    if indicator.aggregation == Aggregation.COUNT_MEETING:
        threshold = indicator.criteria_total or 1
        total.value = Decimal(sum(1 for f in reported if f.value >= threshold))
        total.out_of = len(eligible)
        total.month_value = None
    elif indicator.aggregation == Aggregation.AVERAGE:
        total.value = sum((f.value for f in reported), Decimal(0)) / len(reported)
        monthly = [f.month_value for f in reported if f.month_value is not None]
        total.month_value = sum(monthly, Decimal(0)) / len(monthly) if monthly else None
    else:
        total.value = sum((f.value for f in reported), Decimal(0))
        monthly = [f.month_value for f in reported if f.month_value is not None]
        total.month_value = sum(monthly, Decimal(0)) if monthly else None


def _ratio(indicator, unit, numerator, denominator, target):
    figure = Figure(indicator, unit, numerator.year, numerator.month, target=target)
    figure.reported_units = min(numerator.reported_units, denominator.reported_units)
    figure.expected_units = max(numerator.expected_units, denominator.expected_units)
    if numerator.value is not None and denominator.value:
        figure.value = numerator.value * HUNDRED / denominator.value
        figure.as_of = max(numerator.as_of, denominator.as_of)
        figure.is_estimate = numerator.is_estimate or denominator.is_estimate
    if numerator.month_value is not None and denominator.month_value:
        figure.month_value = numerator.month_value * HUNDRED / denominator.month_value
    return figure


def build_report(
    year,
    month,
    *,
    programs=None,
    indicators=None,
    published_only=True,
    roll_up=False,
    jurisdiction=None,
    period_start=None,
):
    """The jurisdiction's figures and each commune's for a month of a year.

    ``published_only`` counts approved months only (what the public sees). ``roll_up`` shows
    the figures of merged or renamed units under the unit that succeeded them. ``period_start``
    makes ``month_value`` cover the months from it to ``month`` (3 months before for a quarter).
    """
    builder = _Builder(
        year,
        month,
        programs=programs,
        indicators=indicators,
        published_only=published_only,
        roll_up=roll_up,
        jurisdiction=jurisdiction,
    )
    return builder.report(month, period_start)


def build_year_reports(
    year,
    month,
    *,
    programs=None,
    indicators=None,
    published_only=True,
    roll_up=False,
    jurisdiction=None,
):
    """The reports of every month from January to ``month``, as ``build_report`` makes them.

    For month-by-month charts: the figures are read once (the queries of one report, whatever
    the number of months), and each month's report is computed from them.
    """
    builder = _Builder(
        year,
        month,
        programs=programs,
        indicators=indicators,
        published_only=published_only,
        roll_up=roll_up,
        jurisdiction=jurisdiction,
        months=range(1, month + 1),
    )
    return [builder.report(m) for m in range(1, month + 1)]


class _Builder:
    """What the reports of a year up to a month read, loaded once; ``report(m)`` computes one."""

    def __init__(
        self,
        year,
        month,
        *,
        programs,
        indicators,
        published_only,
        roll_up,
        jurisdiction,
        months=None,
    ):
        self.year, self.published_only = year, published_only
        jurisdiction = jurisdiction or AdministrativeUnit.objects.jurisdiction()
        self.jurisdiction = jurisdiction
        self.units = _units_for_period(jurisdiction, year, month)
        self.links = _successor_links(jurisdiction)
        # The columns: every unit under its own name, or rolled into the unit standing for it
        # today. The total: a unit merged before the month's end counts once, in its successor.
        self.shown_map = _follow(self.links) if roll_up else {}
        self.total_maps = {
            m: _follow(self.links, retired_by=month_end(year, m)) for m in (months or [month])
        }
        ids = [self.shown_map.get(u.pk, u.pk) for u in self.units]
        for total_map in self.total_maps.values():
            ids += [total_map.get(u.pk, u.pk) for u in self.units]
        self.by_id = {u.pk: u for u in _with_units(self.units, list(dict.fromkeys(ids)))}
        self.by_id.update({u.pk: u for u in self.units})
        self.everyone = [jurisdiction, *self.by_id.values()]
        catalogue = Indicator.objects.active().catalogue()
        if programs is not None:
            catalogue = catalogue.filter(program__in=programs)
        if indicators is not None:
            catalogue = catalogue.filter(pk__in=[i.pk for i in indicators])
        self.catalogue = list(catalogue)
        self.needed = {i.pk: i for i in self.catalogue}
        for indicator in self.catalogue:  # a rate needs its terms even when they are not shown
            for term in (indicator.numerator, indicator.denominator):
                if term is not None:
                    self.needed.setdefault(term.pk, term)
        self.stored = _Stored(year, month, self.everyone, published_only)

    def report(self, month, period_start=None):
        year, jurisdiction = self.year, self.jurisdiction
        last_day = month_end(year, month)
        units = [u for u in self.units if u.established_on is None or u.established_on <= last_day]
        shown_map = self.shown_map
        total_map = self.total_maps[month]
        units_shown = [
            self.by_id[pk] for pk in dict.fromkeys(shown_map.get(u.pk, u.pk) for u in units)
        ]
        units_total = [
            self.by_id[pk] for pk in dict.fromkeys(total_map.get(u.pk, u.pk) for u in units)
        ]
        figures_args = (year, month, self.everyone, self.published_only)
        data = _Figures(*figures_args, shown_map, period_start, stored=self.stored)
        totals = data
        if total_map != shown_map:
            totals = _Figures(*figures_args, total_map, period_start, stored=self.stored)
        rows = {}

        def entered_row(indicator):
            by_unit = {
                unit.pk: data.unit_figure(indicator, unit)
                for unit in units_shown
                if indicator.applies_to_unit(unit)
            }
            total = data.unit_figure(indicator, jurisdiction)
            own_figure = indicator.applies_to == Applicability.JURISDICTION or (
                indicator.aggregation == Aggregation.JURISDICTION_ONLY
            )
            if not own_figure:
                eligible = [u for u in units_total if indicator.applies_to_unit(u)]
                parts = [
                    by_unit[u.pk] if totals is data else totals.unit_figure(indicator, u)
                    for u in eligible
                ]
                total.value = total.month_value = None
                _aggregate(indicator, total, parts, eligible)
            return Row(indicator, total, by_unit)

        for indicator in self.needed.values():
            if indicator.is_entered:
                rows[indicator.pk] = entered_row(indicator)
        for indicator in self.needed.values():
            if not indicator.is_entered:
                num, den = rows[indicator.numerator_id], rows[indicator.denominator_id]
                total = _ratio(
                    indicator,
                    jurisdiction,
                    num.total,
                    den.total,
                    data.targets.get((indicator.pk, jurisdiction.pk)),
                )
                by_unit = {
                    unit_id: _ratio(
                        indicator,
                        figure.unit,
                        figure,
                        den.by_unit[unit_id],
                        data.targets.get((indicator.pk, unit_id)),
                    )
                    for unit_id, figure in num.by_unit.items()
                    if unit_id in den.by_unit
                }
                rows[indicator.pk] = Row(indicator, total, by_unit)

        grouped = {}
        for indicator in self.catalogue:
            grouped.setdefault(indicator.program, []).append(rows[indicator.pk])
        return Report(
            year=year,
            month=month,
            period_start=period_start or month,
            jurisdiction=jurisdiction,
            units=units_shown,
            programs=list(grouped.items()),
            published_only=self.published_only,
        )


def unit_figures(unit, year, month, *, published_only=True, indicators=None):
    """Every indicator the unit enters, as {indicator id: Figure}, for its own page or form."""
    jurisdiction = unit if unit.is_jurisdiction else unit.parent
    report = build_report(
        year,
        month,
        published_only=published_only,
        jurisdiction=jurisdiction,
        indicators=indicators,
    )
    if unit.is_jurisdiction:
        return {row.indicator.pk: row.total for row in report.rows()}
    return {
        row.indicator.pk: row.by_unit[unit.pk] for row in report.rows() if unit.pk in row.by_unit
    }


def unit_month_figures(unit, year, month, indicators, *, published_only=False):
    """A unit's own figures of the given entered indicators at the end of a month.

    For the entry form: no other unit is read. Returns {indicator id: Figure}.
    """
    data = _Figures(year, month, [unit], published_only, {})
    return {i.pk: data.unit_figure(i, unit) for i in indicators if i.is_entered}


def published_months(jurisdiction):
    """{(year, month): number of units with approved figures} in the jurisdiction (one query).

    The months the public results pages can show, newest last.
    """
    counts = (
        MonthlyReport.objects.approved()
        .filter(Q(unit=jurisdiction) | Q(unit__parent=jurisdiction))
        .values("year", "month")
        .annotate(units=Count("pk"))
        .order_by("year", "month")
    )
    return {(row["year"], row["month"]): row["units"] for row in counts}


def ranked(row):
    """The units of a report row, best first: by percent of the target where the units have
    one, else by value; lower first for an indicator where lower is better; not reported last."""
    figures = list(row.by_unit.values())
    by_percent = any(f.percent is not None for f in figures)

    def key(figure):
        measure = figure.percent if by_percent else figure.value
        if measure is None:
            return (1, 0, figure.unit.order, figure.unit.name)
        sign = 1 if not row.indicator.higher_is_better else -1
        return (0, sign * measure, figure.unit.order, figure.unit.name)

    return sorted(figures, key=key)
