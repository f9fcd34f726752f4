"""Public results pages: the district's and communes' figures for citizens."""

app_name = "results"

urlpatterns = []
