"""Public results pages: the district's and communes' figures for citizens."""

from django.urls import path

from indicators import public_views

app_name = "results"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("so-lieu.<str:fmt>", public_views.index_file, name="index_file"),
    path("chuong-trinh/<slug:code>/", public_views.program, name="program"),
    path(
        "chuong-trinh/<slug:code>/so-lieu.<str:fmt>",
        public_views.program_file,
        name="program_file",
    ),
    path("xa/<slug:code>/", public_views.unit, name="unit"),
    path("xa/<slug:code>/so-lieu.<str:fmt>", public_views.unit_file, name="unit_file"),
]
