"""Checks on typed figures: errors block saving, warnings need a reason before submitting.

The entry form, the spreadsheet import and the services all call these, so a figure is held
to the same rules whichever way it arrives.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import IndicatorKind
from portal.formatting import NumberFormatError, format_number, parse_number

# A figure this many times above (or below) a commune's recent range is worth a second look.
OUTLIER_FACTOR = Decimal(3)
OUTLIER_MIN_HISTORY = 3


@dataclass
class Entry:
    """What was typed for one indicator of a month, and what the checks found."""

    indicator: object
    raw: str = ""
    value: Decimal | None = None
    is_estimate: bool = False
    note: str = ""
    warning_reason: str = ""
    measured_on: object = None
    seen_version: int | None = None  # the figure's version when the form was drawn; None: none
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def is_empty(self):
        return self.value is None


def parse_entry_value(indicator, raw):
    """Read a typed value for an indicator: (Decimal or None, [errors])."""
    try:
        value = parse_number(raw)
    except NumberFormatError:
        return None, [_("Enter a number, for example 4.884 or 1,75.")]
    if value is None:
        return None, []
    return value, check_value(indicator, value)


def check_value(indicator, value):
    """Hard errors for a value of an indicator (empty list when it is acceptable)."""
    errors = []
    low, high = indicator.value_limits()
    if value < low:
        errors.append(_("A figure cannot be negative."))
    if indicator.kind == IndicatorKind.STANDARD and value not in (0, 1):
        errors.append(_("Enter 1 if the standard is met, 0 if it is not."))
    elif indicator.kind == IndicatorKind.CRITERIA and high is not None and value > high:
        errors.append(
            _("There are only %(total)s criteria: no more than %(total)s can be met.")
            % {"total": high}
        )
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > indicator.decimals:
        if indicator.decimals == 0:
            errors.append(_("Enter a whole number."))
        else:
            errors.append(
                _("Enter at most %(count)s decimal places.") % {"count": indicator.decimals}
            )
    return errors


def check_warnings(entries, history):
    """Add warnings to a month's entries (a dict indicator id -> Entry).

    ``history`` maps an indicator id to the unit's values for it in the previous months.
    """
    for entry in entries.values():
        entry.warnings = []
    for entry in entries.values():
        if entry.value is None or entry.errors:
            continue
        indicator = entry.indicator
        _check_outlier(entry, history.get(indicator.pk, []))
        if indicator.not_above_id and indicator.not_above_id in entries:
            other = entries[indicator.not_above_id]
            if other.value is not None and entry.value > other.value:
                entry.warnings.append(
                    _("Higher than “%(other)s” (%(value)s), which it should not exceed.")
                    % {
                        "other": other.indicator.name,
                        "value": format_number(other.value, other.indicator.decimals),
                    }
                )
    _check_totals(entries)


def _check_outlier(entry, past):
    if not entry.indicator.is_flow or len(past) < OUTLIER_MIN_HISTORY:
        return
    highest, lowest = max(past), min(past)
    decimals = entry.indicator.decimals
    if highest > 0 and entry.value > highest * OUTLIER_FACTOR:
        entry.warnings.append(
            _("Much higher than this unit's usual figures (at most %(value)s in recent months).")
            % {"value": format_number(highest, decimals)}
        )
    elif lowest > 0 and entry.value * OUTLIER_FACTOR < lowest:
        entry.warnings.append(
            _("Much lower than this unit's usual figures (at least %(value)s in recent months).")
            % {"value": format_number(lowest, decimals)}
        )


def _check_totals(entries):
    parts_of = {}
    for entry in entries.values():
        if entry.indicator.total_of_id:
            parts_of.setdefault(entry.indicator.total_of_id, []).append(entry)
    for total_id, parts in parts_of.items():
        total = entries.get(total_id)
        if total is None or total.value is None or total.errors:
            continue
        if any(p.value is None or p.errors for p in parts):
            continue
        added = sum((p.value for p in parts), Decimal(0))
        if added != total.value:
            decimals = total.indicator.decimals
            total.warnings.append(
                _("Its parts add up to %(parts)s, not %(total)s.")
                % {
                    "parts": format_number(added, decimals),
                    "total": format_number(total.value, decimals),
                }
            )
