from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators import admin_views, services
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    FigureChange,
    Indicator,
    MonthlyReport,
    Program,
    ReportStatus,
    Target,
    UnitAssignment,
    can_approve,
    can_see_all_units,
)
from indicators.spreadsheets import official, streaming
from indicators.spreadsheets.admin import ExportOnlyAdminMixin, SpreadsheetAdminMixin
from portal.formatting import format_datetime, format_number


def history_table(changes, decimals=0):
    """The history of a figure or target as an HTML table (for read-only admin fields)."""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td class='num'>{}</td><td class='num'>{}</td><td>{}</td></tr>",
        (
            (
                format_datetime(c.at),
                c.user or "–",
                format_number(c.old_value, decimals),
                format_number(c.new_value, decimals),
                c.reason or "–",
            )
            for c in changes
        ),
    )
    if not rows:
        return _("No change recorded yet.")
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("When"),
        _("Who"),
        _("Old value"),
        _("New value"),
        _("Reason"),
        rows,
    )


class ScopedValueFilter(admin.SimpleListFilter):
    """A filter whose choices come from the rows the user may see (not from every commune)."""

    field = ""

    def lookups(self, request, model_admin):
        values = (
            model_admin.get_queryset(request)
            .order_by(self.field)
            .values_list(self.field, flat=True)
            .distinct()
        )
        return [(value, str(value)) for value in values]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            return queryset.filter(**{self.field: int(self.value())})
        except ValueError:
            return queryset.none()


def scoped_filter(field, title):
    return type(
        f"ScopedFilter_{field}",
        (ScopedValueFilter,),
        {"field": field, "title": title, "parameter_name": field},
    )


class UnitScopedAdmin(admin.ModelAdmin):
    """Shows a clerk only the rows of their own units, however the page is reached."""

    unit_field = "unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if can_see_all_units(request.user):
            return qs
        return qs.filter(**{f"{self.unit_field}__assignments__user": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is AdministrativeUnit:
            kwargs["queryset"] = AdministrativeUnit.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "code", "kind", "parent", "order", "is_active", "retired_on"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    ordering = ["parent__order", "order", "name"]
    autocomplete_fields = ["parent", "successor"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "parent", "order", "is_active"]}),
        (
            _("Reorganisation"),
            {
                "fields": ["established_on", "retired_on", "successor"],
                "description": _(
                    "When a unit is renamed or merged, do not rename it here: create the new "
                    "unit, then give this one a retirement date and the new unit as its "
                    "successor. Its past figures stay under its own name."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if can_see_all_units(request.user):
            return qs
        return qs.filter(assignments__user=request.user)


@admin.register(UnitAssignment)
class UnitAssignmentAdmin(ExportOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "unit"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]
    search_fields = ["user__username", "unit__name"]


@admin.register(Program)
class ProgramAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(Indicator)
class IndicatorAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "program",
        "unit_of_measure",
        "kind",
        "time_behaviour",
        "aggregation",
        "is_active",
    ]
    list_filter = ["program", "kind", "time_behaviour", "aggregation", "is_active"]
    list_select_related = ["program"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["numerator", "denominator", "total_of", "not_above"]
    fieldsets = [
        (None, {"fields": ["program", "code", "name", "unit_of_measure", "order", "is_active"]}),
        (
            _("How the figures behave"),
            {
                "fields": [
                    "kind",
                    "time_behaviour",
                    "aggregation",
                    "applies_to",
                    "compare_with",
                    "criteria_total",
                    "decimals",
                    "higher_is_better",
                    "above_plan_is_normal",
                ]
            },
        ),
        (
            _("Links to other indicators"),
            {"fields": ["numerator", "denominator", "total_of", "not_above"]},
        ),
        (None, {"fields": ["description"]}),
    ]


@admin.register(Target)
class TargetAdmin(SpreadsheetAdminMixin, UnitScopedAdmin):
    list_display = ["indicator", "unit", "year", "value_display", "source"]
    list_filter = [scoped_filter("year", _("year")), "indicator__program"]
    list_select_related = ["indicator", "unit"]
    search_fields = ["indicator__code", "indicator__name", "unit__name", "source"]
    autocomplete_fields = ["indicator", "unit"]
    readonly_fields = ["updated_by", "updated_at", "history"]
    fields = ["indicator", "unit", "year", "value", "source", "updated_by", "updated_at", "history"]

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        return format_number(obj.value, obj.indicator.decimals)

    @admin.display(description=_("history"))
    def history(self, obj):
        if not obj.pk:
            return "–"
        changes = FigureChange.objects.filter(
            kind=FigureChange.Kind.TARGET,
            indicator=obj.indicator_id,
            unit=obj.unit_id,
            year=obj.year,
        ).select_related("user")
        return history_table(changes, obj.indicator.decimals)

    def save_model(self, request, obj, form, change):
        services.target_record_change(target=obj, user=request.user)
        super().save_model(request, obj, form, change)


class ReportStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return ReportStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ExportOnlyAdminMixin, UnitScopedAdmin):
    list_display = ["unit", "period", "status", "submitted_at", "approved_at", "entry_link"]
    list_filter = [
        ReportStatusFilter,
        scoped_filter("year", _("year")),
        scoped_filter("month", _("month")),
    ]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code"]
    actions = ["approve_selected"]

    @admin.display(description=_("month"), ordering="month")
    def period(self, obj):
        return f"{obj.month:02d}/{obj.year}"

    @admin.display(description=_("figures"))
    def entry_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            admin_views.entry_url(obj.unit, obj.year, obj.month),
            _("Open the figures"),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        if report is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect(admin_views.entry_url(report.unit, report.year, report.month))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_approve(request.user):
            actions.pop("approve_selected", None)
        return actions

    @admin.action(description=_("Approve the selected submitted reports"))
    def approve_selected(self, request, queryset):
        approved = 0
        for report in queryset.filter(status=ReportStatus.SUBMITTED):
            services.report_approve(report=report, user=request.user)
            approved += 1
        self.message_user(
            request,
            ngettext("%(count)d report approved.", "%(count)d reports approved.", approved)
            % {"count": approved},
            messages.SUCCESS,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("entry/", wrap(self.entry_start), name="indicators_monthlyreport_entry_start"),
            path(
                "entry/<slug:unit_code>/<int:year>/<int:month>/",
                self.entry_with_restore,
                name="indicators_monthlyreport_entry",
            ),
            path("overview/", wrap(self.overview), name="indicators_monthlyreport_overview"),
            path("report/", wrap(self.district_report), name="indicators_monthlyreport_report"),
            path(
                "official-report/",
                wrap(self.official_report),
                name="indicators_monthlyreport_official_report",
            ),
            path(
                "data-quality/",
                wrap(self.data_quality),
                name="indicators_monthlyreport_data_quality",
            ),
            path(
                "draft-report/",
                wrap(self.draft_report),
                name="indicators_monthlyreport_draft_report",
            ),
            *super().get_urls(),
        ]

    def _context(self, request):
        return {**self.admin_site.each_context(request), "opts": self.opts}

    def entry_start(self, request):
        """Send a clerk to their commune's current month, district staff to the overview."""
        unit = (
            AdministrativeUnit.objects.filter(assignments__user=request.user, is_active=True)
            .order_by("order")
            .first()
        )
        if unit is None:
            return redirect("admin:indicators_monthlyreport_overview")
        return redirect(admin_views.entry_url(unit, *admin_views.default_month(unit)))

    def entry_with_restore(self, request, unit_code, year, month):
        """The entry page; a POST after the session expired is kept for after signing in."""
        if request.method == "POST" and not self.admin_site.has_permission(request):
            admin_views.stash_pending_entry(request)
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        view = self.admin_site.admin_view(self.entry)
        return view(request, unit_code=unit_code, year=year, month=month)

    def entry(self, request, unit_code, year, month):
        return admin_views.entry_view(request, unit_code, year, month, self._context(request))

    def overview(self, request):
        return admin_views.overview_view(request, self._context(request))

    def district_report(self, request):
        return admin_views.report_view(request, self._context(request))

    def official_report(self, request):
        return official.official_report_view(request, self._context(request))

    def data_quality(self, request):
        return admin_views.data_quality_view(request, self._context(request))

    def draft_report(self, request):
        return admin_views.draft_report_view(request, self._context(request))


@admin.register(Achievement)
class AchievementAdmin(SpreadsheetAdminMixin, UnitScopedAdmin):
    """Figures are read here; they are entered on the monthly entry page."""

    unit_field = "report__unit"
    list_display = [
        "indicator",
        "unit",
        "period",
        "value_display",
        "is_estimate",
        "status",
        "entered_by",
        "entered_at",
    ]
    list_filter = [
        scoped_filter("report__year", _("year")),
        scoped_filter("report__month", _("month")),
        "report__status",
        "indicator__program",
    ]
    list_select_related = ["indicator", "report__unit", "entered_by"]
    search_fields = ["indicator__code", "indicator__name", "report__unit__name"]
    readonly_fields = [
        "report",
        "indicator",
        "value_display",
        "is_estimate",
        "measured_on",
        "note",
        "warning",
        "warning_reason",
        "entered_by",
        "entered_at",
        "history",
    ]
    fields = readonly_fields

    @admin.display(description=_("unit"), ordering="report__unit__order")
    def unit(self, obj):
        return obj.report.unit

    @admin.display(description=_("month"), ordering="report__month")
    def period(self, obj):
        return f"{obj.report.month:02d}/{obj.report.year}"

    @admin.display(description=_("status"))
    def status(self, obj):
        return obj.report.get_status_display()

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        return format_number(obj.value, obj.indicator.decimals)

    @admin.display(description=_("history"))
    def history(self, obj):
        changes = FigureChange.objects.filter(
            kind=FigureChange.Kind.ACHIEVEMENT,
            indicator=obj.indicator_id,
            unit=obj.report.unit_id,
            year=obj.report.year,
            month=obj.report.month,
        ).select_related("user")
        return history_table(changes, obj.indicator.decimals)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "stream/",
                self.admin_site.admin_view(self.stream_export),
                name="indicators_achievement_stream",
            ),
            *super().get_urls(),
        ]

    def stream_export(self, request):
        """Large exports (CSV or XLSX) that stream instead of building the file in memory."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        return streaming.figures_export_view(request, self.get_queryset(request))


@admin.register(FigureChange)
class FigureChangeAdmin(ExportOnlyAdminMixin, UnitScopedAdmin):
    list_display = ["at", "kind", "indicator", "unit", "period", "old", "new", "user", "reason"]
    list_filter = ["kind", scoped_filter("year", _("year"))]
    list_select_related = ["indicator", "unit", "user"]
    search_fields = ["indicator__code", "indicator__name", "unit__name", "reason"]

    @admin.display(description=_("month"))
    def period(self, obj):
        return f"{obj.month:02d}/{obj.year}" if obj.month else str(obj.year)

    @admin.display(description=_("old value"))
    def old(self, obj):
        return format_number(obj.old_value, obj.indicator.decimals)

    @admin.display(description=_("new value"))
    def new(self, obj):
        return format_number(obj.new_value, obj.indicator.decimals)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
