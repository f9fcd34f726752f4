"""Public article pages: one policy for what a visitor may see (published; staff preview)."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles import feedback
from articles.forms import CommentForm, RatingForm
from articles.models import Article, ArticleSlug, Category, Tag
from articles.search import MAX_QUERY_LENGTH, search
from portal.models import SiteSettings

PAGE_SIZE = 10
HOME_CACHE_KEY = "articles:home"
HOME_CACHE_SECONDS = 60  # a scheduled article reaches the home page within a minute


def home_news(featured=3, per_section=4, window=60):
    """Featured and latest articles per main category for the home page, cached.

    One query (plus one for categories) over the latest ``window`` published articles; the
    cache is dropped whenever an article or category changes (articles.signals).
    """
    news = cache.get(HOME_CACHE_KEY)
    if news is None:
        latest = list(Article.objects.published().with_listing().latest()[:window])
        sections = {}
        for article in latest:
            for main in {c.parent or c for c in article.categories.all()}:
                listed = sections.setdefault(main, [])
                if len(listed) < per_section:
                    listed.append(article)
        news = {
            "featured": [a for a in latest if a.featured][:featured],
            "sections": sorted(sections.items(), key=lambda item: (item[0].order, item[0].name)),
        }
        cache.set(HOME_CACHE_KEY, news, HOME_CACHE_SECONDS)
    return news


def article_detail(request, slug):
    visible = Article.objects.visible_to(request.user)
    article = visible.with_detail().filter(slug=slug).first()
    if article is None:
        old = ArticleSlug.objects.filter(slug=slug).first()
        if old and visible.filter(pk=old.article_id).exists():
            return redirect(visible.get(pk=old.article_id), permanent=True)
        raise Http404(_("No article at this address."))
    preview = not article.is_published()
    if not preview:
        feedback.record_view(request, article)
    response = _render_detail(request, article)
    if preview:
        add_never_cache_headers(response)  # a draft must never land in a shared cache
    return response


def _render_detail(request, article, comment_form=None, status=200):
    categories = list(article.categories.all())
    breadcrumbs = [(_("News"), reverse("articles:index"))]
    if categories:
        breadcrumbs.append((categories[0].name, categories[0].get_absolute_url()))
    breadcrumbs.append((article.title, None))
    comments = list(article.comments.approved().only("article_id", "name", "text", "created_at"))
    absolute_url = request.build_absolute_uri(article.get_absolute_url())
    cover_url = request.build_absolute_uri(article.cover.url) if article.cover else ""
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "categories": categories,
            "tags": list(article.tags.all()),
            "related": article.related_articles(),
            "preview": not article.is_published(),
            "breadcrumbs": breadcrumbs,
            "comments": comments,
            "rating": feedback.rating_summary(article),
            "rating_form": RatingForm(),
            "comment_form": comment_form or CommentForm(),
            "absolute_url": absolute_url,
            "cover_url": cover_url,
            "json_ld": news_article_json_ld(request, article, absolute_url, cover_url),
        },
        status=status,
    )


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article_json_ld(request, article, absolute_url, cover_url):
    """schema.org NewsArticle, safe inside <script>: <, > and & are escaped as in json_script."""
    site = SiteSettings.load()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.lead,
        "mainEntityOfPage": absolute_url,
        "url": absolute_url,
        "inLanguage": "vi",
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": article.updated_at.isoformat() if article.updated_at else None,
        "publisher": {"@type": "GovernmentOrganization", "name": site.agency or site.name},
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.author_name():
        data["author"] = {"@type": "Person", "name": article.author_name()}
    if cover_url:
        data["image"] = [cover_url]
    data = {key: value for key, value in data.items() if value not in (None, "", [])}
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(
        JSON_SCRIPT_ESCAPES
    )
    return mark_safe(text)  # noqa: S308 - JSON with the HTML-significant characters escaped


@require_POST
def rate_article(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = RatingForm(request.POST)
    url = article.get_absolute_url() + "#danh-gia"
    if feedback.is_bot(request) or feedback.rate_limited(request, "rate"):
        messages.error(request, _("Too many ratings from your connection. Please try later."))
        return redirect(url)
    if not form.is_valid():
        messages.error(request, _("Please choose from 1 to 5 stars."))
        return redirect(url)
    visitor, new_token = feedback.feedback_visitor(request)
    feedback.rate(visitor, article, form.cleaned_data["score"])
    messages.success(request, _("Thank you for your rating."))
    response = redirect(url)
    feedback.set_visitor_cookie(response, new_token)
    return response


@require_POST
def comment_article(request, slug):
    article = get_object_or_404(Article.objects.published().with_detail(), slug=slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, article, comment_form=form, status=400)
    if form.is_spam():
        # Say the same as for a real comment: a robot learns nothing.
        messages.success(request, _("Thank you. Your comment will appear after moderation."))
        return redirect(article.get_absolute_url() + "#y-kien")
    if feedback.rate_limited(request, "comment"):
        messages.error(request, _("Too many comments from your connection. Please try later."))
        return _render_detail(request, article, comment_form=form, status=429)
    comment = form.save(commit=False)
    comment.article = article
    comment.ip_hash = feedback.ip_hash(request)
    comment.save()
    messages.success(request, _("Thank you. Your comment will appear after moderation."))
    return redirect(article.get_absolute_url() + "#y-kien")


def search_view(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = search(Article.objects.published(), query) if query else Article.objects.none()
    paginator = Paginator(results.with_listing(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "search_query": query,
            "page_obj": page,
            "articles": page.object_list,
            "page_query": urlencode({"q": query}) if query else "",
            "breadcrumbs": [(_("Search"), None)],
        },
    )


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag).with_listing().latest()
    breadcrumbs = [(_("News"), reverse("articles:index")), (tag.name, None)]
    return _list_page(
        request,
        articles,
        {"title": _("Tag: %(name)s") % {"name": tag.name}, "tag": tag, "breadcrumbs": breadcrumbs},
    )


def _list_page(request, articles, context):
    paginator = Paginator(articles, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    context |= {"page_obj": page, "articles": page.object_list}
    return render(request, "articles/article_list.html", context)


def article_index(request):
    articles = Article.objects.published().with_listing().latest()
    return _list_page(request, articles, {"title": _("News"), "breadcrumbs": [(_("News"), None)]})


def category_detail(request, slug):
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    articles = Article.objects.published().in_category(category).with_listing().latest()
    breadcrumbs = [(_("News"), reverse("articles:index"))]
    if category.parent:
        breadcrumbs.append((category.parent.name, category.parent.get_absolute_url()))
    breadcrumbs.append((category.name, None))
    return _list_page(
        request,
        articles,
        {
            "title": category.name,
            "category": category,
            "subcategories": category.children.all(),
            "breadcrumbs": breadcrumbs,
        },
    )
