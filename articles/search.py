"""Search over title, lead and body that ignores diacritics and case.

PostgreSQL: full-text search (``simple`` configuration) over ``unaccent``-ed text, ranked with
weights (title A, lead B, body C), through the vector that migration 0007 stores and indexes.
Other databases (SQLite in development and tests): every query word must appear in
``Article.search_text`` (folded: lowercase, no diacritics, đ → d), ranked by a score in which
title hits weigh three times as much as hits elsewhere.
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, ExpressionWrapper, IntegerField, Q, Value, When
from django.utils.html import strip_tags

MAX_WORDS = 10
MAX_QUERY_LENGTH = 200


def fold(text):
    """Lowercase and strip diacritics: "LỘC NINH – Đồng" → "loc ninh – dong"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def query_words(query):
    """The folded words of a query, without punctuation, at most MAX_WORDS."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(query[:MAX_QUERY_LENGTH]))
    words = []
    for word in cleaned.split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def search_fields(article):
    """The folded title and the folded whole text, stored on the article when it is saved."""
    title = fold(article.title)
    text = " ".join([title, fold(article.lead), fold(strip_tags(article.body or ""))])
    return title, " ".join(text.split())


def search(queryset, query):
    """``queryset`` narrowed to the articles matching ``query``, best first."""
    words = query_words(query)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, words)
    return _search_fallback(queryset, words)


class StoredDocument(Expression):
    """``search_document``: the article's weighted vector, kept by a trigger (migration 0007).

    Not a model field, so loading an article never reads it; this names the column of the
    query's own table, whatever alias the query gives it.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def _search_postgresql(queryset, words):
    search_query = SearchQuery(" ".join(words), config="simple", search_type="plain")
    return (
        queryset.alias(search_document=StoredDocument())
        .filter(search_document=search_query)
        .annotate(rank=SearchRank(StoredDocument(), search_query))
        .order_by("-rank", "-publish_at", "-pk")
    )


def _search_fallback(queryset, words):
    condition = Q()
    score = Value(0)
    for word in words:
        condition &= Q(search_text__contains=word)
        score = (
            score
            + Case(When(search_title__contains=word, then=Value(3)), default=Value(0))
            + Value(1)
        )
    return (
        queryset.filter(condition)
        .annotate(rank=ExpressionWrapper(score, output_field=IntegerField()))
        .order_by("-rank", "-publish_at", "-pk")
    )
