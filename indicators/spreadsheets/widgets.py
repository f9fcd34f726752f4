"""Cells to values and back, the way Vietnamese spreadsheets write them.

``clean`` reads a cell: numbers typed as text (4.884, 1,75, 4 884), spaces around values,
yes/no in Vietnamese or English, dates as 31/10/2026, codes in any case. A cell that cannot be
read raises ValueError with a message that says what would be accepted; the resource adds the
row and the column. ``render`` gives the value for an export (numbers stay numbers, the format
writes them); ``display`` gives the text shown in the import preview.
"""

import datetime
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from import_export import widgets

from indicators.spreadsheets.escaping import FORMULA_STARTS
from indicators.spreadsheets.formats import FormulaText
from portal.formatting import NumberFormatError, format_date, format_number, parse_number


def fold(text):
    """Text without diacritics, case, punctuation or extra spaces: "MÃ ĐƠN VỊ" → "ma don vi"."""
    text = unicodedata.normalize("NFKD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


def show(value):
    """A cell's content quoted in a message: “mười”."""
    text = str(value).strip()
    if len(text) > 60:
        text = text[:57] + "…"
    return f"“{text}”"


def formula_error(value):
    return ValueError(
        _(
            "the cell holds a formula (%(formula)s), which is not imported; copy the column and "
            "paste it back as values only (Paste Special → Values), then import again."
        )
        % {"formula": show(value)}
    )


def cell_text(value):
    """The text of a cell: stripped, a number without ".0", an escaped formula unescaped."""
    if isinstance(value, FormulaText):
        raise formula_error(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = int(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return format_date(value)
    text = str(value).strip()
    # Our exports write formula-like text as '=…; read it back as it was.
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


class CellWidget(widgets.Widget):
    def __init__(self):
        super().__init__(coerce_to_string=False)

    def render(self, value, obj=None, **kwargs):
        return value

    def display(self, value):
        return "" if value is None else str(value)

    def hint(self):
        """How to fill in a cell, for the template file's guide."""
        return ""


class TextWidget(CellWidget):
    """Plain text (names, notes): stripped; an empty cell is empty text."""

    def __init__(self, max_length=None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("the text has %(length)s characters; at most %(max)s fit here.")
                % {"length": len(text), "max": self.max_length}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CodeWidget(TextWidget):
    """A code (xa-an-binh, LD-1): stripped, spaces not allowed."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if any(c.isspace() for c in text):
            raise ValueError(
                _("%(value)s is not a code: a code has no spaces (for example xa-an-binh).")
                % {"value": show(text)}
            )
        return text


class DecimalWidget(CellWidget):
    """A figure: 4884, 4.884, 4 884, 1,75 or a number cell."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, FormulaText):
            raise formula_error(value)
        if isinstance(value, bool):
            raise ValueError(not_a_number(value))
        if isinstance(value, float):
            value = Decimal(repr(value))
            if value.as_tuple().exponent < -10:  # binary noise: 0.30000000000000004
                value = value.quantize(Decimal("1e-10")).normalize()
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("'"):
                value = value[1:]
        try:
            number = parse_number(value)
        except NumberFormatError:
            raise ValueError(not_a_number(value)) from None
        if number is not None and not number.is_finite():
            raise ValueError(not_a_number(value))
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None
        return Decimal(value)

    def hint(self):
        return _("A number: 4.884 or 1,75.")

    def display(self, value):
        if value is None:
            return ""
        value = Decimal(value).normalize()
        exponent = value.as_tuple().exponent
        return format_number(value, max(0, -exponent) if isinstance(exponent, int) else 0)


def not_a_number(value):
    return _("%(value)s is not a number; enter a number such as 4.884 or 1,75.") % {
        "value": show(value)
    }


class IntegerWidget(CellWidget):
    """A whole number within limits (a year, a month, an order)."""

    def __init__(self, low=None, high=None, message=None):
        super().__init__()
        self.low, self.high, self.message = low, high, message

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, FormulaText):
            raise formula_error(value)
        try:
            number = DecimalWidget().clean(value)
        except ValueError:
            number = Decimal("NaN")
        if number is None:
            return None
        if (
            number.is_nan()
            or number != number.to_integral_value()
            or (self.low is not None and number < self.low)
            or (self.high is not None and number > self.high)
        ):
            raise ValueError(self.error(value))
        return int(number)

    def error(self, value):
        if self.message:
            return self.message % {"value": show(value), "low": self.low, "high": self.high}
        return _("%(value)s is not a whole number; enter a number such as 12.") % {
            "value": show(value)
        }

    def render(self, value, obj=None, **kwargs):
        return value

    def display(self, value):
        return "" if value is None else str(value)

    def hint(self):
        if self.low is not None and self.high is not None:
            return _("A whole number from %(low)s to %(high)s.") % {
                "low": self.low,
                "high": self.high,
            }
        return _("A whole number.")


def year_widget():
    return IntegerWidget(
        2000, 2100, _("%(value)s is not a year; enter a year from %(low)s to %(high)s, e.g. 2026.")
    )


def month_widget():
    return IntegerWidget(1, 12, _("%(value)s is not a month; enter a number from 1 to 12."))


YES = {"co", "c", "x", "1", "yes", "y", "true", "dung", "uoc", "uoc tinh"}
NO = {"khong", "k", "ko", "0", "no", "n", "false", "sai"}


class BooleanWidget(CellWidget):
    """Yes or no: có/không, x, 1/0, yes/no, TRUE/FALSE; an empty cell is the default."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, FormulaText):
            raise formula_error(value)
        if isinstance(value, bool):
            return value
        if value is None:
            return None
        if isinstance(value, int | float | Decimal):
            value = str(int(value)) if value in (0, 1) else str(value)
        folded = fold(value)
        if not folded:
            return None
        if folded in YES or folded == fold(_("yes")):
            return True
        if folded in NO or folded == fold(_("no")):
            return False
        raise ValueError(
            _("%(value)s is not yes or no; enter “có” or “không” (or 1 or 0).")
            % {"value": show(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("yes") if value else _("no")

    display = render

    def hint(self):
        return _("“có” or “không”.")


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%Y/%m/%d")


class DateWidget(CellWidget):
    """A date: a date cell, 31/10/2026, 31-10-2026 or 2026-10-31."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, FormulaText):
            raise formula_error(value)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        text = text.split(" ")[0].split("T")[0]
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(
            _("%(value)s is not a date; enter a date such as 31/10/2026.") % {"value": show(value)}
        )

    def display(self, value):
        return format_date(value, missing="")

    def hint(self):
        return _("A date: 31/10/2026.")


class DateTimeWidget(CellWidget):
    """Export only: a moment in local time."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.replace(second=0, microsecond=0)

    def display(self, value):
        value = self.render(value)
        return "" if value is None else value.strftime("%d/%m/%Y %H:%M")


class ChoiceWidget(CellWidget):
    """One of a model field's choices, written as its label (in either language) or its value."""

    def __init__(self, choices):
        super().__init__()
        self.choices = list(choices)

    @cached_property
    def names(self):
        """Every way of writing each choice: its value, its label in each language, and the
        label's head before a colon ("lũy kế" for "lũy kế: số liệu các tháng…")."""
        names = {}
        for key, label in self.choices:
            texts = {str(key)}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    texts.add(str(label))
            for text in list(texts):
                texts.add(text.split(":")[0])
            for text in texts:
                names.setdefault(fold(text), key)
        return names

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        key = self.names.get(fold(text))
        if key is None:
            raise ValueError(
                _("%(value)s is not one of: %(choices)s.")
                % {
                    "value": show(text),
                    "choices": "; ".join(f"“{label}”" for _k, label in self.choices),
                }
            )
        return key

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        return str(dict(self.choices).get(value, value))

    display = render

    def hint(self):
        return _("One of: %(choices)s.") % {
            "choices": "; ".join(f"“{label}”" for _k, label in self.choices)
        }


class RelatedWidget(CellWidget):
    """Another row named by its code: a unit by "xa-an-binh", an indicator by "LD-1".

    Codes are matched whatever their case; a unit may also be named by its name ("An Bình" or
    "Xã An Bình") when no two units share it.
    """

    def __init__(self, model, names=False, what=None):
        super().__init__()
        self.model, self.names, self.what = model, names, what
        self._by_code = None
        self._by_name = None

    def _load(self):
        self._by_code, self._by_name = {}, {}
        for obj in self.model.objects.all():
            self._by_code[obj.code.lower()] = obj
            if self.names:
                for name in {fold(obj.name), fold(getattr(obj, "full_name", obj.name))}:
                    self._by_name.setdefault(name, []).append(obj)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if self._by_code is None:
            self._load()
        found = self._by_code.get(text.lower())
        if found is None:
            found = self.model.objects.filter(code__iexact=text).first()  # made earlier in file
            if found is not None:
                self._by_code[text.lower()] = found
        if found is None and self.names:
            matches = self._by_name.get(fold(text), [])
            if len(matches) == 1:
                found = matches[0]
        if found is None:
            raise ValueError(self.unknown(text))
        return found

    def unknown(self, text):
        example = next(iter(self._by_code.values()), None)
        what = self.what or self.model._meta.verbose_name
        if example is None:
            return _("there is no %(what)s with the code %(code)s.") % {
                "what": what,
                "code": show(text),
            }
        return _(
            "there is no %(what)s with the code %(code)s; use the codes of the list of "
            "%(what_plural)s (for example %(example)s)."
        ) % {
            "what": what,
            "what_plural": self.model._meta.verbose_name_plural,
            "code": show(text),
            "example": example.code,
        }

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code

    display = render

    def hint(self):
        return _("A code from the list of %(what_plural)s.") % {
            "what_plural": self.model._meta.verbose_name_plural
        }
