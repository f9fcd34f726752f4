"""RSS: the latest articles of the whole site, and of each category."""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.models import Article, Category
from portal.models import SiteSettings

FEED_SIZE = 20


# Characters XML 1.0 cannot hold, such as Word's line break (\x0b) pasted into a title.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value):
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [_xml_text(item) for item in value]
    return value


class XmlSafeRssFeed(Rss201rev2Feed):
    """RSS 2.0 without the control characters that would make it fail to write."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: _xml_text(value) for key, value in self.feed.items()}

    def add_item(self, **kwargs):
        super().add_item(**{key: _xml_text(value) for key, value in kwargs.items()})


def _site_name():
    return SiteSettings.load().name


class LatestArticlesFeed(Feed):
    feed_type = XmlSafeRssFeed

    def title(self):
        return _("%(site)s – latest news") % {"site": _site_name()}

    def link(self):
        return reverse("articles:index")

    def description(self):
        return escape(_("The latest articles published on %(site)s.") % {"site": _site_name()})

    def items(self):
        return Article.objects.published().with_listing().latest()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers show a description as HTML; the lead is plain text.
        return escape(item.lead)

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
        return escape(obj.description or self.title(obj))

    def items(self, obj):
        return Article.objects.published().in_category(obj).with_listing().latest()[:FEED_SIZE]
