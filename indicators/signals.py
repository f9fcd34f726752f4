"""Cache invalidation: the public results change when figures, targets or the catalogue do.

Both caches: the pages (``portal.pagecache``) and the reports they are computed from
(``indicators.report_cache``), which units changing also makes stale.

Approval goes through ``MonthlyReport.save()`` (``services._transition``), so a saved status
bumps; draft saves (``update_fields=["updated_at"]``) do not, since the public never sees
them. Figures are written with bulk operations (no signals) only into months that are not
approved, which the public does not see either. Administrative units are bumped by the portal.
"""

from django.db.models.signals import post_delete, post_save

from indicators import report_cache
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    MonthlyReport,
    Program,
    Target,
)
from portal import pagecache

ALWAYS = (Achievement, Target, Indicator, Program)


def figures_changed(**_signal_kwargs):
    """What the public results show changed: their pages and their reports are stale."""
    pagecache.bump()
    report_cache.bump()


def report_saved(instance, update_fields=None, **kwargs):
    """A month's status changed (approved, reopened…) or it was saved whole."""
    if update_fields is None or "status" in update_fields:
        figures_changed()


def connect():
    for model in ALWAYS:
        name = model._meta.label
        post_save.connect(figures_changed, sender=model, dispatch_uid=f"results-save-{name}")
        post_delete.connect(figures_changed, sender=model, dispatch_uid=f"results-del-{name}")
    post_save.connect(report_saved, sender=MonthlyReport, dispatch_uid="results-save-report")
    post_delete.connect(figures_changed, sender=MonthlyReport, dispatch_uid="results-del-report")
    # Every page shows the units (portal.apps bumps the pages); the reports list them too, and
    # their dates and successors decide which figures count.
    for signal in (post_save, post_delete):
        signal.connect(
            report_cache.bump, sender=AdministrativeUnit, dispatch_uid="results-reports-unit"
        )
