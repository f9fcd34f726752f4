"""Workflows over several models: save a month's figures, submit, approve, return, reopen.

Each runs in one transaction and records its history; the admin, the import and the tests
all go through these functions.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    Achievement,
    FigureChange,
    MonthlyReport,
    ReportEvent,
    ReportStatus,
    Target,
    can_approve,
    can_enter,
)
from indicators.validation import check_value, check_warnings


class WorkflowError(Exception):
    """A step that the report's state does not allow; the message is for the user."""


@dataclass
class Conflict:
    """A figure that someone else changed after the form was drawn."""

    indicator: object
    yours: Decimal | None
    theirs: Decimal | None
    by: object
    at: object


@dataclass
class SaveResult:
    saved: bool = False
    submitted: bool = False
    changed: int = 0
    conflicts: list = field(default_factory=list)
    invalid: bool = False  # errors, or warnings without a reason on submit

    @property
    def ok(self):
        return self.saved


def locked_message(report):
    """Why the figures of a sent or approved month cannot be changed, for the user."""
    return _("The figures of %(month)02d/%(year)s are %(status)s and can no longer be changed.") % {
        "month": report.month,
        "year": report.year,
        "status": report.get_status_display(),
    }


def report_get_or_create(*, unit, year, month):
    report, _created = MonthlyReport.objects.get_or_create(unit=unit, year=year, month=month)
    return report


def _previous_values(report, indicator_ids, months=12):
    """The unit's values of each indicator over the months before the report's month."""
    index = report.year * 12 + report.month - 1
    first = index - months
    query = (
        Achievement.objects.filter(
            report__unit=report.unit_id,
            indicator__in=indicator_ids,
            report__year__gte=first // 12,
            report__year__lte=report.year,
        )
        .exclude(report=report)
        .values_list("indicator_id", "report__year", "report__month", "value")
    )
    history = {}
    for indicator_id, year, month, value in query:
        if first <= year * 12 + month - 1 < index:
            history.setdefault(indicator_id, []).append(value)
    return history


def report_save(*, report, user, entries, submit=False):
    """Save a month's figures (a dict indicator id -> validation.Entry) in one transaction.

    Nothing is written when a value has an error, when someone else changed a figure since the
    form was drawn (the conflicts are returned), or when submitting with a warning that has no
    reason. Returns a SaveResult; the entries carry their errors and warnings.
    """
    if not can_enter(user, report.unit):
        raise PermissionDenied
    result = SaveResult()
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
        if not report.is_editable:
            raise WorkflowError(locked_message(report))
        existing = {a.indicator_id: a for a in report.achievements.select_related("entered_by")}
        for entry in entries.values():
            if entry.value is not None:
                entry.errors = check_value(entry.indicator, entry.value)
            current = existing.get(entry.indicator.pk)
            current_version = current.version if current else None
            current_value = current.value if current else None
            if current_version != entry.seen_version and current_value != entry.value:
                result.conflicts.append(
                    Conflict(
                        indicator=entry.indicator,
                        yours=entry.value,
                        theirs=current_value,
                        by=current.entered_by if current else None,
                        at=current.entered_at if current else None,
                    )
                )
        check_warnings(entries, _previous_values(report, list(entries)))
        has_errors = any(e.errors for e in entries.values())
        unexplained = submit and any(
            e.warnings and not e.warning_reason.strip() for e in entries.values()
        )
        if result.conflicts or has_errors or unexplained:
            result.invalid = has_errors or unexplained
            return result
        result.changed = _write_figures(report, user, entries, existing)
        if submit:
            _transition(
                report,
                user,
                allowed=(ReportStatus.DRAFT, ReportStatus.RETURNED),
                status=ReportStatus.SUBMITTED,
                action=ReportEvent.Action.SUBMITTED,
            )
            result.submitted = True
        else:
            report.save(update_fields=["updated_at"])
    result.saved = True
    return result


UPDATED_FIELDS = ["value", "is_estimate", "measured_on", "note", "warning", "warning_reason"]


def _write_figures(report, user, entries, existing):
    now = timezone.now()
    to_create, to_update, to_delete, changes = [], [], [], []
    for indicator_id, entry in entries.items():
        current = existing.get(indicator_id)
        warning = "\n".join(entry.warnings)
        if entry.value is None:
            if current is not None:
                to_delete.append(current.pk)
                changes.append((entry, current.value, None))
            continue
        if current is None:
            to_create.append(
                Achievement(
                    report=report,
                    indicator=entry.indicator,
                    value=entry.value,
                    is_estimate=entry.is_estimate,
                    measured_on=entry.measured_on,
                    note=entry.note,
                    warning=warning,
                    warning_reason=entry.warning_reason,
                    entered_by=user,
                )
            )
            changes.append((entry, None, entry.value))
            continue
        fields = dict(
            zip(
                UPDATED_FIELDS,
                [
                    entry.value,
                    entry.is_estimate,
                    entry.measured_on,
                    entry.note,
                    warning,
                    entry.warning_reason,
                ],
                strict=True,
            )
        )
        if any(getattr(current, name) != value for name, value in fields.items()):
            if current.value != entry.value:
                changes.append((entry, current.value, entry.value))
            for name, value in fields.items():
                setattr(current, name, value)
            current.entered_by = user
            current.entered_at = now
            current.version += 1
            to_update.append(current)
    if to_delete:
        Achievement.objects.filter(pk__in=to_delete).delete()
    Achievement.objects.bulk_create(to_create)
    Achievement.objects.bulk_update(
        to_update, [*UPDATED_FIELDS, "entered_by", "entered_at", "version"]
    )
    FigureChange.objects.bulk_create(
        FigureChange(
            kind=FigureChange.Kind.ACHIEVEMENT,
            indicator=entry.indicator,
            unit_id=report.unit_id,
            year=report.year,
            month=report.month,
            old_value=old,
            new_value=new,
            reason=entry.warning_reason or entry.note,
            user=user,
        )
        for entry, old, new in changes
    )
    return len(changes)


def _transition(report, user, *, allowed, status, action, comment=""):
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in allowed:
            raise WorkflowError(
                _("This report is %(status)s: it cannot be %(action)s.")
                % {"status": report.get_status_display(), "action": action.label}
            )
        report.status = status
        if status == ReportStatus.SUBMITTED:
            report.submitted_at, report.submitted_by = timezone.now(), user
        if status == ReportStatus.APPROVED:
            report.approved_at, report.approved_by = timezone.now(), user
        if comment:
            report.comment = comment
        report.save()
        ReportEvent.objects.create(report=report, action=action, user=user, comment=comment)
    return report


def report_submit(*, report, user):
    if not can_enter(user, report.unit):
        raise PermissionDenied
    return _transition(
        report,
        user,
        allowed=(ReportStatus.DRAFT, ReportStatus.RETURNED),
        status=ReportStatus.SUBMITTED,
        action=ReportEvent.Action.SUBMITTED,
    )


def report_approve(*, report, user):
    """Approve submitted figures: they are published and the month is locked."""
    if not can_approve(user):
        raise PermissionDenied
    return _transition(
        report,
        user,
        allowed=(ReportStatus.SUBMITTED,),
        status=ReportStatus.APPROVED,
        action=ReportEvent.Action.APPROVED,
    )


def report_return(*, report, user, comment):
    """Send submitted figures back to the commune with a comment saying what to fix."""
    if not can_approve(user):
        raise PermissionDenied
    if not comment.strip():
        raise WorkflowError(_("Say why the figures are returned, so the commune can fix them."))
    return _transition(
        report,
        user,
        allowed=(ReportStatus.SUBMITTED,),
        status=ReportStatus.RETURNED,
        action=ReportEvent.Action.RETURNED,
        comment=comment,
    )


def report_reopen(*, report, user, reason):
    """Unlock an approved month so that it can be corrected; the reason is recorded."""
    if not can_approve(user):
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError(_("Give the reason for reopening an approved month."))
    return _transition(
        report,
        user,
        allowed=(ReportStatus.APPROVED,),
        status=ReportStatus.RETURNED,
        action=ReportEvent.Action.REOPENED,
        comment=reason,
    )


def target_record_change(*, target, user, reason=""):
    """Record a target's new value in the history (call before saving it)."""
    old = None
    if target.pk:
        old = Target.objects.filter(pk=target.pk).values_list("value", flat=True).first()
    if old == target.value:
        return
    target.updated_by = user
    if target.pk:
        target.version += 1
    FigureChange.objects.create(
        kind=FigureChange.Kind.TARGET,
        indicator=target.indicator,
        unit=target.unit,
        year=target.year,
        month=None,
        old_value=old,
        new_value=target.value,
        reason=reason or target.source,
        user=user,
    )
