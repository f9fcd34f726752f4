"""Public pages of the portal blocks (introduction pages, contact, site map, security.txt)."""

from django.urls import path

from portal import blocks_views as views

urlpatterns = [
    path("gioi-thieu/", views.intro_index, name="intro_index"),
    path("gioi-thieu/<slug:slug>/", views.intro_page, name="intro_page"),
    path("lien-he/", views.contact, name="contact"),
    path("so-do-trang/", views.site_map, name="site_map"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("security.txt", views.security_txt_redirect, name="security_txt_redirect"),
]
