"""Charts of the public results pages, drawn on the server as inline SVG (no JavaScript).

The figures and their texts come from ``indicators.reporting``; these tags only turn them into
shapes (bar lengths and heights). Each chart is decorative beside text that says the same: the
progress bar beside its numbers, the month chart with a text alternative and a data table.
"""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from indicators.models import IndicatorKind
from indicators.reporting import Status

register = template.Library()

HUNDRED = Decimal(100)
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 360, 150, 8, 22
SLOT = CHART_WIDTH / 12


def status_text(figure):
    """The state of a figure in words, so that no colour says it alone."""
    return {
        Status.ACHIEVED: _("target reached"),
        Status.ON_TRACK: _("on track"),
        Status.BEHIND: _("behind schedule"),
        Status.NOT_REPORTED: _("not reported"),
    }.get(figure.status, "")


def _share(figure):
    """How full the bar is, 0–100: the percent of the target, or of the criteria in the set."""
    if figure.value is None:
        return None
    if figure.percent is not None:
        return max(min(figure.percent, HUNDRED), Decimal(0))
    if figure.out_of and figure.indicator.kind != IndicatorKind.RATIO:
        return max(min(figure.value * HUNDRED / figure.out_of, HUNDRED), Decimal(0))
    if figure.indicator.kind == IndicatorKind.RATIO:
        return max(min(figure.value, HUNDRED), Decimal(0))
    return None


def _suffix(figure):
    """The unit of measure after the numbers, unless the text already carries it (%, đồng)."""
    indicator = figure.indicator
    if indicator.kind == IndicatorKind.RATIO or indicator.unit_of_measure in ("đồng", "%"):
        return ""
    return indicator.unit_of_measure


@register.inclusion_tag("indicators/results/includes/progress.html")
def progress(figure, compact=False):
    """The year-to-date against the target: a bar and the same in words."""
    share = _share(figure)
    return {
        "figure": figure,
        "width": None if share is None else f"{share:.1f}",
        "status": figure.status,
        "status_text": status_text(figure),
        "suffix": _suffix(figure),
        "compact": compact,
    }


def chart_value(figure):
    """What a month's bar shows: the month's figure for a flow, the value at its end otherwise."""
    if figure.indicator.is_flow and figure.indicator.kind != IndicatorKind.RATIO:
        return figure.month_value
    return figure.value


def chart_text(figure):
    if figure.indicator.is_flow and figure.indicator.kind != IndicatorKind.RATIO:
        return figure.month_text
    return figure.value_text


@register.inclusion_tag("indicators/results/includes/month_chart.html")
def month_chart(figures, caption_id):
    """A bar for each month of the year so far, with month labels, and its data table."""
    values = [chart_value(f) for f in figures]
    top = max((v for v in values if v is not None and v > 0), default=None)
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index, (figure, value) in enumerate(zip(figures, values, strict=True)):
        height = 0 if not top or value is None or value <= 0 else float(value / top) * plot
        bars.append(
            {
                "month": figure.month,
                "x": f"{index * SLOT + SLOT * 0.15:.1f}",
                "label_x": f"{index * SLOT + SLOT / 2:.1f}",
                "y": f"{CHART_TOP + plot - height:.1f}",
                "height": f"{height:.1f}",
                "text": chart_text(figure),
                "missing": value is None,
                "figure": figure,
            }
        )
    first = figures[0] if figures else None
    flow = bool(first and first.indicator.is_flow and first.indicator.kind != IndicatorKind.RATIO)
    summary = "; ".join(
        _("month %(month)s: %(value)s") % {"month": bar["month"], "value": bar["text"]}
        for bar in bars
    )
    return {
        "bars": bars,
        "flow": flow,
        "summary": summary,
        "caption_id": caption_id,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bar_width": f"{SLOT * 0.7:.1f}",
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - 6,
    }


@register.filter
def status_words(figure):
    return status_text(figure)


@register.simple_tag
def ranking_bars(figures):
    """[{figure, width}] for the ranked communes: share of the target, else of the largest."""
    shares = [_share(f) for f in figures]
    if not any(s is not None for s in shares):
        top = max((f.value for f in figures if f.value is not None and f.value > 0), default=None)
        shares = [
            None if f.value is None or not top else max(f.value, Decimal(0)) * HUNDRED / top
            for f in figures
        ]
    return [
        {"figure": f, "width": None if s is None else f"{s:.1f}"}
        for f, s in zip(figures, shares, strict=True)
    ]


@register.inclusion_tag("indicators/results/includes/sparkline.html")
def sparkline(figures):
    """A small bar per month for an overview table; its label says the numbers."""
    figures = figures or []
    values = [chart_value(f) for f in figures]
    top = max((v for v in values if v is not None and v > 0), default=None)
    bars = []
    for index, value in enumerate(values):
        height = 0 if not top or value is None or value <= 0 else float(value / top) * 20
        bars.append({"x": index * 5, "y": f"{22 - height:.1f}", "height": f"{height:.1f}"})
    summary = "; ".join(
        _("month %(month)s: %(value)s") % {"month": f.month, "value": chart_text(f)}
        for f in figures
    )
    return {"bars": bars, "summary": summary}
