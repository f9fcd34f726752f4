"""Write imported monthly figures the way the entry form saves a month.

The resource has checked each row (codes, permissions, values); ``figures_import`` then takes
the month's report (created in draft when the month has none, locked while it writes), refuses a
month that was sent or approved meanwhile, recomputes the warnings of every figure of the month
with the imported ones in place (``validation.check_warnings``, against the unit's last twelve
months), and writes the figures and their history (``FigureChange``, reason "Imported from the
file …, row …"). It never submits or approves. It runs inside the import's transaction, so the
preview (a dry run, rolled back) shows exactly what confirming will write.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import services
from indicators.models import Achievement, FigureChange, MonthlyReport, can_enter
from indicators.validation import Entry, check_value, check_warnings

FIELDS = ["value", "is_estimate", "measured_on", "note", "warning_reason"]


def figures_import(*, figures, user):
    """Write ``figures`` (Achievement instances read from a file) grouped by month.

    New figures are unsaved and may point to an unsaved report; changed ones are the stored
    figures with the file's values set on them. Each may carry ``import_reason``, the history
    reason. Returns {(unit id, year, month, indicator id): [warnings]} for every figure of the
    months written. Raises WorkflowError when a month can no longer be changed.
    """
    groups = {}
    for figure in figures:
        report = figure.report
        groups.setdefault((report.unit_id, report.year, report.month), []).append(figure)
    warnings = {}
    for (_unit_id, year, month), month_figures in groups.items():
        unit = month_figures[0].report.unit
        if not can_enter(user, unit):
            raise services.WorkflowError(
                _("You may not enter the figures of %(unit)s.") % {"unit": unit.full_name}
            )
        report = services.report_get_or_create(unit=unit, year=year, month=month)
        report = MonthlyReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
        if not report.is_editable:
            raise services.WorkflowError(services.locked_message(report))
        for indicator_id, texts in _write_month(report, user, month_figures).items():
            warnings[(report.unit_id, year, month, indicator_id)] = texts
    return warnings


def _entry(figure, indicator):
    return Entry(
        indicator=indicator,
        value=figure.value,
        is_estimate=figure.is_estimate,
        note=figure.note,
        warning_reason=figure.warning_reason,
        measured_on=figure.measured_on,
    )


def _write_month(report, user, imported):
    existing = {a.indicator_id: a for a in report.achievements.select_related("indicator")}
    entries = {i: _entry(a, a.indicator) for i, a in existing.items()}
    for figure in imported:
        entries[figure.indicator_id] = _entry(figure, figure.indicator)
    for entry in entries.values():
        entry.errors = check_value(entry.indicator, entry.value)
        if entry.errors:  # checked row by row already; never write a figure the form refuses
            raise services.WorkflowError(entry.errors[0])
    check_warnings(entries, services._previous_values(report, list(entries)))

    now = timezone.now()
    to_create, to_update, changes = [], [], []
    touched = set()
    for figure in imported:
        entry = entries[figure.indicator_id]
        warning = "\n".join(entry.warnings)
        current = existing.get(figure.indicator_id)
        touched.add(figure.indicator_id)
        reason = getattr(figure, "import_reason", "")
        if current is None:
            figure.pk = None
            figure.report = report
            figure.warning = warning
            figure.entered_by = user
            figure.entered_at = now
            figure.version = 1
            to_create.append(figure)
            changes.append((figure, None, figure.value, reason))
            continue
        values = {name: getattr(figure, name) for name in FIELDS}
        values["warning"] = warning
        if any(getattr(current, name) != value for name, value in values.items()):
            if current.value != figure.value:
                changes.append((current, current.value, figure.value, reason))
            for name, value in values.items():
                setattr(current, name, value)
            current.entered_by = user
            current.entered_at = now
            current.version += 1
            to_update.append(current)
        figure.pk = current.pk

    # Figures not in the file keep their values; their warnings follow the month's new state.
    rewarned = []
    for indicator_id, current in existing.items():
        if indicator_id in touched:
            continue
        warning = "\n".join(entries[indicator_id].warnings)
        if current.warning != warning:
            current.warning = warning
            rewarned.append(current)

    Achievement.objects.bulk_create(to_create)
    Achievement.objects.bulk_update(
        to_update, [*FIELDS, "warning", "entered_by", "entered_at", "version"]
    )
    Achievement.objects.bulk_update(rewarned, ["warning"])
    FigureChange.objects.bulk_create(
        FigureChange(
            kind=FigureChange.Kind.ACHIEVEMENT,
            indicator_id=figure.indicator_id,
            unit_id=report.unit_id,
            year=report.year,
            month=report.month,
            old_value=old,
            new_value=new,
            reason=reason,
            user=user,
        )
        for figure, old, new, reason in changes
    )
    report.save(update_fields=["updated_at"])
    return {indicator_id: entry.warnings for indicator_id, entry in entries.items()}
