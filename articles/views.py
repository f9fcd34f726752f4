"""Public article pages: one policy for what a visitor may see (published; staff preview)."""

import functools
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from articles import feedback, figures
from articles.forms import CommentForm, RatingForm
from articles.models import Article, ArticleSlug, Category, Tag
from articles.search import MAX_QUERY_LENGTH, search
from portal.models import SiteSettings
from portal.pagecache import public_page

PAGE_SIZE = 10


def home_news(featured=3, per_section=4, window=60):
    """Featured and latest articles per main category for the home page (two queries).

    One query (plus one for categories) over the latest ``window`` published articles; the
    home page itself is cached (portal.pagecache).
    """
    latest = list(Article.objects.published().with_listing().latest()[:window])
    sections = {}
    for article in latest:
        for main in {c.parent or c for c in article.categories.all()}:
            listed = sections.setdefault(main, [])
            if len(listed) < per_section:
                listed.append(article)
    return {
        "featured": [a for a in latest if a.featured][:featured],
        "sections": sorted(sections.items(), key=lambda item: (item[0].order, item[0].name)),
    }


@functools.cache
def rating_stars(language):
    """The rating form's five stars, the same on every article: rendered once per language
    (a form's widgets are rendered through templates, a millisecond and more each time)."""
    return render_to_string(
        "articles/includes/rating_stars.html", {"rating_form": RatingForm(auto_id="rating_%s")}
    )


def _count_view(request, meta):
    """A cached article page still counts its reader's view."""
    if meta:
        feedback.record_view(request, meta["article"])


@public_page(on_hit=_count_view)
def article_detail(request, slug):
    visible = Article.objects.visible_to(request.user)
    article = visible.with_detail().filter(slug=slug).first()
    if article is None:
        old = ArticleSlug.objects.filter(slug=slug).first()
        if old and visible.filter(pk=old.article_id).exists():
            return redirect(visible.get(pk=old.article_id), permanent=True)
        raise Http404(_("No article at this address."))
    preview = not article.is_published()
    if not preview and feedback.record_view(request, article.pk):
        article.view_count += 1
    categories = list(article.categories.all())
    breadcrumbs = [(_("News"), reverse("articles:index"))]
    if categories:
        breadcrumbs.append((categories[0].name, categories[0].get_absolute_url()))
    breadcrumbs.append((article.title, None))
    absolute_url = request.build_absolute_uri(article.get_absolute_url())
    cover_url = request.build_absolute_uri(article.cover.url) if article.cover else ""
    rendered = figures.render(article, flag_unknown=preview)
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "body": rendered.body,
            "revised_figures": rendered.revised,
            "categories": categories,
            "tags": list(article.tags.all()),
            "related": article.related_articles(),
            "preview": preview,
            "breadcrumbs": breadcrumbs,
            "comments": list(
                article.comments.approved().only("article_id", "name", "text", "created_at")
            )
            if article.has_comments
            else [],
            "rating": feedback.rating_summary(article),
            "rating_stars": rating_stars(get_language()),
            "absolute_url": absolute_url,
            "cover_url": cover_url,
            "json_ld": news_article_json_ld(request, article, absolute_url, cover_url),
        },
    )
    if preview:
        add_never_cache_headers(response)  # a draft must never land in any cache
    response.page_meta = {"article": article.pk}
    return response


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article_json_ld(request, article, absolute_url, cover_url):
    """schema.org NewsArticle, safe inside <script>: <, > and & are escaped as in json_script."""
    site = SiteSettings.load(request)
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


def _feedback_breadcrumbs(article, title):
    return [
        (_("News"), reverse("articles:index")),
        (article.title, article.get_absolute_url()),
        (title, None),
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def rate_article(request, slug):
    """The rating form's own page: the cached article page carries no CSRF token (no cookie).

    The article page's stars send the reader here (GET, the choice kept); this page posts it.
    With JavaScript the article page does both steps itself and asks for JSON.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    wants_json = request.headers.get("Accept") == "application/json"
    if request.method == "POST":
        form = RatingForm(request.POST)
        if feedback.is_bot(request) or feedback.rate_limited(request, "rate"):
            return _rating_result(
                request,
                article,
                wants_json,
                error=_("Too many ratings from your connection. Please try later."),
                status=429,
            )
        if not form.is_valid():
            return _rating_result(
                request,
                article,
                wants_json,
                error=_("Please choose from 1 to 5 stars."),
                status=400,
            )
        visitor, new_token = feedback.feedback_visitor(request)
        feedback.rate(visitor, article, form.cleaned_data["score"])
        response = _rating_result(request, article, wants_json)
        feedback.set_visitor_cookie(response, new_token)
        return response
    form = RatingForm(initial={"score": request.GET.get("score")})
    return _rating_page(request, article, form)


def _rating_result(request, article, wants_json, error=None, status=200):
    summary = feedback.rating_summary(article)
    if wants_json:
        message = str(error) if error else _("Thank you for your rating.")
        return JsonResponse(
            {"ok": not error, "message": message, "summary": summary["text"]}, status=status
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(reverse("articles:rate", args=[article.slug]))


def _rating_page(request, article, form):
    return render(
        request,
        "articles/rate.html",
        {
            "article": article,
            "rating": feedback.rating_summary(article),
            "rating_form": form,
            "breadcrumbs": _feedback_breadcrumbs(article, _("Rate this article")),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def comment_article(request, slug):
    """The comment form's own page, for the same reason as the rating's."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method != "POST":
        return _comment_page(request, article, CommentForm())
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_page(request, article, form, status=400)
    if form.is_spam():
        # Say the same as for a real comment: a robot learns nothing.
        messages.success(request, _("Thank you. Your comment will appear after moderation."))
        return redirect(reverse("articles:comment", args=[article.slug]))
    if feedback.rate_limited(request, "comment"):
        messages.error(request, _("Too many comments from your connection. Please try later."))
        return _comment_page(request, article, form, status=429)
    comment = form.save(commit=False)
    comment.article = article
    comment.ip_hash = feedback.ip_hash(request)
    comment.save()
    messages.success(request, _("Thank you. Your comment will appear after moderation."))
    return redirect(reverse("articles:comment", args=[article.slug]))


def _comment_page(request, article, form, status=200):
    return render(
        request,
        "articles/comment.html",
        {
            "article": article,
            "comment_form": form,
            "breadcrumbs": _feedback_breadcrumbs(article, _("Send your comment")),
        },
        status=status,
    )


@public_page
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


@public_page
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


@public_page
def article_index(request):
    articles = Article.objects.published().with_listing().latest()
    return _list_page(request, articles, {"title": _("News"), "breadcrumbs": [(_("News"), None)]})


@public_page
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
