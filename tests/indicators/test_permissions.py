"""The permission matrix: who may see and change which unit's figures, by every admin route.

A commune clerk must never see or change another commune's figures, whichever page, list,
history, autocomplete or POST they try. Each role walks every admin URL of the ``indicators``
app (built from the admin registry, so a newly registered model needs a line in the table).
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators import services
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    FigureChange,
    Indicator,
    MonthlyReport,
    Program,
    ReportEvent,
    ReportStatus,
    Target,
    UnitAssignment,
)
from indicators.validation import Entry

pytestmark = pytest.mark.django_db

D = Decimal

# What a page may show of commune B (Xã Tân Lập): its name, code in links, figures, warnings.
B_MARKERS = ["Tân Lập", "/xa-b/", "7.777", "7.000", "98.765", "không phải 20", "của xã B"]
A_MARKERS = ["An Bình"]


# ---------------------------------------------------------------------------------------------
# Data: two communes with reports, figures, warnings, targets and their history
# ---------------------------------------------------------------------------------------------


def _save(report, user, catalogue, values, reasons=None, submit=False):
    reasons = reasons or {}
    entries = {
        catalogue[code].pk: Entry(
            indicator=catalogue[code], value=D(value), warning_reason=reasons.get(code, "")
        )
        for code, value in values.items()
    }
    result = services.report_save(report=report, user=user, entries=entries, submit=submit)
    assert result.saved, result
    report.refresh_from_db()
    return report


@pytest.fixture
def world(
    district, commune_a, commune_b, catalogue, targets, clerk_a, clerk_b, officer, editor, superuser
):
    """Commune A: 09/2026 approved, 10/2026 submitted. Commune B: 09 draft, 10 submitted."""
    get = services.report_get_or_create
    a_sep = _save(get(unit=commune_a, year=2026, month=9), clerk_a, catalogue, {"JOBS": 1000})
    services.report_submit(report=a_sep, user=clerk_a)
    services.report_approve(report=a_sep, user=officer)
    gifts = {"GIFT-A": 4, "GIFT-B": 5}
    a_oct = _save(
        get(unit=commune_a, year=2026, month=10),
        clerk_a,
        catalogue,
        {"JOBS": 1111, "GIFTS": 10, **gifts},
        reasons={"GIFTS": "Quà chưa phân loại của xã A"},
        submit=True,
    )
    b_sep = _save(get(unit=commune_b, year=2026, month=9), clerk_b, catalogue, {"JOBS": 7000})
    b_oct = _save(
        get(unit=commune_b, year=2026, month=10),
        clerk_b,
        catalogue,
        {"JOBS": 7777, "GIFTS": 20, **gifts},
        reasons={"GIFTS": "Quà chưa phân loại của xã B"},
        submit=True,
    )
    b_target = Target(indicator=catalogue["DOSE1"], unit=commune_b, year=2026, value=98765)
    services.target_record_change(target=b_target, user=officer)
    b_target.save()
    a_target = Target.objects.get(indicator=catalogue["JOBS"], unit=commune_a)
    a_target.value = D(1250)
    services.target_record_change(target=a_target, user=officer, reason="Điều chỉnh kế hoạch")
    a_target.save()
    nogroup = get_user_model().objects.create_user(
        username="staff.nogroup", password="mat-khau-thu-nghiem", is_staff=True
    )
    jobs = catalogue["JOBS"]
    objects = {
        AdministrativeUnit: (commune_a, commune_b),
        UnitAssignment: (
            UnitAssignment.objects.get(user=clerk_a),
            UnitAssignment.objects.get(user=clerk_b),
        ),
        Program: (jobs.program, catalogue["POOR"].program),
        Indicator: (jobs, catalogue["POOR"]),
        Target: (a_target, b_target),
        MonthlyReport: (a_oct, b_oct),
        Achievement: (
            a_oct.achievements.get(indicator=jobs),
            b_oct.achievements.get(indicator=jobs),
        ),
        FigureChange: (
            FigureChange.objects.get(unit=commune_a, indicator=jobs, month=10),
            FigureChange.objects.get(unit=commune_b, indicator=jobs, month=10),
        ),
    }
    return {
        "catalogue": catalogue,
        "a": commune_a,
        "b": commune_b,
        "a_sep": a_sep,
        "a_oct": a_oct,
        "b_sep": b_sep,
        "b_oct": b_oct,
        "a_target": a_target,
        "b_target": b_target,
        "objects": objects,
        "users": {
            "clerk_a": clerk_a,
            "officer": officer,
            "editor": editor,
            "superuser": superuser,
            "nogroup": nogroup,
            "anonymous": None,
        },
    }


def entry_url(unit, year=2026, month=10):
    return reverse(
        "admin:indicators_monthlyreport_entry",
        kwargs={"unit_code": unit.code, "year": year, "month": month},
    )


def snapshot():
    """Everything a POST could change, to compare before and after."""
    return {
        "achievements": sorted(
            Achievement.objects.values_list(
                "report__unit__code", "report__month", "indicator__code", "value", "version"
            )
        ),
        "reports": sorted(
            MonthlyReport.objects.values_list("unit__code", "year", "month", "status", "comment")
        ),
        "targets": sorted(Target.objects.values_list("unit__code", "indicator__code", "value")),
        "changes": FigureChange.objects.count(),
        "events": ReportEvent.objects.count(),
    }


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Creating six staff accounts with the real hasher takes seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---------------------------------------------------------------------------------------------
# The GET matrix
# ---------------------------------------------------------------------------------------------

ROLES = ["clerk_a", "officer", "editor", "superuser", "nogroup", "anonymous"]

# Expectations
OK = "200"  # the page is shown
OWN = "own"  # 200, shows commune A and nothing of commune B
ALL = "all"  # 200, shows commune A and commune B
DENIED = "403"
NOT_FOUND = "404"
AWAY = "away"  # 302 somewhere else than the object, 403 or 404: never the page itself
ENTRY = "entry"  # 302 to the month's entry page of the report's own unit
TO_OVERVIEW = "to-overview"  # 302 to the district overview
TO_OWN_ENTRY = "to-own-entry"  # 302 to an entry page of commune A
LOGIN = "login"  # 302 to the login page

MODEL_PAGES = [
    "changelist",
    "add",
    "change_a",
    "change_b",
    "history_a",
    "history_b",
    "delete_a",
    "delete_b",
]

# (page): (clerk_a, officer, editor, superuser, nogroup, anonymous)
MATRIX = {
    ("administrativeunit", "changelist"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("administrativeunit", "add"): (DENIED, DENIED, DENIED, OK, DENIED, LOGIN),
    ("administrativeunit", "change_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("administrativeunit", "change_b"): (AWAY, ALL, ALL, ALL, AWAY, LOGIN),
    ("administrativeunit", "history_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("administrativeunit", "history_b"): (AWAY, OK, OK, OK, AWAY, LOGIN),
    ("administrativeunit", "delete_a"): (DENIED, DENIED, DENIED, OK, AWAY, LOGIN),
    ("administrativeunit", "delete_b"): (AWAY, DENIED, DENIED, OK, AWAY, LOGIN),
    ("unitassignment", "changelist"): (DENIED, ALL, DENIED, ALL, DENIED, LOGIN),
    ("unitassignment", "add"): (DENIED, DENIED, DENIED, OK, DENIED, LOGIN),
    ("unitassignment", "change_a"): (DENIED, OK, DENIED, OK, AWAY, LOGIN),
    ("unitassignment", "change_b"): (AWAY, OK, DENIED, OK, AWAY, LOGIN),
    ("unitassignment", "history_a"): (DENIED, OK, DENIED, OK, AWAY, LOGIN),
    ("unitassignment", "history_b"): (AWAY, OK, DENIED, OK, AWAY, LOGIN),
    ("unitassignment", "delete_a"): (DENIED, DENIED, DENIED, OK, AWAY, LOGIN),
    ("unitassignment", "delete_b"): (AWAY, DENIED, DENIED, OK, AWAY, LOGIN),
    ("program", "changelist"): (OK, OK, OK, OK, DENIED, LOGIN),
    ("program", "add"): (DENIED, DENIED, DENIED, OK, DENIED, LOGIN),
    ("program", "change_a"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("program", "change_b"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("program", "history_a"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("program", "history_b"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("program", "delete_a"): (DENIED, DENIED, DENIED, OK, AWAY, LOGIN),
    ("program", "delete_b"): (DENIED, DENIED, DENIED, OK, AWAY, LOGIN),
    ("indicator", "changelist"): (OK, OK, OK, OK, DENIED, LOGIN),
    ("indicator", "add"): (DENIED, DENIED, DENIED, OK, DENIED, LOGIN),
    ("indicator", "change_a"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("indicator", "change_b"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("indicator", "history_a"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("indicator", "history_b"): (OK, OK, OK, OK, AWAY, LOGIN),
    ("indicator", "delete_a"): (DENIED, DENIED, DENIED, OK, AWAY, LOGIN),
    ("indicator", "delete_b"): (DENIED, DENIED, DENIED, OK, AWAY, LOGIN),
    ("target", "changelist"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("target", "add"): (DENIED, OK, DENIED, OK, DENIED, LOGIN),
    ("target", "change_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("target", "change_b"): (AWAY, ALL, ALL, ALL, AWAY, LOGIN),
    ("target", "history_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("target", "history_b"): (AWAY, OK, OK, OK, AWAY, LOGIN),
    ("target", "delete_a"): (DENIED, OK, DENIED, OK, AWAY, LOGIN),
    ("target", "delete_b"): (AWAY, OK, DENIED, OK, AWAY, LOGIN),
    ("monthlyreport", "changelist"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("monthlyreport", "add"): (DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    ("monthlyreport", "change_a"): (ENTRY, ENTRY, ENTRY, ENTRY, AWAY, LOGIN),
    ("monthlyreport", "change_b"): (AWAY, ENTRY, ENTRY, ENTRY, AWAY, LOGIN),
    ("monthlyreport", "history_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("monthlyreport", "history_b"): (AWAY, OK, OK, OK, AWAY, LOGIN),
    ("monthlyreport", "delete_a"): (DENIED, DENIED, DENIED, DENIED, AWAY, LOGIN),
    ("monthlyreport", "delete_b"): (AWAY, DENIED, DENIED, DENIED, AWAY, LOGIN),
    ("achievement", "changelist"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("achievement", "add"): (DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    ("achievement", "change_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("achievement", "change_b"): (AWAY, ALL, ALL, ALL, AWAY, LOGIN),
    ("achievement", "history_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("achievement", "history_b"): (AWAY, OK, OK, OK, AWAY, LOGIN),
    ("achievement", "delete_a"): (DENIED, DENIED, DENIED, DENIED, AWAY, LOGIN),
    ("achievement", "delete_b"): (AWAY, DENIED, DENIED, DENIED, AWAY, LOGIN),
    ("figurechange", "changelist"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("figurechange", "add"): (DENIED, DENIED, DENIED, DENIED, DENIED, LOGIN),
    ("figurechange", "change_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("figurechange", "change_b"): (AWAY, ALL, ALL, ALL, AWAY, LOGIN),
    ("figurechange", "history_a"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("figurechange", "history_b"): (AWAY, OK, OK, OK, AWAY, LOGIN),
    ("figurechange", "delete_a"): (DENIED, DENIED, DENIED, DENIED, AWAY, LOGIN),
    ("figurechange", "delete_b"): (AWAY, DENIED, DENIED, DENIED, AWAY, LOGIN),
    # The monthly pages
    ("entry", "a_09"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("entry", "a_10"): (OWN, OK, OK, OK, AWAY, LOGIN),
    ("entry", "b_09"): (NOT_FOUND, ALL, ALL, ALL, AWAY, LOGIN),
    ("entry", "b_10"): (NOT_FOUND, ALL, ALL, ALL, AWAY, LOGIN),
    ("entry", "district_10"): (NOT_FOUND, OK, OK, OK, AWAY, LOGIN),
    ("app_index", ""): (OK, OK, OK, OK, AWAY, LOGIN),
    ("index", ""): (OWN, OK, OK, OK, OK, LOGIN),  # the to-do list of monthly figures
    ("entry_start", ""): (TO_OWN_ENTRY, TO_OVERVIEW, TO_OVERVIEW, TO_OVERVIEW, AWAY, LOGIN),
    ("overview", ""): (DENIED, ALL, ALL, ALL, DENIED, LOGIN),
    ("overview", "?year=2026&month=10"): (DENIED, ALL, ALL, ALL, DENIED, LOGIN),
    ("data_quality", ""): (OWN, ALL, ALL, ALL, OK, LOGIN),
    ("data_quality", "?all=1"): (OWN, ALL, ALL, ALL, OK, LOGIN),
    # The admin's autocomplete (select2) endpoint for every field that points to a unit
    ("autocomplete", "target.unit"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "administrativeunit.parent"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "administrativeunit.successor"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "unitassignment.unit"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "monthlyreport.unit"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "figurechange.unit"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "achievement.report"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "reportevent.report"): (OWN, ALL, ALL, ALL, DENIED, LOGIN),
    ("autocomplete", "target.indicator"): (OK, OK, OK, OK, DENIED, LOGIN),
}

LISTS = {"overview", "data_quality", "autocomplete"}


def indicators_admins():
    return {
        model._meta.model_name: (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "indicators"
    }


def test_the_matrix_covers_every_registered_model():
    registered = set(indicators_admins())
    assert registered == {
        "administrativeunit",
        "unitassignment",
        "program",
        "indicator",
        "target",
        "monthlyreport",
        "achievement",
        "figurechange",
    }
    for name in registered:
        for page in MODEL_PAGES:
            assert (name, page) in MATRIX, f"no expectation for {name} {page}"


def pages(world):
    """Every (key, url, expected entry URL) of the indicators admin."""
    result = []
    for name, (model, _model_admin) in indicators_admins().items():
        info = f"admin:indicators_{name}"
        a, b = world["objects"][model]
        result.append(((name, "changelist"), reverse(f"{info}_changelist"), None))
        result.append(((name, "add"), reverse(f"{info}_add"), None))
        for side, obj in (("a", a), ("b", b)):
            entry = None
            if model is MonthlyReport:
                entry = entry_url(obj.unit, obj.year, obj.month)
            for page in ("change", "history", "delete"):
                result.append(
                    ((name, f"{page}_{side}"), reverse(f"{info}_{page}", args=[obj.pk]), entry)
                )
    for key, unit, month in [
        ("a_09", world["a"], 9),
        ("a_10", world["a"], 10),
        ("b_09", world["b"], 9),
        ("b_10", world["b"], 10),
        ("district_10", world["a"].parent, 10),
    ]:
        result.append((("entry", key), entry_url(unit, 2026, month), None))
    result.append((("app_index", ""), reverse("admin:app_list", args=["indicators"]), None))
    result.append((("index", ""), reverse("admin:index"), None))
    result.append(
        (("entry_start", ""), reverse("admin:indicators_monthlyreport_entry_start"), None)
    )
    for name in ("overview", "data_quality"):
        base = reverse(f"admin:indicators_monthlyreport_{name}")
        for query in ("", "?year=2026&month=10" if name == "overview" else "?all=1"):
            result.append(((name, query), base + query, None))
    for field in [k for (kind, k) in MATRIX if kind == "autocomplete"]:
        model_name, field_name = field.split(".")
        query = f"?app_label=indicators&model_name={model_name}&field_name={field_name}"
        result.append((("autocomplete", field), reverse("admin:autocomplete") + query, None))
    return result


def check(role, key, url, response, expected, entry):
    """The problems of one response, as a list of strings (empty when it is as expected)."""
    status = response.status_code
    location = response.get("Location", "")
    body = response.content.decode() if status == 200 else ""
    if body and key[0] == "autocomplete":  # JSON escapes non-ASCII letters
        body = " ".join(r["text"] for r in response.json()["results"])
    if status >= 500:
        return [f"{status} server error"]
    problems = []
    if expected in (OK, OWN, ALL) and status != 200:
        problems.append(f"expected 200, got {status} {location}")
    elif expected == DENIED and status != 403:
        problems.append(f"expected 403, got {status} {location}")
    elif expected == NOT_FOUND and status != 404:
        problems.append(f"expected 404, got {status} {location}")
    elif expected == AWAY:
        if status not in (302, 403, 404):
            problems.append(f"expected a refusal, got {status}")
        elif status == 302 and (location == url or "/entry/xa-" in location):
            problems.append(f"redirected to the page itself or to a unit's figures: {location}")
    elif expected == ENTRY and (status != 302 or location != entry):
        problems.append(f"expected a redirect to {entry}, got {status} {location}")
    elif expected == TO_OVERVIEW and (
        status != 302 or location != reverse("admin:indicators_monthlyreport_overview")
    ):
        problems.append(f"expected a redirect to the overview, got {status} {location}")
    elif expected == TO_OWN_ENTRY and (
        status != 302
        or not location.startswith(reverse("admin:indicators_monthlyreport_entry_start") + "xa-a/")
    ):
        problems.append(f"expected a redirect to commune A's entry page, got {status} {location}")
    elif expected == LOGIN and (status != 302 or not location.startswith(reverse("admin:login"))):
        problems.append(f"expected a redirect to the login page, got {status} {location}")
    if not body:
        return problems
    if role in ("clerk_a", "nogroup"):
        problems += [f"shows {m!r} of commune B" for m in B_MARKERS if m in body]
    if role == "nogroup":
        problems += [f"shows {m!r} of commune A" for m in A_MARKERS if m in body]
    is_list = key[1] == "changelist" or key[0] in LISTS
    if (expected == OWN or (expected == ALL and is_list)) and "An Bình" not in body:
        problems.append("does not show commune A")
    if expected == ALL and "Tân Lập" not in body:
        problems.append("does not show commune B")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    column = ROLES.index(role)
    walked = pages(world)
    assert {key for key, _url, _entry in walked} == set(MATRIX)  # every line is walked
    problems = []
    for key, url, entry in walked:
        response = client.get(url)
        for problem in check(role, key, url, response, MATRIX[key][column], entry):
            problems.append(f"{key} {url}: {problem}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Looking for commune B from commune A's pages: searches, filters, odd parameters
# ---------------------------------------------------------------------------------------------


def row_unit(obj):
    """The unit a row of an admin list belongs to."""
    if isinstance(obj, AdministrativeUnit):
        return obj
    if isinstance(obj, Achievement):
        return obj.report.unit
    return obj.unit


@pytest.mark.parametrize(
    "path",
    [
        "admin:indicators_achievement_changelist?q=Tân Lập",
        "admin:indicators_achievement_changelist?q=7777",
        "admin:indicators_achievement_changelist?report__unit__id__exact={b}",
        "admin:indicators_achievement_changelist?report__status=submitted",
        "admin:indicators_target_changelist?q=xa-b",
        "admin:indicators_target_changelist?unit={b}",
        "admin:indicators_figurechange_changelist?q=Tân",
        "admin:indicators_figurechange_changelist?unit__id__exact={b}",
        "admin:indicators_monthlyreport_changelist?q=xa-b",
        "admin:indicators_monthlyreport_changelist?status=submitted",
        "admin:indicators_administrativeunit_changelist?q=Tân",
        "admin:indicators_administrativeunit_changelist?_popup=1&_to_field=id",
        "admin:autocomplete?app_label=indicators&model_name=target&field_name=unit&term=Tân",
        "admin:autocomplete?app_label=indicators&model_name=achievement&field_name=report&term=xa-b",
        "admin:indicators_monthlyreport_overview?year=abc&month=10",
        "admin:indicators_monthlyreport_data_quality?all=1&unit={b}",
    ],
)
def test_clerk_cannot_find_commune_b_through_search_or_filters(as_user, world, path):
    name, _sep, query = path.partition("?")
    url = reverse(name) + "?" + query.format(b=world["b"].pk)
    response = as_user(world["users"]["clerk_a"]).get(url)
    assert response.status_code < 500
    body = response.content.decode()
    if response.status_code == 200 and name == "admin:autocomplete":
        body = " ".join(r["text"] for r in response.json()["results"])
    elif response.status_code == 200 and "cl" in response.context:
        assert {row_unit(row) for row in response.context["cl"].result_list} <= {world["a"]}
        body = body.replace(response.context["cl"].query, "")  # the search box repeats it
    assert not [m for m in B_MARKERS if m in body]


@pytest.mark.parametrize(
    ("unit", "year", "month"),
    [("xa-a", 2026, 13), ("xa-a", 2026, 0), ("xa-a", 1999, 1), ("xa-zz", 2026, 10)],
)
def test_impossible_entry_pages_are_not_found(as_user, world, unit, year, month):
    url = f"{reverse('admin:indicators_monthlyreport_entry_start')}{unit}/{year}/{month}/"
    assert as_user(world["users"]["officer"]).get(url).status_code == 404


def test_autocomplete_gives_a_clerk_their_own_unit_only(as_user, world):
    url = reverse("admin:autocomplete")
    for model_name, field_name in [
        ("target", "unit"),
        ("administrativeunit", "parent"),
        ("administrativeunit", "successor"),
        ("unitassignment", "unit"),
    ]:
        query = {"app_label": "indicators", "model_name": model_name, "field_name": field_name}
        clerk = as_user(world["users"]["clerk_a"]).get(url, query).json()["results"]
        assert [r["id"] for r in clerk] == [str(world["a"].pk)], (model_name, field_name)
        officer = as_user(world["users"]["officer"]).get(url, query).json()["results"]
        assert {r["id"] for r in officer} == {
            str(pk) for pk in AdministrativeUnit.objects.values_list("pk", flat=True)
        }


def test_data_quality_shows_a_clerk_their_own_warnings_only(as_user, world):
    url = reverse("admin:indicators_monthlyreport_data_quality")
    html = as_user(world["users"]["clerk_a"]).get(url).content.decode()
    assert "Các phần cộng lại được 9, không phải 10." in html
    assert "Quà chưa phân loại của xã A" in html
    assert "không phải 20" not in html and "của xã B" not in html
    html = as_user(world["users"]["officer"]).get(url).content.decode()
    assert "không phải 10" in html and "không phải 20" in html


def test_clerk_lists_hold_their_own_rows_only(as_user, world):
    """The lists' rows, counted: not only the names but the number of rows is the clerk's."""
    client = as_user(world["users"]["clerk_a"])
    for name, own in [
        ("achievement", Achievement.objects.filter(report__unit=world["a"]).count()),
        ("figurechange", FigureChange.objects.filter(unit=world["a"]).count()),
        ("target", Target.objects.filter(unit=world["a"]).count()),
        ("monthlyreport", MonthlyReport.objects.filter(unit=world["a"]).count()),
        ("administrativeunit", 1),
    ]:
        response = client.get(reverse(f"admin:indicators_{name}_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == own, name
        assert response.context["cl"].full_result_count == own, name


# ---------------------------------------------------------------------------------------------
# The POST matrix: what each role may change
# ---------------------------------------------------------------------------------------------


def _value(world, code):
    return f"value_{world['catalogue'][code].pk}"


def _target_form(target, value):
    return {
        "indicator": target.indicator_id,
        "unit": target.unit_id,
        "year": target.year,
        "value": value,
        "source": "Sửa trái phép",
        "_save": "Lưu",
    }


def _bulk_approve(world):
    return {
        "action": "approve_selected",
        "index": 0,
        ACTION_CHECKBOX_NAME: [world["a_oct"].pk, world["b_oct"].pk],
    }


UNCHANGED = "nothing changes"


def _b_sep_saved(world, before, after):
    assert Achievement.objects.get(report=world["b_sep"]).value == 7001
    assert after["reports"] == before["reports"]


def _b_oct_approved(world, before, after):
    world["b_oct"].refresh_from_db()
    assert world["b_oct"].status == ReportStatus.APPROVED
    world["a_oct"].refresh_from_db()
    assert world["a_oct"].status == ReportStatus.SUBMITTED


def _both_approved(world, before, after):
    statuses = MonthlyReport.objects.filter(month=10).values_list("status", flat=True)
    assert set(statuses) == {ReportStatus.APPROVED}


def _only_own_month_created(world, before, after):
    new = MonthlyReport.objects.get(unit=world["a"], year=2026, month=11)
    assert list(new.achievements.values_list("indicator__code", "value")) == [("JOBS", 5)]
    b_rows = [row for row in after["achievements"] if row[0] == "xa-b"]
    assert b_rows == [row for row in before["achievements"] if row[0] == "xa-b"]
    assert [r for r in after["reports"] if r[0] == "xa-b"] == [
        r for r in before["reports"] if r[0] == "xa-b"
    ]


def _a_target_changed(world, before, after):
    assert Target.objects.get(pk=world["a_target"].pk).value == 1300


# (role, what is tried, URL, POST data, status, outcome)
POST_MATRIX = [
    (
        "clerk_a",
        "save figures on commune B's page",
        lambda w: entry_url(w["b"], 2026, 9),
        lambda w: {"action": "save", _value(w, "JOBS"): "1"},
        404,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "submit commune B's month",
        lambda w: entry_url(w["b"], 2026, 9),
        lambda w: {"action": "submit", _value(w, "JOBS"): "1"},
        404,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "approve commune B's month",
        lambda w: entry_url(w["b"]),
        lambda w: {"action": "approve"},
        404,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "return commune B's month",
        lambda w: entry_url(w["b"]),
        lambda w: {"action": "return", "comment": "Sai số liệu"},
        404,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "approve their own month",
        lambda w: entry_url(w["a"]),
        lambda w: {"action": "approve"},
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "return their own month",
        lambda w: entry_url(w["a"]),
        lambda w: {"action": "return", "comment": "Tự trả lại"},
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "reopen their own approved month",
        lambda w: entry_url(w["a"], 2026, 9),
        lambda w: {"action": "reopen", "reason": "Muốn sửa"},
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "slip commune B's ids into their own page",
        lambda w: entry_url(w["a"], 2026, 11),
        lambda w: {
            "action": "save",
            _value(w, "JOBS"): "5",
            _value(w, "MONEY"): "9",  # entered by the district only
            "unit": w["b"].pk,
            "unit_code": "xa-b",
            "report": w["b_sep"].pk,
            "year": 2026,
            "month": 9,
        },
        302,
        _only_own_month_created,
    ),
    (
        "clerk_a",
        "change commune B's target",
        lambda w: reverse("admin:indicators_target_change", args=[w["b_target"].pk]),
        lambda w: _target_form(w["b_target"], 1),
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "change their own target",
        lambda w: reverse("admin:indicators_target_change", args=[w["a_target"].pk]),
        lambda w: _target_form(w["a_target"], 1),
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "add a target for commune B",
        lambda w: reverse("admin:indicators_target_add"),
        lambda w: {**_target_form(w["b_target"], 1), "indicator": w["catalogue"]["HH"].pk},
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "delete commune B's target",
        lambda w: reverse("admin:indicators_target_delete", args=[w["b_target"].pk]),
        lambda w: {"post": "yes"},
        403,
        UNCHANGED,
    ),
    (
        "clerk_a",
        "bulk-approve from the list",
        lambda w: reverse("admin:indicators_monthlyreport_changelist"),
        _bulk_approve,
        200,  # no action is offered to a clerk: the list is drawn again
        UNCHANGED,
    ),
    (
        "editor",
        "save figures of a draft month",
        lambda w: entry_url(w["b"], 2026, 9),
        lambda w: {"action": "save", _value(w, "JOBS"): "1"},
        403,
        UNCHANGED,
    ),
    (
        "editor",
        "start a new month",
        lambda w: entry_url(w["a"], 2026, 11),
        lambda w: {"action": "save", _value(w, "JOBS"): "1"},
        403,
        UNCHANGED,
    ),
    (
        "editor",
        "approve a month",
        lambda w: entry_url(w["a"]),
        lambda w: {"action": "approve"},
        403,
        UNCHANGED,
    ),
    (
        "editor",
        "reopen a month",
        lambda w: entry_url(w["a"], 2026, 9),
        lambda w: {"action": "reopen", "reason": "Biên tập"},
        403,
        UNCHANGED,
    ),
    (
        "editor",
        "bulk-approve from the list",
        lambda w: reverse("admin:indicators_monthlyreport_changelist"),
        _bulk_approve,
        200,  # no action is offered to an editor
        UNCHANGED,
    ),
    (
        "editor",
        "change a target",
        lambda w: reverse("admin:indicators_target_change", args=[w["a_target"].pk]),
        lambda w: _target_form(w["a_target"], 1),
        403,
        UNCHANGED,
    ),
    (
        "nogroup",
        "save figures",
        lambda w: entry_url(w["a"], 2026, 11),
        lambda w: {"action": "save", _value(w, "JOBS"): "1"},
        404,
        UNCHANGED,
    ),
    (
        "nogroup",
        "approve a month",
        lambda w: entry_url(w["a"]),
        lambda w: {"action": "approve"},
        404,
        UNCHANGED,
    ),
    (
        "nogroup",
        "bulk-approve from the list",
        lambda w: reverse("admin:indicators_monthlyreport_changelist"),
        _bulk_approve,
        403,
        UNCHANGED,
    ),
    (
        "anonymous",
        "save figures",
        lambda w: entry_url(w["a"], 2026, 11),
        lambda w: {"action": "save", _value(w, "JOBS"): "1"},
        302,
        UNCHANGED,
    ),
    (
        "anonymous",
        "approve a month",
        lambda w: entry_url(w["a"]),
        lambda w: {"action": "approve"},
        302,
        UNCHANGED,
    ),
    (
        "anonymous",
        "bulk-approve from the list",
        lambda w: reverse("admin:indicators_monthlyreport_changelist"),
        _bulk_approve,
        302,
        UNCHANGED,
    ),
    (
        "officer",
        "approve commune B's month",
        lambda w: entry_url(w["b"]),
        lambda w: {"action": "approve"},
        302,
        _b_oct_approved,
    ),
    (
        "officer",
        "bulk-approve from the list",
        lambda w: reverse("admin:indicators_monthlyreport_changelist"),
        _bulk_approve,
        302,
        _both_approved,
    ),
    (
        "officer",
        "save figures for commune B",
        lambda w: entry_url(w["b"], 2026, 9),
        lambda w: {
            "action": "save",
            _value(w, "JOBS"): "7.001",
            f"version_{w['catalogue']['JOBS'].pk}": 1,  # the version the form was drawn with
        },
        302,
        _b_sep_saved,
    ),
    (
        "officer",
        "change a target",
        lambda w: reverse("admin:indicators_target_change", args=[w["a_target"].pk]),
        lambda w: _target_form(w["a_target"], 1300),
        302,
        _a_target_changed,
    ),
]


@pytest.mark.parametrize(
    ("role", "attempt", "url", "data", "status", "outcome"),
    POST_MATRIX,
    ids=[f"{row[0]}: {row[1]}" for row in POST_MATRIX],
)
def test_post_matrix(client, world, role, attempt, url, data, status, outcome):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url, data = url(world), data(world)
    before = snapshot()
    response = client.post(url, data)
    after = snapshot()
    assert response.status_code == status, (attempt, response.get("Location"))
    if role == "anonymous":
        assert response["Location"].startswith(reverse("admin:login"))
    if outcome == UNCHANGED:
        assert after == before, attempt
    else:
        outcome(world, before, after)
