"""Cache invalidation only: the home page's news block is dropped when content changes."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, Category


@receiver([post_save, post_delete], sender=Article)
@receiver([post_save, post_delete], sender=Category)
@receiver(m2m_changed, sender=Article.categories.through)
def drop_home_news(**kwargs):
    from articles.views import HOME_CACHE_KEY

    cache.delete(HOME_CACHE_KEY)
