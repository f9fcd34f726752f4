from django.http import HttpResponse, JsonResponse
from django.template import Context, Template
from django.test import RequestFactory

from portal import fragments


def test_markers_are_replaced_on_every_html_response_with_the_live_value():
    calls = []

    @fragments.register("test-now")
    def now(request):
        calls.append(request.path)
        return f"<span>{len(calls)}</span>"

    page = Template('{% load live %}<p>{% live "test-now" %}</p>').render(Context())
    assert page == "<p><!--live:test-now--></p>"
    middleware = fragments.LiveFragmentMiddleware(lambda request: HttpResponse(page))
    request = RequestFactory().get("/")
    assert middleware(request).content == b"<p><span>1</span></p>"
    assert middleware(request).content == b"<p><span>2</span></p>"
    unknown = fragments.LiveFragmentMiddleware(lambda r: HttpResponse("<!--live:nothing-->"))
    assert unknown(request).content == b""
    # Not HTML: untouched.
    data = fragments.LiveFragmentMiddleware(lambda r: JsonResponse({"a": "<!--live:test-now-->"}))
    assert b"<!--live:test-now-->" in data(request).content
