"""RSS: the latest articles of the whole site, and of each category."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Article, Category
from portal.models import SiteSettings

FEED_SIZE = 20


def _site_name():
    return SiteSettings.load().name


class LatestArticlesFeed(Feed):
    def title(self):
        return _("%(site)s – latest news") % {"site": _site_name()}

    def link(self):
        return reverse("articles:index")

    def description(self):
        return _("The latest articles published on %(site)s.") % {"site": _site_name()}

    def items(self):
        return Article.objects.published().with_listing().latest()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name()

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return f"{obj.name} – {_site_name()}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or self.title(obj)

    def items(self, obj):
        return Article.objects.published().in_category(obj).with_listing().latest()[:FEED_SIZE]
