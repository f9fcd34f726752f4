"""POSTs by every role to every admin change and delete page: only the roles of the table
(tests.security.matrix.WRITES and DELETES) change anything; nothing answers 500.

The change form is the one a superuser sees, filled as a browser would send it, with one field
changed; so a refused role is refused for what it is, not for an incomplete form.
"""

from contextlib import contextmanager

import pytest
from django.db import transaction

from articles.models import Article
from indicators.models import Achievement
from tests.indicators.spreadsheets.importhelpers import FIGURE_HEADERS, preview, xlsx
from tests.security.attack import admin_save
from tests.security.formdata import form_data
from tests.security.matrix import DELETES, WRITES
from tests.security.routes import ADMIN_OBJECT, addresses, all_routes
from tests.security.test_permission_matrix import PUBLIC
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db

MARK = "Đã sửa trái phép"
# The field each model's change is tried on (a text field unless a value is given).
FIELDS = {
    "auth.group": "name",
    "auth.user": "first_name",
    "axes.accessattempt": "username",
    "axes.accesslog": "username",
    "axes.accessfailurelog": "username",
    "portal.sitesettings": "phone",
    "portal.link": "title",
    "portal.menuitem": "title",
    "portal.intropage": "summary",
    "portal.contactmessage": "answer",
    "portal.maintenancenotice": "message",
    "portal.dailyvisits": ("visits", "999"),
    "indicators.administrativeunit": "name",
    "indicators.unitassignment": ("unit", "district"),
    "indicators.program": "name",
    "indicators.indicator": "name",
    "indicators.target": ("value", "4321"),
    "indicators.monthlyreport": "comment",
    "indicators.achievement": "note",
    "indicators.figurechange": "reason",
    "articles.category": "description",
    "articles.tag": "name",
    "articles.article": "lead",
    "articles.comment": "text",
}


def object_pages(world, page):
    """[(key, label, variant, url)] of every admin object page of the kind ("change/")."""
    found = []
    for route in all_routes():
        match = ADMIN_OBJECT.match(route)
        if not match or match["page"] != page:
            continue
        label = f"{match['app']}.{match['model']}"
        for variant, url in addresses(route, world, PUBLIC).items():
            found.append((f"{route}#{variant}" if variant else route, label, variant, url))
    return found


def superuser_forms(as_role, world, pages):
    """{key: form data} of each change page as a superuser sees it, read once per module."""
    forms = world.extra.get("superuser forms")
    if forms is None:
        admin = as_role("superuser")
        forms = {
            key: form_data(admin.get(url).content, f"{label.split('.')[1]}_form")
            for key, label, _variant, url in pages
        }
        world.extra["superuser forms"] = forms
    return forms


def _value(world, label):
    field = FIELDS[label]
    if isinstance(field, str):
        return field, MARK
    name, value = field
    if value == "district":
        value = str(world.units["own"].parent_id)
    return name, value


def _current(world, label, variant, name):
    obj = world.objects[label][variant]
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    value = getattr(fresh, f"{name}_id", None) if name == "unit" else getattr(fresh, name)
    return str(value).removesuffix(".0000")


@contextmanager
def posted(client, url, data):
    """POST inside a transaction that is rolled back once the caller has looked."""
    with transaction.atomic():
        yield client.post(url, data)
        transaction.set_rollback(True)


def test_the_tables_name_only_real_pages(world):
    change = {key for key, *_rest in object_pages(world, "change/")}
    delete = {key for key, *_rest in object_pages(world, "delete/")}
    assert set(WRITES) == change, "WRITES must have one line per admin change page"
    assert set(DELETES) == delete, "DELETES must have one line per admin delete page"
    assert set(FIELDS) == {label for _key, label, *_rest in object_pages(world, "change/")}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_table_s_roles_change_an_object(as_role, client, world, role):
    pages = object_pages(world, "change/")
    forms = superuser_forms(as_role, world, pages)
    client = as_role(role)
    problems = []
    for key, label, variant, url in pages:
        name, value = _value(world, label)
        data = {**forms[key], name: [value], "_save": ["Lưu"]}
        with posted(client, url, data) as response:
            changed = _current(world, label, variant, name) == value
            may = role in WRITES[key].split()
            if response.status_code >= 500 or changed != may:
                problems.append(
                    f"{key}: {'changed' if changed else 'unchanged'} "
                    f"({response.status_code} {response.get('Location', '')})"
                )
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_table_s_roles_delete_an_object(as_role, world, role):
    client = as_role(role)
    problems = []
    for key, label, variant, url in object_pages(world, "delete/"):
        obj = world.objects[label][variant]
        with posted(client, url, {"post": "yes"}) as response:
            gone = not type(obj)._default_manager.filter(pk=obj.pk).exists()
            may = role in DELETES[key].split()
            if response.status_code >= 500 or gone != may:
                problems.append(f"{key}: {'deleted' if gone else 'kept'} ({response.status_code})")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_a_clerk_cannot_reach_another_commune_s_figures_by_a_direct_post(as_role, world):
    """A forged POST and a spreadsheet aimed at the other commune change nothing."""
    # The entry page's other checks are in tests/indicators/test_permissions.py.
    clerk = as_role("clerk")
    jobs = world.pk("indicators.indicator")
    other = world.units["other"]
    before = list(Achievement.objects.order_by("pk").values_list("pk", "value", "version"))
    response = clerk.post(
        f"/admin/indicators/monthlyreport/entry/{other.code}/2026/10/",
        {"action": "save", f"value_{jobs}": "999", f"version_{jobs}": "1"},
    )
    assert response.status_code == 404
    rows = [FIGURE_HEADERS, [other.code, "JOBS", 2026, 10, 999]]
    response = preview(clerk, "achievement", xlsx(rows))
    assert response.status_code == 200 and "confirm_form" not in response.context
    assert list(Achievement.objects.order_by("pk").values_list("pk", "value", "version")) == before


def test_a_writer_cannot_publish_by_posting_the_status(as_role, world):
    writer = as_role("writer")
    draft = world.objects["articles.article"]["own-draft"]
    url = f"/admin/articles/article/{draft.pk}/change/"
    response = admin_save(writer, url, {"status": "published", "featured": "on"}, "article_form")
    assert response.status_code in (200, 302, 403)
    draft.refresh_from_db()
    assert draft.status != Article.Status.PUBLISHED and not draft.featured
