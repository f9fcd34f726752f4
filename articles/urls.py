from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.article_index, name="index"),
    path("chuyen-muc/<slug:slug>/", views.category_detail, name="category"),
    path("the/<slug:slug>/", views.tag_detail, name="tag"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/danh-gia/", views.rate_article, name="rate"),
    path("<slug:slug>/y-kien/", views.comment_article, name="comment"),
]
