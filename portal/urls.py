from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles import views as article_views
from articles.feeds import CategoryFeed, LatestArticlesFeed
from articles.sitemaps import SITEMAPS, robots_txt
from portal import views
from portal.blocks import IntroPageSitemap

urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi-hanh-chinh/", views.units, name="units"),
    path("tin-tuc/", include("articles.urls")),
    path("ket-qua/", include("indicators.public_urls")),
    path("", include("portal.blocks_urls")),
    path("tim-kiem/", article_views.search_view, name="search"),
    path("rss/", LatestArticlesFeed(), name="feed"),
    path("rss/<slug:slug>/", CategoryFeed(), name="category_feed"),
    path(
        "sitemap.xml", sitemap, {"sitemaps": SITEMAPS | {"intro": IntroPageSitemap}}, name="sitemap"
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("ngon-ngu/<str:language>/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
# 500: Django's templates/500.html, or the 503 page when the database is away.
handler500 = "portal.unavailable.server_error"
