from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi-hanh-chinh/", views.units, name="units"),
    path("tin-tuc/", include("articles.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("ngon-ngu/<str:language>/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
# 500 uses Django's default view and templates/500.html, which needs no context.
