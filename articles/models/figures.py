"""Figures an article quotes from the indicators, placed in the body by a short token."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_TEMPLATE = "[số liệu {}]"  # noqa: S105 (not a password)


class ArticleFigure(models.Model):
    """One indicator's figure, or one program's table, at a month of a year."""

    class Measure(models.TextChoices):
        MONTH = "month", _("value of the month")
        YEAR_TO_DATE = "year_to_date", _("year to date")
        TARGET = "target", _("annual target")
        PERCENT = "percent", _("percent of plan")
        TABLE = "table", _("table of a program")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="figures"
    )
    number = models.PositiveSmallIntegerField(
        _("number"),
        validators=[MinValueValidator(1)],
        help_text=_("Type the token [số liệu N] with this number where the figure belongs."),
    )
    measure = models.CharField(_("what to show"), max_length=16, choices=Measure.choices)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    program = models.ForeignKey(
        "indicators.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
        help_text=_("For a table only."),
    )
    unit = models.ForeignKey(
        "indicators.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Leave empty for the whole district."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # What the figure read when the article was published (articles.figures.freeze_figures):
    # {"text": "4.884"} or {"rows": [[name, unit of measure, value, target, percent], …]},
    # None for "no data yet". Readers see this, not the current data.
    frozen = models.JSONField(_("figures as published"), null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)
    revised_at = models.DateTimeField(
        _("data revised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the data was found to differ from the figures as published."),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("quoted figure")
        verbose_name_plural = _("quoted figures")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="articlefigure_unique_number"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(measure="table", program__isnull=False, indicator__isnull=True)
                    | (
                        ~models.Q(measure="table")
                        & models.Q(indicator__isnull=False, program__isnull=True)
                    )
                ),
                name="articlefigure_indicator_or_table",
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12),
                name="articlefigure_month_range",
            ),
        ]

    DEFINITION = ("measure", "indicator_id", "program_id", "unit_id", "year", "month")

    def __str__(self):
        return self.token

    def save(self, *args, **kwargs):
        """Save; a figure changed to quote something else is no longer frozen."""
        if self.pk and self.frozen_at is not None:
            before = type(self).objects.filter(pk=self.pk).values_list(*self.DEFINITION).first()
            if before != tuple(getattr(self, name) for name in self.DEFINITION):
                self.frozen = self.frozen_at = self.revised_at = None
        super().save(*args, **kwargs)

    @property
    def is_frozen(self):
        return self.frozen_at is not None

    @property
    def token(self):
        """What the editor types in the body where the figure belongs."""
        return TOKEN_TEMPLATE.format(self.number)

    @property
    def is_table(self):
        return self.measure == self.Measure.TABLE

    def clean(self):
        if self.is_table:
            if self.program_id is None:
                raise ValidationError({"program": _("Choose the program whose table to show.")})
            if self.indicator_id is not None:
                raise ValidationError(
                    {"indicator": _("A table shows a whole program: leave the indicator empty.")}
                )
        else:
            if self.indicator_id is None:
                raise ValidationError({"indicator": _("Choose the indicator to quote.")})
            if self.program_id is not None:
                raise ValidationError(
                    {"program": _("A single figure needs no program: leave it empty.")}
                )
