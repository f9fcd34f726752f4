"""Resolve the figures an article quotes and put them in its body in place of their tokens.

Figures come from ``indicators.reporting`` only; one report is built per month quoted, so the
queries of an article page do not grow with the number of figures.
"""

import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.models import ArticleFigure
from indicators.reporting import build_report

TOKEN = re.compile(r"\[số liệu (\d{1,4})\]")


def _no_data():
    return _("no data yet")


def figure_text(figure, row):
    """The text of a single figure as the results pages write it."""
    if row is None:
        return _no_data()
    result = row.total if figure.unit_id is None else row.by_unit.get(figure.unit_id)
    if result is None:
        return _no_data()
    Measure = ArticleFigure.Measure
    if figure.measure == Measure.TARGET:
        return result.target_text if result.target is not None else _no_data()
    if figure.measure == Measure.PERCENT:
        return result.percent_text if result.percent is not None else _no_data()
    if figure.measure == Measure.MONTH:
        return result.month_text if result.month_value is not None else _no_data()
    return result.value_text if result.value is not None else _no_data()


def _table(figure, rows):
    if not rows:
        return format_html('<span class="quoted-figure">{}</span>', _no_data())
    body = []
    for row in rows:
        result = row.total if figure.unit_id is None else row.by_unit.get(figure.unit_id)
        if result is not None and result.value is not None:
            cells = (result.value_text, result.target_text, result.percent_text)
        else:
            cells = (_no_data(), "", "")
        body.append((row.indicator.name, row.indicator.unit_of_measure, *cells))
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
            body,
        ),
    )


def resolve(figures):
    """{number: safe HTML} for the article's figures, one report per month quoted."""
    periods = {}
    for figure in figures:
        periods.setdefault((figure.year, figure.month), []).append(figure)
    html = {}
    for (year, month), group in periods.items():
        programs = {f.program_id for f in group if f.is_table}
        programs |= {f.indicator.program_id for f in group if not f.is_table}
        report = build_report(year, month, programs=sorted(programs))
        by_indicator = {row.indicator.pk: row for row in report.rows()}
        by_program = {program.pk: rows for program, rows in report.programs}
        for figure in group:
            if figure.is_table:
                html[figure.number] = _table(figure, by_program.get(figure.program_id, []))
            else:
                text = figure_text(figure, by_indicator.get(figure.indicator_id))
                html[figure.number] = format_html('<span class="quoted-figure">{}</span>', text)
    return html


def article_figures(article):
    """The article's figures with what their text needs, in one query."""
    return list(article.figures.select_related("indicator", "program", "unit"))


def render_body(article, *, flag_unknown=False):
    """The article's cleaned body with each token replaced by its figure.

    An unknown token shows nothing to readers; ``flag_unknown`` marks it for staff previewing.
    """
    body = article.body_html()
    if not TOKEN.search(body):
        return body
    rendered = resolve(article_figures(article))

    def replace(match):
        number = int(match.group(1))
        if number in rendered:
            return str(rendered[number])
        if flag_unknown:
            return str(
                format_html(
                    '<mark class="quoted-figure-unknown">{}</mark>',
                    _("%(token)s: no figure has this number.") % {"token": match.group(0)},
                )
            )
        return ""

    # The body is nh3-cleaned HTML; a token holds no markup, and what replaces it is escaped.
    return mark_safe(TOKEN.sub(replace, str(body)))  # noqa: S308
