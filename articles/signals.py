"""Cache invalidation: any change readers could see makes the cached public pages stale."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article, ArticleView, Comment
from portal import pagecache

# A view count changes the page too, but only through a counted update (no signal): the page
# shows the count as of its rendering, at most pagecache.PAGE_SECONDS old.
NOT_SHOWN = {ArticleView}


def connect():
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
