"""The figures an article quotes: read from the reporting module, frozen when it is published.

Figures come from ``indicators.reporting`` only; one report is built per month quoted, so the
queries of an article page do not grow with the number of figures. A figure's *data* is what
its text needs — ``{"text": "4.884"}`` or ``{"rows": [[name, unit of measure, value, target,
percent], …]}``, ``None`` standing for "no data yet" — so that what was published can be stored
(``ArticleFigure.frozen``), compared with the current data and written again the same way.
"""

import re
import threading
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.models import Article, ArticleFigure
from indicators.report_cache import public_report

TOKEN = re.compile(r"\[số liệu (\d{1,4})\]")


def _no_data():
    return _("no data yet")


# ---------------------------------------------------------------------------------------------
# Data: what a figure reads now
# ---------------------------------------------------------------------------------------------


def _result(figure, row):
    if row is None:
        return None
    return row.total if figure.unit_id is None else row.by_unit.get(figure.unit_id)


def _figure_text(figure, result):
    """The text of a single figure as the results pages write it, or None."""
    if result is None:
        return None
    Measure = ArticleFigure.Measure
    if figure.measure == Measure.TARGET:
        return result.target_text if result.target is not None else None
    if figure.measure == Measure.PERCENT:
        return result.percent_text if result.percent is not None else None
    if figure.measure == Measure.MONTH:
        return result.month_text if result.month_value is not None else None
    return result.value_text if result.value is not None else None


def _table_rows(figure, rows):
    table = []
    for row in rows:
        result = _result(figure, row)
        if result is not None and result.value is not None:
            cells = [result.value_text, result.target_text, result.percent_text]
        else:
            cells = [None, "", ""]
        table.append([row.indicator.name, row.indicator.unit_of_measure, *cells])
    return table


def current_data(figures):
    """{figure pk: data} of what the figures read now, one report per month quoted."""
    periods = {}
    for figure in figures:
        periods.setdefault((figure.year, figure.month), []).append(figure)
    data = {}
    for (year, month), group in periods.items():
        programs = {f.program_id for f in group if f.is_table}
        programs |= {f.indicator.program_id for f in group if not f.is_table}
        report = public_report(year, month, programs=sorted(programs))
        by_indicator = {row.indicator.pk: row for row in report.rows()}
        by_program = {program.pk: rows for program, rows in report.programs}
        for figure in group:
            if figure.is_table:
                rows = _table_rows(figure, by_program.get(figure.program_id, []))
                data[figure.pk] = {"rows": rows}
            else:
                row = by_indicator.get(figure.indicator_id)
                data[figure.pk] = {"text": _figure_text(figure, _result(figure, row))}
    return data


def _numbers(data):
    """What must stay equal for the published figure to still be true (names may change)."""
    if "rows" in data:
        return [row[2:] for row in data["rows"]]
    return data.get("text")


def is_revised(figure, current):
    """Whether the data now differs from what was published."""
    return figure.is_frozen and _numbers(figure.frozen) != _numbers(current)


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def _table_html(figure, rows):
    if not rows:
        return format_html('<span class="quoted-figure">{}</span>', _no_data())
    where = figure.unit.name if figure.unit_id else _("whole district")
    return format_html(
        '<div class="table-scroll"><table class="quoted-figure-table">'
        "<caption>{} – {} – {}/{}</caption>"
        '<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody>'
        "</table></div>",
        figure.program.name,
        where,
        f"{figure.month:02d}",
        figure.year,
        _("Indicator"),
        _("Unit of measure"),
        _("Year to date"),
        _("Target"),
        _("Percent of plan"),
        format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (name, uom, _no_data() if value is None else value, target, percent)
                for name, uom, value, target, percent in rows
            ),
        ),
    )


def figure_html(figure, data):
    """A figure's HTML from its data (current or frozen); everything in it is escaped."""
    if "rows" in data:
        return _table_html(figure, data["rows"])
    text = data.get("text")
    return format_html(
        '<span class="quoted-figure">{}</span>', _no_data() if text is None else text
    )


def resolve(figures):
    """{number: safe HTML} of what the figures read now."""
    data = current_data(figures)
    return {figure.number: figure_html(figure, data[figure.pk]) for figure in figures}


def current_link(figure):
    """(label, URL) of the results page showing the figure's current data."""
    query = f"?nam={figure.year}&thang={figure.month}"
    period = f"{figure.month:02d}/{figure.year}"
    if figure.is_table:
        label, program, anchor = figure.program.name, figure.program, ""
    else:
        label, program = figure.indicator.name, figure.indicator.program
        anchor = f"#cs-{figure.indicator.code}"
    if figure.unit_id:
        url = reverse("results:unit", args=[figure.unit.code]) + query + anchor
        label = f"{label} – {figure.unit.name}"
    else:
        url = reverse("results:program", args=[program.code]) + query + anchor
    return f"{label} ({period})", url


@dataclass
class Rendered:
    """An article's body with its figures, and links to the figures revised since publication."""

    body: str
    revised: list = field(default_factory=list)  # [(label, url)]


def article_figures(article):
    """The article's figures with what their text needs, in one query."""
    return list(article.figures.select_related("indicator__program", "program", "unit"))


def render(article, *, flag_unknown=False):
    """The cleaned body with each token replaced by its figure: frozen if published, else now.

    An unknown token shows nothing to readers; ``flag_unknown`` marks it for staff previewing.
    """
    body = article.body_html()
    if not TOKEN.search(body):
        return Rendered(body=body)
    # A reader's page shows frozen figures, whose text needs no indicator: only those still
    # computed (drafts, previews) or linked as revised are given theirs, in two more queries.
    figures = list(article.figures.select_related("program", "unit"))
    needing = [figure for figure in figures if not figure.is_frozen or figure.revised_at]
    prefetch_related_objects(needing, "indicator__program")
    # A frozen figure shows what it was published with; whether the data changed since is
    # kept in ``revised_at`` by ``check_revisions`` on every change of the data (signals), so
    # readers' pages compute only the figures not frozen yet (drafts, previews).
    current = current_data([figure for figure in figures if not figure.is_frozen])
    html, revised = {}, {}
    for figure in figures:
        if figure.is_frozen:
            html[figure.number] = figure_html(figure, figure.frozen)
            if figure.revised_at is not None:
                label, url = current_link(figure)
                revised.setdefault(url, label)
        else:
            html[figure.number] = figure_html(figure, current[figure.pk])

    def replace(match):
        number = int(match.group(1))
        if number in html:
            return str(html[number])
        if flag_unknown:
            return str(
                format_html(
                    '<mark class="quoted-figure-unknown">{}</mark>',
                    _("%(token)s: no figure has this number.") % {"token": match.group(0)},
                )
            )
        return ""

    # The body is nh3-cleaned HTML; a token holds no markup, and what replaces it is escaped.
    body = mark_safe(TOKEN.sub(replace, str(body)))  # noqa: S308
    return Rendered(body=body, revised=[(label, url) for url, label in revised.items()])


# ---------------------------------------------------------------------------------------------
# Freezing at publication, and finding the published figures revised since
# ---------------------------------------------------------------------------------------------


def freeze_figures(article, *, refresh=False):
    """Store what the article's figures read now; only those not frozen yet unless ``refresh``.

    Called when the article is saved as published, so a figure keeps the value it was
    published with. Returns the number of figures frozen.
    """
    figures = [f for f in article_figures(article) if refresh or not f.is_frozen]
    if not figures:
        return 0
    current = current_data(figures)
    now = timezone.now()
    for figure in figures:
        figure.frozen, figure.frozen_at, figure.revised_at = current[figure.pk], now, None
    ArticleFigure.objects.bulk_update(figures, ["frozen", "frozen_at", "revised_at"])
    return len(figures)


def published_figures(years=None):
    """The frozen figures of published articles, with what their text needs."""
    figures = ArticleFigure.objects.filter(
        frozen_at__isnull=False, article__status=Article.Status.PUBLISHED
    ).select_related("indicator__program", "program", "unit")
    if years is not None:
        figures = figures.filter(year__in=years)
    return list(figures)


def check_revisions(years=None):
    """Mark the published figures whose data changed since publication (and unmark the rest).

    Returns the number of figures now marked as revised.
    """
    figures = published_figures(years)
    if not figures:
        return 0
    current = current_data(figures)
    revised = [f.pk for f in figures if is_revised(f, current[f.pk])]
    same = [f.pk for f in figures if f.pk not in set(revised)]
    ArticleFigure.objects.filter(pk__in=revised, revised_at__isnull=True).update(
        revised_at=timezone.now()
    )
    ArticleFigure.objects.filter(pk__in=same, revised_at__isnull=False).update(revised_at=None)
    return len(revised)


_pending = threading.local()


def check_revisions_on_commit(year=None):
    """Check the published figures of a year (None: all) once the current transaction commits.

    Many changes in one transaction (approving every commune at once) make one check.
    """
    years = _pending.__dict__.setdefault("years", set())
    years.add(year)
    transaction.on_commit(_run_pending_checks)


def _run_pending_checks():
    years = _pending.__dict__.pop("years", set())
    if years:
        check_revisions(None if None in years else years)
