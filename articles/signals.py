"""Cache invalidation: any change readers could see makes the cached public pages stale."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from articles import figures
from articles.models import Article, ArticleView, Comment, Rating
from indicators.models import Achievement, Indicator, MonthlyReport, Target
from portal import pagecache

# A view count changes the page too, but only through a counted update (no signal): the page
# shows the count as of its rendering, at most pagecache.PAGE_SECONDS old. So does a rating's
# summary: any reader may rate, and a rating that made every cached page stale would let any
# reader empty the page cache for everyone (in the soak, 71% of page requests were renders).
# The reader who rated sees the new summary at once, in the answer to their rating.
NOT_SHOWN = {ArticleView, Rating}


def connect():
    connect_revision_checks()
    for model in apps.get_app_config("articles").get_models():
        if model in NOT_SHOWN or model is Comment:
            continue
        post_save.connect(pagecache.bump, sender=model, dispatch_uid=f"pages-save-{model}")
        post_delete.connect(pagecache.bump, sender=model, dispatch_uid=f"pages-del-{model}")
    for through in (Article.categories.through, Article.tags.through):
        m2m_changed.connect(pagecache.bump, sender=through, dispatch_uid=f"pages-m2m-{through}")
    m2m_changed.connect(
        pagecache.bump, sender=Article.related.through, dispatch_uid="pages-m2m-related"
    )


@receiver([post_save, post_delete], sender=Comment)
def comment_changed(instance, created=False, **kwargs):
    """A comment held for moderation is not shown: only an approved one changes the page."""
    if instance.approved or not created:
        pagecache.bump()


@pagecache.schedule_limit
def next_scheduled_article():
    """When the next scheduled article goes public: no page is cached past it."""
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


def _data_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    """Figures, targets or a month's status changed: check the published figures of that year."""
    if raw:
        return
    if sender is MonthlyReport and update_fields is not None and "status" not in update_fields:
        return  # a draft save: the public (and published articles) never see draft figures
    if sender is Indicator:
        figures.check_revisions_on_commit(None)  # decimals or kind change every year's text
        return
    if sender is Achievement:
        year = MonthlyReport.objects.filter(pk=instance.report_id).values_list("year", flat=True)
        figures.check_revisions_on_commit(year.first())  # None (every year) if it is gone
        return
    figures.check_revisions_on_commit(instance.year)


def connect_revision_checks():
    """Published articles learn when the data they quote changes (ArticleFigure.revised_at)."""
    for model in (MonthlyReport, Achievement, Target, Indicator):
        uid = f"figures-revised-{model._meta.label}"
        post_save.connect(_data_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_data_changed, sender=model, dispatch_uid=f"{uid}-del")
