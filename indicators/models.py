"""Administrative units, the indicator catalogue, annual targets and monthly figures.

Figures are stored once, as entered; year-to-date, percent of plan and district totals are
derived by ``indicators.reporting`` and never stored.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

VALUE_DIGITS = {"max_digits": 20, "decimal_places": 4}


# ---------------------------------------------------------------------------------------------
# Administrative units
# ---------------------------------------------------------------------------------------------


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    TOWN = "town", _("town")
    COMMUNE = "commune", _("commune")
    WARD = "ward", _("ward")
    TOWNSHIP = "township", _("township")
    SPECIAL_ZONE = "special_zone", _("special zone")


def month_start(year, month):
    return datetime.date(year, month, 1)


def month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def communes(self):
        """Commune-level units (xã, phường, thị trấn): those under the jurisdiction."""
        return self.filter(parent__isnull=False)

    def jurisdiction(self):
        """The portal's own district or province: the unit with no parent."""
        return self.filter(parent__isnull=True).order_by("order", "pk").first()

    def in_force(self, year, month):
        """Units that existed during the month (created before its end, not retired before it)."""
        return self.filter(
            Q(established_on__isnull=True) | Q(established_on__lte=month_end(year, month)),
            Q(retired_on__isnull=True) | Q(retired_on__gt=month_start(year, month)),
        )

    def for_user(self, user):
        """Units whose figures the user may see: all for district staff, their own for a clerk."""
        if can_see_all_units(user):
            return self
        return self.filter(assignments__user=user)


class UnitManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class AdministrativeUnit(models.Model):
    """The portal's jurisdiction or one of its commune-level units.

    A reorganisation never rewrites history: a renamed or merged unit is retired on a date and
    points to its successor, so past figures stay under the unit they were reported for.
    """

    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Short code used in spreadsheets and links, e.g. loc-an."),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Without the kind: Lộc An."))
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("belongs to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Empty for the portal's own district or province."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    retired_on = models.DateField(
        _("retired on"),
        null=True,
        blank=True,
        help_text=_("The day the unit ceased to exist (renamed, merged or dissolved)."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The unit it was renamed to or merged into."),
    )

    objects = UnitManager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        permissions = [
            ("import_administrativeunit", _("Can import administrative units from spreadsheets")),
            ("export_administrativeunit", _("Can export administrative units to spreadsheets")),
        ]
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(retired_on__isnull=False),
                name="unit_successor_needs_retirement_date",
                violation_error_message=_("A unit with a successor must have a retirement date."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def natural_key(self):
        return (self.code,)

    @property
    def full_name(self):
        """The name as it is written in documents: Xã Lộc An, Thị trấn Lộc Ninh."""
        return f"{self.get_kind_display().capitalize()} {self.name}"

    @property
    def is_jurisdiction(self):
        return self.parent_id is None

    @property
    def is_rural_commune(self):
        """A xã (not a ward or township): the units counted for the new-rural standard."""
        return self.kind == UnitKind.COMMUNE

    def final_successor(self):
        """Follow the successor chain to the unit that stands for this one today."""
        unit, seen = self, {self.pk}
        while unit.successor_id and unit.successor_id not in seen:
            seen.add(unit.successor_id)
            unit = unit.successor
        return unit


class UnitAssignment(models.Model):
    """A staff member who enters the figures of a unit (a commune clerk and their commune)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="unit_assignments",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")
        permissions = [
            ("export_unitassignment", _("Can export unit assignments")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unique_unit_assignment"),
        ]

    def __str__(self):
        return f"{self.user} – {self.unit}"


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


class Program(models.Model):
    """A group of indicators: Nông thôn mới, Lao động – việc làm, Tiêm chủng…"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        permissions = [
            ("import_program", _("Can import programs from spreadsheets")),
            ("export_program", _("Can export programs to spreadsheets")),
        ]
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class TimeBehaviour(models.TextChoices):
    FLOW = "flow", _("flow: monthly figures add up to the year")
    STOCK = "stock", _("stock: the latest value as of a date")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum of the units")
    COUNT_MEETING = "count", _("number of units meeting the standard")
    AVERAGE = "average", _("average of the units")
    JURISDICTION_ONLY = "jurisdiction", _("entered for the district only")


class IndicatorKind(models.TextChoices):
    VALUE = "value", _("a value that is entered")
    CRITERIA = "criteria", _("criteria met out of a set")
    STANDARD = "standard", _("meets a standard (1 = yes, 0 = no)")
    RATIO = "ratio", _("a rate computed from two other indicators")


class Comparison(models.TextChoices):
    PLAN = "plan", _("the annual plan")
    POPULATION = "population", _("the population concerned")
    BASE = "base", _("a total it is part of")
    NONE = "none", _("nothing")


class Applicability(models.TextChoices):
    ALL = "all", _("every commune-level unit")
    RURAL = "rural", _("communes (xã) only")
    JURISDICTION = "jurisdiction", _("the district only")


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def entered(self):
        """Indicators whose figures are typed in (not computed)."""
        return self.exclude(kind=IndicatorKind.RATIO)

    def catalogue(self):
        return self.select_related("program", "numerator", "denominator", "total_of")


class Indicator(models.Model):
    """What is counted, and how its figures behave over time and across units."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("Used in spreadsheets, e.g. LD-1.")
    )
    name = models.CharField(_("name"), max_length=300)
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=40, blank=True, help_text=_("người, hộ, lượt, %, đồng…")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.VALUE
    )
    time_behaviour = models.CharField(
        _("over time"), max_length=10, choices=TimeBehaviour.choices, default=TimeBehaviour.FLOW
    )
    aggregation = models.CharField(
        _("across units"), max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    applies_to = models.CharField(
        _("entered by"), max_length=20, choices=Applicability.choices, default=Applicability.ALL
    )
    compare_with = models.CharField(
        _("compared with"), max_length=20, choices=Comparison.choices, default=Comparison.PLAN
    )
    criteria_total = models.PositiveSmallIntegerField(
        _("number of criteria"),
        null=True,
        blank=True,
        help_text=_("For criteria met out of a set: how many criteria there are (19, 20…)."),
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    total_of = models.ForeignKey(
        "self",
        verbose_name=_("part of the total"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("The parts of a total must add up to it (a warning otherwise)."),
    )
    not_above = models.ForeignKey(
        "self",
        verbose_name=_("not above"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A value above this indicator's is suspicious (dose 2 above dose 1)."),
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    above_plan_is_normal = models.BooleanField(
        # xgettext:no-python-format
        _("above 100% is normal"),
        default=False,
        help_text=_("Vaccination coverage, for example, often exceeds the population counted."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        permissions = [
            ("import_indicator", _("Can import indicators from spreadsheets")),
            ("export_indicator", _("Can export indicators to spreadsheets")),
        ]
        ordering = ["program__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="ratio") | Q(numerator__isnull=False, denominator__isnull=False),
                name="indicator_ratio_has_both_terms",
                violation_error_message=_("A rate needs a numerator and a denominator."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="criteria") | Q(criteria_total__gt=0),
                name="indicator_criteria_has_total",
                violation_error_message=_("Criteria met out of a set need the number of criteria."),
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def natural_key(self):
        return (self.code,)

    @property
    def is_entered(self):
        return self.kind != IndicatorKind.RATIO

    @property
    def is_flow(self):
        return self.time_behaviour == TimeBehaviour.FLOW

    def applies_to_unit(self, unit):
        """Whether the unit enters this indicator's figures."""
        if not self.is_entered:
            return False
        if unit.is_jurisdiction:
            return (
                self.applies_to == Applicability.JURISDICTION
                or self.aggregation == Aggregation.JURISDICTION_ONLY
            )
        if self.applies_to == Applicability.JURISDICTION:
            return False
        if self.applies_to == Applicability.RURAL:
            return unit.is_rural_commune
        return True

    def value_limits(self):
        """The smallest and largest value a figure may have, None where unbounded."""
        if self.kind == IndicatorKind.CRITERIA:
            return 0, self.criteria_total
        if self.kind == IndicatorKind.STANDARD:
            return 0, 1
        return 0, None


# ---------------------------------------------------------------------------------------------
# Targets and monthly figures
# ---------------------------------------------------------------------------------------------


class TargetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(unit__in=AdministrativeUnit.objects.for_user(user))


class Target(models.Model):
    """The annual plan (or the population or total compared with) of an indicator for a unit."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    source = models.CharField(
        _("source document"),
        max_length=300,
        blank=True,
        help_text=_("E.g. Kế hoạch số 45/KH-UBND ngày 15/01/2026."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        permissions = [
            ("import_target", _("Can import targets from spreadsheets")),
            ("export_target", _("Can export targets to spreadsheets")),
        ]
        ordering = ["-year", "indicator__program__order", "indicator__order", "unit__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"],
                name="unique_target",
                violation_error_message=_(
                    "This indicator already has a target for this unit and year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.unit} · {self.year}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


class MonthlyReportQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(unit__in=AdministrativeUnit.objects.for_user(user))

    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)

    def for_year(self, year, up_to_month=12):
        return self.filter(year=year, month__lte=up_to_month)


class MonthlyReport(models.Model):
    """One unit's figures for one month: entered, submitted, approved (then locked)."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(
        _("comment from the district"),
        blank=True,
        help_text=_("Why the figures were returned, shown to the commune."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-year", "-month", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="unique_monthly_report"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="report_month_1_to_12"
            ),
        ]
        permissions = [
            ("enter_figures", _("Can enter and submit the figures of assigned units")),
            ("approve_figures", _("Can approve, return and reopen monthly figures")),
            ("view_all_units", _("Can see the figures of every unit")),
            ("export_monthlyreport", _("Can export monthly reports and the official report")),
        ]

    def __str__(self):
        return f"{self.unit} · {self.month:02d}/{self.year}"

    @property
    def is_locked(self):
        return self.status == ReportStatus.APPROVED

    @property
    def is_editable(self):
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    def due_date(self, due_day):
        """The day by which the month's figures are due: ``due_day`` of the next month."""
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return datetime.date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


class ReportEvent(models.Model):
    """What happened to a monthly report: submitted, approved, returned, reopened."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        REOPENED = "reopened", _("reopened")

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.report} · {self.get_action_display()}"


class AchievementQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(report__unit__in=AdministrativeUnit.objects.for_user(user))

    def published(self):
        """Figures of approved months: the only ones the public and the reports count."""
        return self.filter(report__status=ReportStatus.APPROVED)

    def with_warnings(self):
        return self.exclude(warning="")


class Achievement(models.Model):
    """One indicator's figure for one unit and month. No row means "not reported yet"."""

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("monthly report"),
        on_delete=models.CASCADE,
        related_name="achievements",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    is_estimate = models.BooleanField(
        _("estimate"), default=False, help_text=_("Tick for an estimate (ước), not a final figure.")
    )
    measured_on = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("For a count as of a given day; empty means the end of the month."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    warning = models.TextField(_("warnings"), blank=True, editable=False)
    warning_reason = models.CharField(
        _("reason for accepting the warning"), max_length=500, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        permissions = [
            ("import_achievement", _("Can import monthly figures from spreadsheets")),
            ("export_achievement", _("Can export monthly figures to spreadsheets")),
        ]
        ordering = ["report", "indicator__program__order", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="unique_achievement",
                violation_error_message=_("This indicator already has a figure for this month."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.report}"

    @property
    def as_of(self):
        return self.measured_on or month_end(self.report.year, self.report.month)


class FigureChange(models.Model):
    """The history of a figure or a target: who changed it, when, from what, to what, and why."""

    class Kind(models.TextChoices):
        ACHIEVEMENT = "achievement", _("monthly figure")
        TARGET = "target", _("target")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    old_value = models.DecimalField(_("old value"), null=True, blank=True, **VALUE_DIGITS)
    new_value = models.DecimalField(_("new value"), null=True, blank=True, **VALUE_DIGITS)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change of a figure")
        verbose_name_plural = _("changes of figures")
        permissions = [
            ("export_figurechange", _("Can export the history of figures")),
        ]
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["indicator", "unit", "year", "month"])]

    def __str__(self):
        return f"{self.indicator.code} · {self.unit} · {self.at:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def can_see_all_units(user):
    return user.is_active and (user.is_superuser or user.has_perm("indicators.view_all_units"))


def can_enter(user, unit):
    """Whether the user may type figures for the unit."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser or user.has_perm("indicators.approve_figures"):
        return True
    return user.has_perm("indicators.enter_figures") and unit.assignments.filter(user=user).exists()


def can_approve(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm("indicators.approve_figures"))
    )
