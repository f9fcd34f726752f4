"""Admin pages beyond the model lists: monthly entry, district overview, data quality, to-do."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import drafting, services
from indicators.forms import DraftReportForm, EntryRow, MonthEntryForm, ReopenForm, ReturnForm
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    MonthlyReport,
    ReportStatus,
    Target,
    can_approve,
    can_enter,
    can_see_all_units,
)
from indicators.reporting import HUNDRED, build_report, unit_month_figures
from portal.models import SiteSettings

PENDING_KEY = "indicators:pending-entry:"


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def entry_url(unit, year, month):
    return reverse(
        "admin:indicators_monthlyreport_entry",
        kwargs={"unit_code": unit.code, "year": year, "month": month},
    )


def default_month(unit, today=None):
    """The month a clerk most likely wants: last month until it is submitted, then this one."""
    today = today or timezone.localdate()
    last = previous_month(today.year, today.month)
    status = (
        MonthlyReport.objects.filter(unit=unit, year=last[0], month=last[1])
        .values_list("status", flat=True)
        .first()
    )
    if status in (None, ReportStatus.DRAFT, ReportStatus.RETURNED):
        return last
    return today.year, today.month


# ---------------------------------------------------------------------------------------------
# Monthly entry
# ---------------------------------------------------------------------------------------------


def entry_rows(unit, year, month, report):
    """The form's rows: every indicator the unit enters, with its figures before this month."""
    indicators = [i for i in Indicator.objects.active().catalogue() if i.applies_to_unit(unit)]
    before = {}
    if month > 1:
        before = unit_month_figures(unit, year, month - 1, indicators)
    targets = dict(Target.objects.filter(unit=unit, year=year).values_list("indicator_id", "value"))
    existing = {}
    if report is not None:
        existing = {a.indicator_id: a for a in report.achievements.select_related("entered_by")}
    return [
        EntryRow(
            indicator=i,
            before=before.get(i.pk),
            target=targets.get(i.pk),
            achievement=existing.get(i.pk),
        )
        for i in indicators
    ]


@dataclass
class RowView:
    """What the template shows for a row: the bound fields and the figures after this month."""

    row: EntryRow
    value: object
    estimate: object
    note: object
    reason: object
    version: object
    after: Decimal | None
    percent: Decimal | None
    errors: list
    warnings: list

    @property
    def indicator(self):
        return self.row.indicator

    @property
    def before_value(self):
        return self.row.before.value if self.row.before else None


def _row_views(form, entries):
    views = []
    for row in form.rows:
        names = row.field_names()
        entry = entries.get(row.indicator.pk)
        if entry is not None:
            value = entry.value
        else:
            value = row.achievement.value if row.achievement else None
        before = row.before.value if row.before else None
        if row.indicator.is_flow:
            after = before if value is None else (before or Decimal(0)) + value
        else:
            after = value if value is not None else before
        percent = after * HUNDRED / row.target if after is not None and row.target else None
        warnings = entry.warnings if entry is not None else []
        if entry is None and row.achievement and row.achievement.warning:
            warnings = row.achievement.warning.splitlines()
        views.append(
            RowView(
                row=row,
                value=form[names["value"]],
                estimate=form[names["estimate"]],
                note=form[names["note"]],
                reason=form[names["reason"]],
                version=form[names["version"]],
                after=after,
                percent=percent,
                errors=form.errors.get(names["value"], []),
                warnings=warnings,
            )
        )
    grouped = {}
    for view in views:
        grouped.setdefault(view.indicator.program, []).append(view)
    return list(grouped.items())


def _restore_pending(request):
    """Typed values kept when the session expired during a POST, if they are for this page."""
    stash = request.session.pop(PENDING_KEY + request.path, None)
    if not stash:
        return None
    data = QueryDict(mutable=True)
    for key, values in stash.items():
        data.setlist(key, values)
    return data


def stash_pending_entry(request):
    """Keep a POST that arrived without a valid login, to bring it back after signing in."""
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    request.session[PENDING_KEY + request.path] = data


def entry_view(request, unit_code, year, month, admin_context):
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404(_("There is no such month."))
    unit = get_object_or_404(AdministrativeUnit.objects.for_user(request.user), code=unit_code)
    may_enter = can_enter(request.user, unit)
    if not (may_enter or can_see_all_units(request.user)):
        raise PermissionDenied
    report = MonthlyReport.objects.filter(unit=unit, year=year, month=month).first()
    locked = report is not None and not report.is_editable
    readonly = locked or not may_enter
    rows = entry_rows(unit, year, month, report)
    result = None
    entries = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""

    if action in ("approve", "return", "reopen"):
        return _workflow_action(request, unit, report, action, year, month)

    restored = _restore_pending(request) if request.method == "GET" else None
    if restored is not None:
        messages.warning(
            request,
            _(
                "Your session had expired. The figures you typed have been brought back: "
                "check them and save again."
            ),
        )
        form = MonthEntryForm(restored, rows=rows, readonly=readonly)
        if form.is_valid():
            entries = form.entries
    elif request.method == "POST" and action in ("save", "submit", "recalculate"):
        if not may_enter:
            raise PermissionDenied
        form = MonthEntryForm(request.POST, rows=rows, readonly=locked)
        valid = form.is_valid()
        entries = form.entries
        if locked:
            # Drawn before the month was approved or sent: say why, and keep what was typed.
            messages.error(request, services.locked_message(report))
            action = "recalculate"
        if action == "recalculate" or not valid:
            if not valid:
                messages.error(request, _("Nothing was saved: correct the figures marked below."))
        else:
            report = report or services.report_get_or_create(unit=unit, year=year, month=month)
            try:
                result = services.report_save(
                    report=report, user=request.user, entries=entries, submit=action == "submit"
                )
            except services.WorkflowError as exc:
                messages.error(request, str(exc))
                return redirect(request.path)
            if result.saved:
                if result.submitted:
                    messages.success(request, _("The figures were saved and sent for approval."))
                else:
                    messages.success(request, _("The figures were saved as a draft."))
                return redirect(request.path)
            if result.conflicts:
                form.refresh_versions(report)
                messages.error(
                    request,
                    _(
                        "Someone else changed some of these figures while you were typing. "
                        "Nothing was saved: compare the two values below, then save again "
                        "to keep yours."
                    ),
                )
            elif any(e.errors for e in entries.values()):
                messages.error(request, _("Nothing was saved: correct the figures marked below."))
            else:
                messages.error(
                    request,
                    _(
                        "Not sent: give a reason for each warning below, or save as a draft "
                        "and come back to it."
                    ),
                )
    else:
        form = MonthEntryForm(rows=rows, readonly=readonly)
        form.is_bound = False

    prev_ym, next_ym = previous_month(year, month), next_month(year, month)
    context = {
        **admin_context,
        "title": _("Figures of %(unit)s for %(month)02d/%(year)s")
        % {"unit": unit.full_name, "month": month, "year": year},
        "unit": unit,
        "year": year,
        "month": month,
        "report": report,
        "form": form,
        "programs": _row_views(form, entries),
        "readonly": readonly,
        "locked": locked,
        "may_enter": may_enter,
        "may_approve": can_approve(request.user),
        "conflicts": result.conflicts if result else [],
        "events": report.events.select_related("user")[:20] if report else [],
        "due_date": _due_date(year, month),
        "prev_url": entry_url(unit, *prev_ym),
        "next_url": entry_url(unit, *next_ym),
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(),
    }
    return TemplateResponse(request, "admin/indicators/entry_form.html", context)


def _due_date(year, month):
    due_day = SiteSettings.load().figures_due_day
    return MonthlyReport(year=year, month=month).due_date(due_day)


def _workflow_action(request, unit, report, action, year, month):
    if report is None or not can_approve(request.user):
        raise PermissionDenied
    try:
        if action == "approve":
            services.report_approve(report=report, user=request.user)
            messages.success(
                request, _("Approved: the figures are published and the month is locked.")
            )
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise services.WorkflowError(
                    _("Say why the figures are returned, so the commune can fix them.")
                )
            services.report_return(
                report=report, user=request.user, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The figures were returned to the commune."))
        else:
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise services.WorkflowError(_("Give the reason for reopening an approved month."))
            services.report_reopen(
                report=report, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The month was reopened for correction."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(entry_url(unit, year, month))


# ---------------------------------------------------------------------------------------------
# District overview and the staff's to-do list
# ---------------------------------------------------------------------------------------------


class Progress:
    NOT_STARTED = "not_started"
    ENTERED = "entered"
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"
    RETURNED = "returned"
    APPROVED = "approved"
    OVERDUE = "overdue"

    LABELS = {
        NOT_STARTED: gettext_lazy("Not started"),
        ENTERED: gettext_lazy("Entered, not sent"),
        SUBMITTED: gettext_lazy("Submitted on time"),
        SUBMITTED_LATE: gettext_lazy("Submitted late"),
        RETURNED: gettext_lazy("Returned for correction"),
        APPROVED: gettext_lazy("Approved"),
        OVERDUE: gettext_lazy("Overdue"),
    }


@dataclass
class UnitProgress:
    unit: AdministrativeUnit
    report: MonthlyReport | None
    entered: int
    expected: int
    state: str
    due: datetime.date

    @property
    def label(self):
        return str(Progress.LABELS[self.state])

    @property
    def url(self):
        return entry_url(self.unit, self.due_month[0], self.due_month[1])

    @property
    def due_month(self):
        return previous_month(self.due.year, self.due.month)


def month_progress(units, year, month, today=None):
    """Each unit's completeness and timeliness for a month, in three queries."""
    today = today or timezone.localdate()
    due = _due_date(year, month)
    reports = {
        r.unit_id: r
        for r in MonthlyReport.objects.filter(unit__in=units, year=year, month=month).annotate(
            entered=Count("achievements")
        )
    }
    indicators = list(Indicator.objects.active().entered())
    result = []
    for unit in units:
        report = reports.get(unit.pk)
        expected = sum(1 for i in indicators if i.applies_to_unit(unit))
        entered = report.entered if report else 0
        if report is None or report.status == ReportStatus.DRAFT:
            state = Progress.ENTERED if entered else Progress.NOT_STARTED
            if today > due:
                state = Progress.OVERDUE
        elif report.status == ReportStatus.RETURNED:
            state = Progress.RETURNED
        elif report.status == ReportStatus.SUBMITTED:
            late = report.submitted_at and timezone.localdate(report.submitted_at) > due
            state = Progress.SUBMITTED_LATE if late else Progress.SUBMITTED
        else:
            state = Progress.APPROVED
        result.append(UnitProgress(unit, report, entered, expected, state, due))
    return result


def overview_view(request, admin_context):
    if not can_see_all_units(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    try:
        year = int(request.GET.get("year", year))
        month = int(request.GET.get("month", month))
    except ValueError:
        raise Http404(_("There is no such month.")) from None
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404(_("There is no such month."))
    jurisdiction = AdministrativeUnit.objects.jurisdiction()
    units = list(AdministrativeUnit.objects.in_force(year, month).filter(is_active=True))
    units.sort(key=lambda u: (u.pk != getattr(jurisdiction, "pk", None), u.order, u.name))
    progress = month_progress(units, year, month, today)
    counts = {}
    for item in progress:
        counts[item.state] = counts.get(item.state, 0) + 1
    context = {
        **admin_context,
        "title": _("Monthly figures of every unit: %(month)02d/%(year)s")
        % {"month": month, "year": year},
        "progress": progress,
        "counts": [(str(Progress.LABELS[k]), v) for k, v in counts.items()],
        "year": year,
        "month": month,
        "due_date": _due_date(year, month),
        "prev": previous_month(year, month),
        "next": next_month(year, month),
    }
    return TemplateResponse(request, "admin/indicators/overview.html", context)


def data_quality_view(request, admin_context):
    figures = (
        Achievement.objects.for_user(request.user)
        .with_warnings()
        .exclude(report__status=ReportStatus.APPROVED)
        .select_related("report__unit", "indicator__program")
        .order_by("report__unit__order", "-report__year", "-report__month", "indicator__order")
    )
    show_all = request.GET.get("all") == "1"
    if show_all:
        figures = (
            Achievement.objects.for_user(request.user)
            .with_warnings()
            .select_related("report__unit", "indicator__program")
            .order_by("report__unit__order", "-report__year", "-report__month", "indicator__order")
        )
    rows = [
        {
            "figure": f,
            "warnings": f.warning.splitlines(),
            "url": entry_url(f.report.unit, f.report.year, f.report.month),
        }
        for f in figures[:500]
    ]
    context = {
        **admin_context,
        "title": _("Data quality: figures with warnings"),
        "rows": rows,
        "show_all": show_all,
    }
    return TemplateResponse(request, "admin/indicators/data_quality.html", context)


def todo_for(user, today=None):
    """What a staff member has to do about monthly figures, for the admin's start page."""
    today = today or timezone.localdate()
    if not user.is_authenticated or not user.is_staff:
        return None
    items = []
    due_day = SiteSettings.load().figures_due_day
    units = list(
        AdministrativeUnit.objects.filter(assignments__user=user, is_active=True).order_by("order")
    )
    if units:
        months = [previous_month(today.year, today.month), (today.year, today.month)]
        reports = {
            (r.unit_id, r.year, r.month): r
            for r in MonthlyReport.objects.filter(
                unit__in=units,
                year__in={y for y, _m in months},
            )
        }
        for unit in units:
            for report in reports.values():
                if report.unit_id == unit.pk and report.status == ReportStatus.RETURNED:
                    items.append(
                        {
                            "unit": unit,
                            "year": report.year,
                            "month": report.month,
                            "state": Progress.RETURNED,
                            "label": str(Progress.LABELS[Progress.RETURNED]),
                            "comment": report.comment,
                            "due": report.due_date(due_day),
                            "url": entry_url(unit, report.year, report.month),
                        }
                    )
            for year, month in months:
                report = reports.get((unit.pk, year, month))
                if report and report.status != ReportStatus.DRAFT:
                    continue
                due = MonthlyReport(year=year, month=month).due_date(due_day)
                state = Progress.OVERDUE if today > due else Progress.NOT_STARTED
                items.append(
                    {
                        "unit": unit,
                        "year": year,
                        "month": month,
                        "state": state,
                        "label": str(Progress.LABELS[state]),
                        "due": due,
                        "url": entry_url(unit, year, month),
                    }
                )
    waiting = None
    if can_approve(user):
        waiting = MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED).count()
    return {"items": items, "waiting": waiting, "today": today}


def report_view(request, admin_context):
    """The district's figures for a month: each indicator's target, month, year-to-date, %."""
    if not can_see_all_units(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    try:
        year = int(request.GET.get("year", year))
        month = int(request.GET.get("month", month))
    except ValueError:
        raise Http404(_("There is no such month.")) from None
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404(_("There is no such month."))
    published_only = request.GET.get("all") != "1"
    by_unit = request.GET.get("units") == "1"
    roll_up = request.GET.get("roll_up") == "1"
    report = build_report(year, month, published_only=published_only, roll_up=roll_up)
    context = {
        **admin_context,
        "title": _("Figures of %(unit)s, %(month)02d/%(year)s")
        % {"unit": report.jurisdiction.full_name, "month": month, "year": year},
        "report": report,
        "year": year,
        "month": month,
        "published_only": published_only,
        "by_unit": by_unit,
        "roll_up": roll_up,
        "prev": previous_month(year, month),
        "next": next_month(year, month),
    }
    return TemplateResponse(request, "admin/indicators/report.html", context)


# ---------------------------------------------------------------------------------------------
# Report drafts
# ---------------------------------------------------------------------------------------------


def may_draft_report(user):
    """Editors: they write articles and read every unit's figures."""
    return user.is_active and user.has_perm("articles.add_article") and can_see_all_units(user)


def draft_report_view(request, admin_context):
    """Choose a period and programs; POST creates a draft article from the approved figures."""
    if not may_draft_report(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = DraftReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            article = drafting.draft_article_create(
                user=request.user,
                year=data["year"],
                month=data["month"],
                period=data["period"],
                programs=list(data["programs"]),
            )
            messages.success(
                request,
                _(
                    "The draft “%(title)s” was written from the approved figures: "
                    "check it and rewrite it."
                )
                % {"title": article.title},
            )
            return redirect("admin:articles_article_change", article.pk)
        messages.error(request, _("No draft was created: correct the choices marked below."))
    else:
        today = timezone.localdate()
        year, month = previous_month(today.year, today.month)
        form = DraftReportForm(initial={"year": year, "month": month, "period": "month"})
    context = {**admin_context, "title": _("Draft a report from the figures"), "form": form}
    return TemplateResponse(request, "admin/indicators/draft_report.html", context)
