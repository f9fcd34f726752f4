"""Visitor statistics (thống kê truy cập): visits and page views per day, kept for good."""

import datetime

from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

__all__ = ["DailyVisits", "VisitFlushState"]

COUNTERS = ("visits", "page_views", "bot_visits", "bot_page_views")


class DailyVisitsQuerySet(models.QuerySet):
    def totals(self, today):
        """People's visits today, this month and in total (one query)."""
        month_start = today.replace(day=1)
        return self.aggregate(
            today=Coalesce(Sum("visits", filter=Q(day=today)), 0),
            month=Coalesce(Sum("visits", filter=Q(day__gte=month_start, day__lte=today)), 0),
            total=Coalesce(Sum("visits"), 0),
        )

    def series(self, first, last):
        """One row per day from ``first`` to ``last``, days without a visit at zero."""
        rows = {row.day: row for row in self.filter(day__gte=first, day__lte=last)}
        days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        return [rows.get(day) or DailyVisits(day=day) for day in days]


class DailyVisits(models.Model):
    """What one day's readers did: added to by every flush of the buffered counts."""

    day = models.DateField(_("day"), unique=True)
    visits = models.PositiveBigIntegerField(
        _("visits"), default=0, help_text=_("A reader's first page after 30 minutes away.")
    )
    page_views = models.PositiveBigIntegerField(_("page views"), default=0)
    bot_visits = models.PositiveBigIntegerField(_("search engine visits"), default=0)
    bot_page_views = models.PositiveBigIntegerField(_("search engine page views"), default=0)

    objects = DailyVisitsQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily visits")
        verbose_name_plural = _("daily visits")

    def __str__(self):
        return self.day.isoformat()


class VisitFlushState(models.Model):
    """The last batch of counts taken from Redis and added (so no batch is added twice)."""

    last_batch = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="visit_flush_state_single")]

    def __str__(self):
        return self.last_batch
