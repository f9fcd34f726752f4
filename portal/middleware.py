from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers


def reader_language(request):
    """The reader's language: the switcher's cookie when it names one of LANGUAGES, else
    Vietnamese (LANGUAGE_CODE)."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language and any(language == code for code, _name in settings.LANGUAGES):
        return language
    return settings.LANGUAGE_CODE


class PortalLocaleMiddleware:
    """Speak Vietnamese unless the reader chose another language with the switcher.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: a Vietnamese
    government portal opens in Vietnamese for everyone, and the choice is the reader's own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = reader_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseNulMiddleware:
    """Answer 400 to a NUL character in the address's parameters, before any query sees it."""

    # No search or filter means one, and PostgreSQL refuses it in any text comparison: an
    # admin filter or autocomplete search (?term=%00) would otherwise be a server error.

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest("NUL character in the query string")
        return self.get_response(request)
