"""Vietnamese formats for figures and dates: one place that pages, admin and exports all call.

4.884 người · 1,75% · 130.000.000 đồng · Thứ sáu, 28/10/2022 04:00. The formats do not follow
the reader's language: a figure reads the same everywhere.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

THOUSAND_SEPARATOR = "."
DECIMAL_SEPARATOR = ","
MISSING = "–"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _to_decimal(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_number(value, decimals=0, missing=MISSING):
    """Format a number the Vietnamese way: 4.884 or 1,75 (rounded half up)."""
    number = _to_decimal(value)
    if number is None:
        return missing
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0"
    sign = "-" if number < 0 else ""
    integer, _dot, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + THOUSAND_SEPARATOR.join(groups)
    if decimals > 0:
        text += DECIMAL_SEPARATOR + fraction
    return text


def format_percent(value, decimals=2, missing=MISSING):
    """Format a percentage: 1,75%. Trailing zeros of the decimals are kept for alignment."""
    text = format_number(value, decimals, missing=None)
    return missing if text is None else f"{text}%"


def format_money(value, missing=MISSING):
    """Format an amount in Vietnamese đồng: 130.000.000 đồng."""
    text = format_number(value, 0, missing=None)
    if text is None:
        return missing
    currency = _("dong")
    return f"{text} {currency}"


def weekday_name(day):
    """Return the name of a date's weekday (Thứ hai … Chủ nhật).

    The same message ids as Django's own, so the admin's dates say "Thứ sáu" too.
    """
    names = [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]
    return names[day.weekday()]


def format_date(value, missing=MISSING):
    """Format a date: 28/10/2022."""
    if not value:
        return missing
    return value.strftime("%d/%m/%Y")


def format_datetime(value, missing=MISSING):
    """Format an aware datetime in local time: Thứ sáu, 28/10/2022 04:00."""
    if not value:
        return missing
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{weekday_name(value)}, {value:%d/%m/%Y %H:%M}"


class NumberFormatError(ValueError):
    """Text that is not a number in any way a Vietnamese user writes one."""


def parse_number(text):
    """Read a number as people type it: 4.884 · 4 884 · 1,75 · 4.884,5 · 12.5 · -3.

    A dot followed by groups of exactly three digits separates thousands (the Vietnamese way);
    a comma is the decimal mark. With only a dot and no thousands groups ("12.5") the dot is a
    decimal point. Returns a Decimal, or None for empty text; raises NumberFormatError.
    """
    if text is None:
        return None
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
    if not cleaned:
        return None
    cleaned = cleaned.replace("−", "-")
    if "." in cleaned and "," in cleaned:
        if cleaned.rfind(",") < cleaned.rfind("."):
            raise NumberFormatError(text)  # 4,884.5: the English way round, ambiguous here
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        if cleaned.count(",") > 1:
            raise NumberFormatError(text)
        cleaned = cleaned.replace(",", ".")
    elif "." in cleaned:
        head, *groups = cleaned.lstrip("+-").split(".")
        thousands = groups and all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3
        if thousands and (len(groups) > 1 or head not in {"0", ""}):
            cleaned = cleaned.replace(".", "")
    if not _PLAIN_NUMBER.fullmatch(cleaned):
        raise NumberFormatError(text)
    return Decimal(cleaned)
