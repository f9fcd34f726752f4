"""A report article's first draft, written from the approved figures of a period.

The sentences and tables are built from ``indicators.reporting``'s Report and Row objects and
their texts (``value_text``, ``percent_text``, ``target_text``…), so a drafted number reads as
on every other page. The editor rewrites the draft; figures that need a look are flagged in it
(behind plan, open warnings, units not yet approved) with a list of them at the top.
"""

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import override

from indicators.models import (
    Achievement,
    Aggregation,
    Applicability,
    Comparison,
    IndicatorKind,
    MonthlyReport,
)
from indicators.reporting import Status, build_report
from portal import formatting

PERIOD_MONTH, PERIOD_YTD = "month", "ytd"
FLAG = "[Cần kiểm tra]"  # what an editor searches the draft for; the same in every language


@dataclass
class Draft:
    """A drafted report: title, lead, body HTML and the figures flagged for the editor."""

    title: str
    lead: str
    body: str
    flagged: list = field(default_factory=list)  # [(Row, [reason, …])]


def _uom(figure):
    """The unit of measure after a number, unless the text already carries it (%, đồng)."""
    indicator = figure.indicator
    if indicator.kind == IndicatorKind.RATIO or indicator.unit_of_measure in ("", "đồng", "%"):
        return ""
    return indicator.unit_of_measure


def _with_uom(text, figure):
    uom = _uom(figure)
    return f"{text} {uom}" if uom else text


def _comparison(figure):
    """The clause comparing the figure with its target, or "" when there is none."""
    if figure.percent is None:
        return ""
    values = {"percent": figure.percent_text, "target": _with_uom(figure.target_text, figure)}
    compare_with = figure.indicator.compare_with
    if compare_with == Comparison.PLAN and not figure.indicator.higher_is_better:
        if figure.status == Status.BEHIND:
            return _("above the annual ceiling (%(target)s), at %(percent)s of it") % values
        return _("within the annual ceiling (%(target)s)") % values
    if compare_with == Comparison.PLAN:
        return _("%(percent)s of the annual plan (%(target)s)") % values
    if compare_with == Comparison.POPULATION:
        return _("%(percent)s of the population concerned (%(target)s)") % values
    return _("%(percent)s of the total (%(target)s)") % values


def figure_sentence(figure, *, period=PERIOD_MONTH):
    """One sentence in the report's words for an indicator's figure (the district's or a unit's).

    "Lao động được giải quyết việc làm mới: trong tháng 512 người; lũy kế từ đầu năm 4.884
    người, đạt 85,7% kế hoạch năm (5.700 người)." · "Tỷ lệ hộ nghèo đạt 1,75%."
    """
    indicator = figure.indicator
    name = indicator.name
    if figure.value is None:
        subject = name if figure.unit.is_jurisdiction else figure.unit.full_name
        return _("%(name)s: no approved figures for this period.") % {"name": subject}
    value = _with_uom(figure.value_text, figure)
    if figure.is_estimate:
        value = _("%(value)s (estimate)") % {"value": value}
    comparison = _comparison(figure)
    if indicator.kind == IndicatorKind.RATIO:
        if comparison:
            return _("%(name)s reached %(value)s, %(comparison)s.") % {
                "name": name,
                "value": value,
                "comparison": comparison,
            }
        if not indicator.higher_is_better:
            return _("%(name)s stood at %(value)s.") % {"name": name, "value": value}
        return _("%(name)s reached %(value)s.") % {"name": name, "value": value}
    if indicator.kind == IndicatorKind.CRITERIA:
        if figure.unit.is_jurisdiction:
            text = _("%(name)s: on average %(value)s per commune") % {"name": name, "value": value}
        else:
            text = _("%(unit)s met %(value)s") % {"unit": figure.unit.full_name, "value": value}
        if comparison:
            return _("%(text)s, %(comparison)s.") % {"text": text, "comparison": comparison}
        return _("%(text)s.") % {"text": text}
    if indicator.is_flow:
        values = {"name": name, "value": value, "comparison": comparison}
        shown_month = period == PERIOD_MONTH and figure.month_value is not None
        values["month"] = _with_uom(figure.month_text, figure)
        if shown_month and not figure.month_value:
            values["month"] = _("none")
        if shown_month and comparison:
            return (
                _(
                    "%(name)s: %(month)s in the month; %(value)s since the start of the year, "
                    "%(comparison)s."
                )
                % values
            )
        if shown_month:
            return (
                _("%(name)s: %(month)s in the month; %(value)s since the start of the year.")
                % values
            )
        if comparison:
            return _("%(name)s: %(value)s since the start of the year, %(comparison)s.") % values
        return _("%(name)s: %(value)s since the start of the year.") % values
    if comparison:
        return _("%(name)s: %(value)s, %(comparison)s.") % {
            "name": name,
            "value": value,
            "comparison": comparison,
        }
    return _("%(name)s: %(value)s.") % {"name": name, "value": value}


def _units_concerned(row):
    """The ids of the units whose figures make up the row's total."""
    indicator = row.indicator
    ids = set(row.by_unit)
    own = indicator.applies_to == Applicability.JURISDICTION or (
        indicator.aggregation == Aggregation.JURISDICTION_ONLY
    )
    if own or not ids:
        ids.add(row.total.unit.pk)
    return ids


def flags(row, warnings=(), pending=None):
    """Why a row needs the editor's attention (empty when it does not).

    ``warnings`` are the open warning texts of the row's indicator for the period; ``pending``
    maps the id of each unit whose month is not approved yet to the unit.
    """
    total = row.total
    reasons = []
    if total.value is None:
        reasons.append(_("no approved figure"))
    if total.status == Status.BEHIND:
        if row.indicator.higher_is_better:
            reasons.append(_("behind the plan for this time of the year"))
        else:
            reasons.append(_("above the annual ceiling"))
    waiting = [unit for pk, unit in (pending or {}).items() if pk in _units_concerned(row)]
    if waiting:
        reasons.append(
            _("the month is not approved yet for %(units)s")
            % {"units": ", ".join(unit.full_name for unit in waiting)}
        )
    if warnings:
        reasons.append(
            _("open warnings: %(warnings)s") % {"warnings": "; ".join(dict.fromkeys(warnings))}
        )
    return reasons


def _flag_paragraph(reasons):
    text = "; ".join(reasons).rstrip(".")
    return format_html(
        "<p><strong>{} {}</strong></p>",
        FLAG,
        _("%(reasons)s.") % {"reasons": text[:1].upper() + text[1:]},
    )


def _table(program, rows):
    head = format_html(
        "<thead><tr>{}</tr></thead>",
        format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (label,)
                for label in (
                    _("Indicator"),
                    _("Unit of measure"),
                    _("Target"),
                    _("In the period"),
                    _("Year to date or latest"),
                    _("Percent of target"),
                )
            ),
        ),
    )
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                row.indicator.name,
                row.indicator.unit_of_measure,
                row.total.target_text,
                row.total.month_text,
                row.total.value_text,
                row.total.percent_text,
            )
            for row in rows
        ),
    )
    return format_html("<table>{}<tbody>{}</tbody></table>", head, body)


def period_text(year, month, period):
    """Tháng 10/2022 · Từ đầu năm đến tháng 10/2022."""
    values = {"month": month, "year": year}
    if period == PERIOD_YTD:
        return _("From the start of the year to month %(month)s/%(year)s") % values
    return _("Month %(month)s/%(year)s") % values


def draft_report(report, *, period=PERIOD_MONTH, warnings=None, pending=None):
    """The draft of a report: a heading per program, a sentence per indicator and a table.

    ``warnings`` maps an indicator id to its open warning texts for the period, ``pending``
    a unit id to each unit whose month is not approved yet (see ``flags``).
    """
    warnings = warnings or {}
    when = period_text(report.year, report.month, period)
    title = _("Report on the results of the indicators: %(period)s (draft)") % {
        "period": when[:1].lower() + when[1:]
    }
    lead = _(
        "Draft written from the approved figures up to %(date)s by %(unit)s; "
        "check the flagged figures and rewrite before publishing."
    ) % {"date": formatting.format_date(report.as_of), "unit": report.jurisdiction.full_name}
    flagged, sections = [], []
    for program, rows in report.programs:
        parts = [format_html("<h2>{}</h2>", program.name)]
        for row in rows:
            parts.append(format_html("<p>{}</p>", figure_sentence(row.total, period=period)))
            if row.indicator.kind == IndicatorKind.CRITERIA and row.by_unit:
                parts.append(
                    format_html(
                        "<ul>{}</ul>",
                        format_html_join(
                            "",
                            "<li>{}</li>",
                            (
                                (figure_sentence(f, period=period),)
                                for f in row.by_unit.values()
                                if f.value is not None
                            ),
                        ),
                    )
                )
            reasons = flags(row, warnings.get(row.indicator.pk, ()), pending)
            if reasons:
                flagged.append((row, reasons))
                parts.append(_flag_paragraph(reasons))
        parts.append(
            format_html("<h3>{}</h3>", _("Figures of %(program)s") % {"program": program.name})
        )
        parts.append(_table(program, rows))
        sections.append("".join(parts))
    summary = ""
    if flagged:
        summary = format_html(
            "<p><strong>{} {}</strong></p><ul>{}</ul>",
            FLAG,
            _("Figures to check before publishing:"),
            format_html_join(
                "",
                "<li>{}: {}</li>",
                ((row.indicator.name, "; ".join(reasons)) for row, reasons in flagged),
            ),
        )
    return Draft(title=title, lead=lead, body=summary + "".join(sections), flagged=flagged)


# ---------------------------------------------------------------------------------------------
# Reading what a draft needs and storing it
# ---------------------------------------------------------------------------------------------


def open_warnings(report):
    """{indicator id: [warning texts]} of the figures of the report's period (one query)."""
    found = {}
    rows = (
        Achievement.objects.with_warnings()
        .filter(
            report__year=report.year,
            report__month__gte=report.period_start,
            report__month__lte=report.month,
            indicator__in=[row.indicator.pk for row in report.rows()],
        )
        .values_list("indicator_id", "warning")
    )
    for indicator_id, text in rows:
        found.setdefault(indicator_id, []).extend(t for t in text.splitlines() if t.strip())
    return found


def pending_units(report):
    """{unit id: unit} of the report's units whose month is not approved yet (one query)."""
    approved = set(
        MonthlyReport.objects.approved()
        .filter(year=report.year, month=report.month)
        .values_list("unit_id", flat=True)
    )
    units = [report.jurisdiction, *report.units]
    return {unit.pk: unit for unit in units if unit.pk not in approved}


def draft_article_create(*, user, year, month, period, programs):
    """Create a draft article from the approved figures of a period; return it."""
    from articles.models import Article  # articles may quote figures: import at call time

    report = build_report(
        year,
        month,
        programs=programs,
        published_only=True,
        period_start=1 if period == PERIOD_YTD else month,
    )
    with override("vi"):
        draft = draft_report(
            report, period=period, warnings=open_warnings(report), pending=pending_units(report)
        )
    article = Article(
        title=draft.title[:250],
        lead=draft.lead,
        body=draft.body,
        author=user,
        status=Article.Status.DRAFT,
    )
    article.save()
    return article
