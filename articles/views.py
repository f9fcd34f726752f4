"""Public article pages: one policy for what a visitor may see (published; staff preview)."""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from articles.models import Article, ArticleSlug, Category

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
    categories = list(article.categories.all())
    breadcrumbs = [(_("News"), reverse("articles:index"))]
    if categories:
        breadcrumbs.append((categories[0].name, categories[0].get_absolute_url()))
    breadcrumbs.append((article.title, None))
    preview = not article.is_published()
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "categories": categories,
            "related": article.related_articles(),
            "preview": preview,
            "breadcrumbs": breadcrumbs,
        },
    )
    if preview:
        add_never_cache_headers(response)  # a draft must never land in a shared cache
    return response


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
