"""SQL-injection-shaped and absurd values in every parameter a reader or staff member can send.

Searches, page numbers, years and months, the admin's filters, sorting and searches, and the
slugs and ids of addresses: a normal page or a clean 400/404, never a 500, and the data intact.
"""

from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings

from tests.security.attack import problems_of

pytestmark = [
    pytest.mark.django_db,
    # The results files are cached by their address; a 3,000-character one is too long a key
    # for memcached (not used: Redis or local memory), and Django says so.
    pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning"),
]

VALUES = [
    "' OR 1=1--",
    "1; DROP TABLE articles_article;--",
    "1' UNION SELECT username, password FROM auth_user--",
    "%_",
    "\\'\"",
    "-1",
    "99999999999999999999999999",
    "NaN",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes, int() reads 12
    "２０２６",  # full-width digits
    "²",  # isdigit() but not a number int() reads
    "nul\x00byte",
    "x" * 3000,
]
OK_ANSWERS = {200, 301, 302, 400, 403, 404}

PUBLIC = [
    "/tim-kiem/?q={v}",
    "/tim-kiem/?q=loc&trang={v}",
    "/tin-tuc/?trang={v}",
    "/tin-tuc/chuyen-muc/tin-tuc-su-kien/?trang={v}",
    "/ket-qua/?nam={v}",
    "/ket-qua/?nam=2026&thang={v}",
    "/ket-qua/chuong-trinh/ld/?nam={v}&thang={v}",
    "/ket-qua/xa/loc-an/?thang={v}",
    "/ket-qua/so-lieu.csv?nam={v}",
    "/ket-qua/xa/loc-an/so-lieu.xlsx?thang={v}",
    "/ngon-ngu/en/?next={v}",
    "/tin-tuc/{slug}/",
    "/tin-tuc/chuyen-muc/{slug}/",
    "/tin-tuc/the/{slug}/",
    "/ket-qua/chuong-trinh/{slug}/",
    "/ket-qua/xa/{slug}/so-lieu.csv",
    "/gioi-thieu/{slug}/",
    "/rss/{slug}/",
]
ADMIN = [
    "/admin/articles/article/?q={v}",
    "/admin/articles/article/?p={v}",
    "/admin/articles/article/?o={v}",
    "/admin/articles/article/?status__exact={v}",
    "/admin/articles/article/?categories__id__exact={v}",
    "/admin/articles/article/?publish_at__year={v}&publish_at__month={v}",
    "/admin/articles/article/?publish_at__gte={v}",
    "/admin/articles/comment/?created_at__year={v}",
    "/admin/portal/contactmessage/?created_at__year={v}&created_at__month={v}",
    "/admin/portal/dailyvisits/?day__year={v}",
    "/admin/articles/article/?_to_field={v}&_popup=1",
    "/admin/articles/comment/?q={v}&approved__exact={v}",
    "/admin/portal/contactmessage/?q={v}&status__exact={v}",
    "/admin/portal/link/?is_active__exact={v}",
    "/admin/portal/menuitem/?parent__isempty={v}",
    "/admin/indicators/achievement/?q={v}",
    "/admin/indicators/achievement/?report__year={v}&report__month={v}",
    "/admin/indicators/achievement/?indicator__program__id__exact={v}",
    "/admin/indicators/target/?year={v}&q={v}",
    "/admin/indicators/monthlyreport/?status={v}&year={v}&month={v}",
    "/admin/indicators/figurechange/?kind__exact={v}&year={v}",
    "/admin/indicators/administrativeunit/?kind__exact={v}&is_active__exact={v}",
    "/admin/auth/user/?q={v}&is_staff__exact={v}",
    "/admin/indicators/monthlyreport/overview/?year={v}&month={v}",
    "/admin/indicators/monthlyreport/report/?year={v}&month=9",
    "/admin/indicators/monthlyreport/report/?year=2026&month={v}",
    "/admin/indicators/monthlyreport/data-quality/?all={v}",
    "/admin/indicators/monthlyreport/official-report/?download=1&year={v}&month={v}",
    "/admin/indicators/monthlyreport/draft-report/?year={v}",
    "/admin/indicators/achievement/stream/?year={v}&month={v}&format={v}",
    "/admin/autocomplete/?app_label=indicators&model_name=target&field_name=unit&term={v}",
    "/admin/autocomplete/?app_label={v}&model_name={v}&field_name={v}",
    "/admin/articles/article/{slug}/change/",
    "/admin/indicators/target/{slug}/history/",
    "/admin/indicators/monthlyreport/entry/{slug}/2026/10/",
    "/admin/r/{slug}/{slug}/",
]


def fill(template, value):
    return template.format(v=quote(value, safe=""), slug=quote(value, safe=""))


def counts():
    """Rows of every table: an injection that ran would change one."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


# The admin's pages are many: there, one value of each kind.
ADMIN_VALUES = [
    "' OR 1=1--",
    "%_",
    "\\'\"",
    "99999999999999999999999999",
    "NaN",
    "²",
    "nul\x00byte",
]
ADMIN_VALUES.append("x" * 3000)


def _walk(client, templates, values=VALUES):
    client.raise_request_exception = False  # a 500 is counted with the others, not raised
    problems = []
    for template in templates:
        for value in values:
            url = fill(template, value)
            response = client.get(url)
            client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # ?next= chose English
            if response.status_code not in OK_ANSWERS:
                problems.append(f"{url[:120]}: {response.status_code}")
            problems += problems_of(response, url[:120])
            refused = response.status_code in (400, 403, 404)
            page = response.content.decode()[:500] if refused else ""
            if "text/html" in response["Content-Type"] and refused and 'lang="vi"' not in page:
                problems.append(f"{url[:120]}: {response.status_code} page not in Vietnamese")
    return problems


def test_public_parameters(as_role, world):
    client = as_role("anonymous")
    before = counts()
    problems = _walk(client, PUBLIC)
    assert not problems, "\n".join(problems)
    assert counts() == before


@pytest.mark.parametrize("role", ["clerk", "superuser"])
def test_admin_parameters(as_role, world, role):
    client = as_role(role)
    before = counts()
    # A clerk's lists are the ones narrowed to their commune: those are tried as a clerk.
    templates = ADMIN if role == "superuser" else [t for t in ADMIN if "/indicators/" in t]
    problems = _walk(client, templates, ADMIN_VALUES)
    assert not problems, "\n".join(problems)
    assert counts() == before


def test_searches_find_nothing_by_wildcards_and_quotes(as_role, world):
    """% and _ are letters to look for, not wildcards; a quote is a quote."""
    client = as_role("anonymous")
    for value in ("%", "_", "' OR 1=1--", "%' OR '1'='1"):
        response = client.get("/tim-kiem/?" + urlencode({"q": value}))
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 0, value
    editor = as_role("editor")
    for value in ("%", "_"):
        response = editor.get("/admin/articles/article/?" + urlencode({"q": value}))
        assert response.context["cl"].result_count == 0, value
