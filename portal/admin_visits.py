"""Admin of the visitor statistics: each day's counts, read only, under a chart of the month."""

import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import visits
from portal.admin_changelist import SafeDateHierarchyMixin
from portal.formatting import format_date, format_number
from portal.models import DailyVisits

CHART_DAYS = 30
# The chart's drawing area, in SVG units (it scales to the page's width).
CHART_WIDTH, CHART_HEIGHT = 640, 220
CHART_TOP, CHART_BOTTOM, CHART_LEFT, CHART_RIGHT = 10, 30, 50, 20


def daily_chart(today, days=CHART_DAYS):
    """The geometry of an SVG bar chart of people's visits on each of the last ``days`` days."""
    rows = DailyVisits.objects.series(today - datetime.timedelta(days=days - 1), today)
    highest = max((row.visits for row in rows), default=0)
    scale = max(highest, 1)
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    step = (CHART_WIDTH - CHART_LEFT - CHART_RIGHT) / len(rows)
    bars = []
    for index, row in enumerate(rows):
        height = round(plot_height * row.visits / scale, 1)
        x = round(CHART_LEFT + index * step, 1)
        bars.append(
            {
                "x": x,
                "y": round(CHART_TOP + plot_height - height, 1),
                "width": round(step * 0.7, 1),
                "height": height,
                "label_x": round(x + step * 0.35, 1),
                "day": row.day,
                "visits": row.visits,
                "labelled": index % 5 == 0 or index == len(rows) - 1,
            }
        )
    busiest = max(rows, key=lambda row: row.visits) if highest else None
    return {
        "bars": bars,
        "highest": highest,
        "busiest": busiest,
        "total": sum(row.visits for row in rows),
        "first": rows[0].day,
        "last": rows[-1].day,
        "width": CHART_WIDTH,
        "right": CHART_WIDTH - CHART_RIGHT,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "top": CHART_TOP,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - 10,
    }


@admin.register(DailyVisits)
class DailyVisitsAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    """Days are written only by the counter: staff read them, nobody edits them."""

    change_list_template = "admin/portal/visits/dailyvisits_change_list.html"
    list_display = ["day_display", "visits_display", "page_views_display", "bots_display"]
    list_display_links = None
    date_hierarchy = "day"
    list_per_page = 62
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("day"), ordering="day")
    def day_display(self, obj):
        return format_date(obj.day)

    @admin.display(description=_("visits"), ordering="visits")
    def visits_display(self, obj):
        return format_number(obj.visits)

    @admin.display(description=_("page views"), ordering="page_views")
    def page_views_display(self, obj):
        return format_number(obj.page_views)

    @admin.display(description=_("search engines (visits / pages)"))
    def bots_display(self, obj):
        return f"{format_number(obj.bot_visits)} / {format_number(obj.bot_page_views)}"

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        extra_context = {
            **(extra_context or {}),
            "title": _("Visitor statistics"),
            "stats": visits.statistics(),
            "chart": daily_chart(today),
        }
        return super().changelist_view(request, extra_context)
