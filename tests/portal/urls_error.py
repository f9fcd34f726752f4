"""URLs for testing the error pages: one view that fails."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("hong/", broken), *portal_urlpatterns]
handler404 = "portal.views.page_not_found"
