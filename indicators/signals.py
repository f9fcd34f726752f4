"""Cache invalidation: the public results change when figures, targets or the catalogue do.

Approval goes through ``MonthlyReport.save()`` (``services._transition``), so a saved status
bumps; draft saves (``update_fields=["updated_at"]``) do not, since the public never sees
them. Figures are written with bulk operations (no signals) only into months that are not
approved, which the public does not see either. Administrative units are bumped by the portal.
"""

from django.db.models.signals import post_delete, post_save

from indicators.models import Achievement, Indicator, MonthlyReport, Program, Target
from portal import pagecache

ALWAYS = (Achievement, Target, Indicator, Program)


def report_saved(instance, update_fields=None, **kwargs):
    """A month's status changed (approved, reopened…) or it was saved whole."""
    if update_fields is None or "status" in update_fields:
        pagecache.bump()


def connect():
    for model in ALWAYS:
        name = model._meta.label
        post_save.connect(pagecache.bump, sender=model, dispatch_uid=f"results-save-{name}")
        post_delete.connect(pagecache.bump, sender=model, dispatch_uid=f"results-del-{name}")
    post_save.connect(report_saved, sender=MonthlyReport, dispatch_uid="results-save-report")
    post_delete.connect(pagecache.bump, sender=MonthlyReport, dispatch_uid="results-del-report")
