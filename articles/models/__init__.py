"""News and reports: categories, tags, articles with their images, old slugs and revisions."""

from articles.models.article import (
    Article,
    ArticleImage,
    ArticleQuerySet,
    ArticleRevision,
    ArticleSlug,
)
from articles.models.taxonomy import Category, Tag

__all__ = [
    "Article",
    "ArticleImage",
    "ArticleQuerySet",
    "ArticleRevision",
    "ArticleSlug",
    "Category",
    "Tag",
]
