"""Every URL pattern × every role: what a GET answers, and that POSTs change only what may be.

The expected answers are the explicit table of ``tests.security.matrix``. A URL pattern added
later without a line there makes ``test_every_url_pattern_has_a_line`` fail and say so.
Finer questions of one app (which commune's rows a list shows) are in
tests/indicators/test_permissions.py; here every pattern of the whole portal is walked.
"""

import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.security.matrix import LEGEND, MATRIX
from tests.security.routes import addresses, all_routes
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db


def _slug(label, variant=""):
    return lambda w: w.objects[label][variant].slug


def _article_pages(suffix):
    def build(world):
        return {
            variant: f"/tin-tuc/{article.slug}/{suffix}"
            for variant, article in world.objects["articles.article"].items()
        }

    return build


def _view_on_site(world):
    article = world.objects["articles.article"]["own-draft"]
    content_type = ContentType.objects.get_for_model(article)
    return {"": f"/admin/r/{content_type.pk}/{article.pk}/"}


def _entry(world):
    return {
        variant: f"/admin/indicators/monthlyreport/entry/{unit.code}/2026/10/"
        for variant, unit in world.units.items()
    }


def _files(prefix):
    return lambda w: {fmt: f"{prefix(w)}so-lieu.{fmt}" for fmt in ("csv", "xlsx", "pdf")}


def _program(w):
    return f"/ket-qua/chuong-trinh/{w.objects['indicators.program'][''].code}/"


def _unit(w):
    return f"/ket-qua/xa/{w.units['own'].code}/"


# Routes with parameters: the addresses to try, by variant.
PUBLIC = {
    "tin-tuc/chuyen-muc/<slug:slug>/": lambda w: {
        "": f"/tin-tuc/chuyen-muc/{_slug('articles.category')(w)}/"
    },
    "tin-tuc/the/<slug:slug>/": lambda w: {"": f"/tin-tuc/the/{_slug('articles.tag')(w)}/"},
    "tin-tuc/<slug:slug>/": _article_pages(""),
    "tin-tuc/<slug:slug>/danh-gia/": _article_pages("danh-gia/"),
    "tin-tuc/<slug:slug>/y-kien/": _article_pages("y-kien/"),
    "ket-qua/so-lieu.<str:fmt>": _files(lambda w: "/ket-qua/"),
    "ket-qua/chuong-trinh/<slug:code>/": lambda w: {"": _program(w)},
    "ket-qua/chuong-trinh/<slug:code>/so-lieu.<str:fmt>": _files(_program),
    "ket-qua/xa/<slug:code>/": lambda w: {"own": _unit(w), "district": "/ket-qua/xa/loc-ninh/"},
    "ket-qua/xa/<slug:code>/so-lieu.<str:fmt>": _files(_unit),
    "gioi-thieu/<slug:slug>/": lambda w: {
        "published": f"/gioi-thieu/{_slug('portal.intropage')(w)}/",
        "hidden": f"/gioi-thieu/{w.extra['hidden_intro'].slug}/",
    },
    "rss/<slug:slug>/": lambda w: {"": f"/rss/{_slug('articles.category')(w)}/"},
    "ngon-ngu/<str:language>/": lambda w: {"en": "/ngon-ngu/en/", "xx": "/ngon-ngu/xx/"},
    "admin/r/<path:content_type_id>/<path:object_id>/": _view_on_site,
    "admin/indicators/monthlyreport/entry/<slug:unit_code>/<int:year>/<int:month>/": _entry,
}


def walk(world):
    """[(key, url)] for every route and variant; key is "route" or "route#variant"."""
    result = []
    for route in all_routes():
        for variant, url in addresses(route, world, PUBLIC).items():
            result.append((f"{route}#{variant}" if variant else route, url))
    return result


def outcome(response):
    """The answer as the table writes it (see LEGEND)."""
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "login"
        if location == reverse("admin:index"):
            return "gone"
        return "redir"
    if status == 200:
        return "ok"
    return str(status)


def test_every_url_pattern_has_a_line(world):
    keys = {key for key, _url in walk(world)}
    missing = sorted(keys - set(MATRIX))
    assert not missing, (
        "These URL patterns have no line in tests/security/matrix.py. Add one per pattern "
        "(and variant) saying what each role gets:\n" + "\n".join(missing)
    )
    stale = sorted(set(MATRIX) - keys)
    assert not stale, "Lines of tests/security/matrix.py for patterns that no longer exist:\n" + (
        "\n".join(stale)
    )


def test_the_table_uses_only_known_answers():
    for key, row in MATRIX.items():
        assert len(row.split()) == len(ROLES), key
        assert set(row.split()) <= set(LEGEND), key


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(as_role, world, role):
    client = as_role(role)
    column = ROLES.index(role)
    problems, seen = [], []
    for key, url in walk(world):
        if key not in MATRIX and not os.environ.get("SECURITY_MATRIX_DUMP"):
            continue  # reported by test_every_url_pattern_has_a_line
        response = client.get(url)
        got = outcome(response)
        seen.append(f'    "{key}": "{got}",')
        expected = MATRIX.get(key, "- - - - - - -").split()[column]
        if got != expected:
            problems.append(f"{key} {url}: expected {expected}, got {got}")
    if os.environ.get("SECURITY_MATRIX_DUMP"):
        with open(f"{os.environ['SECURITY_MATRIX_DUMP']}.{role}", "w") as dump:
            dump.write("\n".join(seen))
    assert not problems, f"{role}:\n" + "\n".join(problems)
