"""News and reports: categories, tags, articles with their images, old slugs and revisions."""

from articles.models.article import (
    Article,
    ArticleImage,
    ArticleQuerySet,
    ArticleRevision,
    ArticleSlug,
)
from articles.models.feedback import ArticleView, Comment, Rating
from articles.models.figures import ArticleFigure
from articles.models.taxonomy import Category, Tag

__all__ = [
    "Article",
    "ArticleFigure",
    "ArticleImage",
    "ArticleQuerySet",
    "ArticleRevision",
    "ArticleSlug",
    "ArticleView",
    "Category",
    "Comment",
    "Rating",
    "Tag",
]
