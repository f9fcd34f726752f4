"""The monthly entry form: every indicator of a unit for one month, on one page."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import AdministrativeUnit, Program
from indicators.reporting import published_months
from indicators.validation import Entry, parse_entry_value
from portal.formatting import format_number


@dataclass
class EntryRow:
    """One indicator's line on the form, with what the unit had before this month."""

    indicator: object
    before: object  # reporting.Figure at the end of the previous month (or None in January)
    target: object
    achievement: object  # the stored figure of this month, or None

    def field_names(self):
        pk = self.indicator.pk
        return {
            "value": f"value_{pk}",
            "estimate": f"estimate_{pk}",
            "note": f"note_{pk}",
            "reason": f"reason_{pk}",
            "version": f"version_{pk}",
        }


class MonthEntryForm(forms.Form):
    """Fields value_<id>, estimate_<id>, note_<id>, reason_<id>, version_<id> per indicator."""

    def __init__(self, *args, rows, readonly=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.entries = {}
        for row in rows:
            names = row.field_names()
            indicator = row.indicator
            current = row.achievement
            value_attrs = {
                "inputmode": "decimal",
                "autocomplete": "off",
                "class": "figure-input",
                "size": 12,
                "aria-describedby": f"help_{indicator.pk}",
            }
            if readonly:
                value_attrs["readonly"] = True
            self.fields[names["value"]] = forms.CharField(
                label=indicator.name,
                required=False,
                max_length=40,
                initial=format_number(current.value, indicator.decimals) if current else "",
                widget=forms.TextInput(attrs=value_attrs),
            )
            self.fields[names["estimate"]] = forms.BooleanField(
                label=_("estimate"),
                required=False,
                initial=current.is_estimate if current else False,
                disabled=readonly,
            )
            self.fields[names["note"]] = forms.CharField(
                label=_("note"),
                required=False,
                max_length=500,
                initial=current.note if current else "",
                disabled=readonly,
            )
            self.fields[names["reason"]] = forms.CharField(
                label=_("reason for accepting the warning"),
                required=False,
                max_length=500,
                initial=current.warning_reason if current else "",
                disabled=readonly,
            )
            self.fields[names["version"]] = forms.IntegerField(
                required=False,
                initial=current.version if current else None,
                widget=forms.HiddenInput,
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            names = row.field_names()
            value, errors = parse_entry_value(row.indicator, cleaned.get(names["value"], ""))
            for error in errors:
                self.add_error(names["value"], error)
            self.entries[row.indicator.pk] = Entry(
                indicator=row.indicator,
                raw=cleaned.get(names["value"], ""),
                value=value,
                is_estimate=bool(cleaned.get(names["estimate"])),
                note=(cleaned.get(names["note"]) or "").strip(),
                warning_reason=(cleaned.get(names["reason"]) or "").strip(),
                measured_on=row.achievement.measured_on if row.achievement else None,
                seen_version=cleaned.get(names["version"]),
                errors=list(errors),
            )
        return cleaned

    def refresh_versions(self, report):
        """After a conflict, draw the form against the figures as they now stand."""
        data = self.data.copy()
        versions = dict(report.achievements.values_list("indicator_id", "version"))
        for row in self.rows:
            data[row.field_names()["version"]] = versions.get(row.indicator.pk, "")
        self.data = data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the commune fix?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen this approved month?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class MonthChoiceForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)


class DraftReportForm(forms.Form):
    """The period and programs of a report draft; a period with no approved figure is refused."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            key: _("Enter a year between 2000 and 2100.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    month = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, str(m)) for m in range(1, 13)], coerce=int
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("month", _("The month")),
            ("ytd", _("From the start of the year to the month")),
        ],
        initial="month",
        widget=forms.RadioSelect,
    )
    programs = forms.ModelMultipleChoiceField(
        label=_("Programs"),
        queryset=Program.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one program.")},
    )

    def clean(self):
        cleaned = super().clean()
        year, month = cleaned.get("year"), cleaned.get("month")
        if year is None or month is None:
            return cleaned
        jurisdiction = AdministrativeUnit.objects.jurisdiction()
        months = published_months(jurisdiction) if jurisdiction else {}
        if (year, month) not in months:
            raise forms.ValidationError(
                _(
                    "No figures of %(month)02d/%(year)s have been approved yet: "
                    "choose another month."
                )
                % {"month": month, "year": year}
            )
        return cleaned
