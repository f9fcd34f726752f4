"""Every payload through the names and notes of the figures: typed in the admin, entered on
the monthly form, imported from a spreadsheet, quoted in an article and written into a draft.

Read back on the public results pages and their files, the admin's monthly pages, lists and
exports (where text that looks like a formula must stay text), the official workbook and the
articles that quote them.
"""

import csv
import io
import itertools

import pytest

from articles.models import Article
from indicators.models import Achievement, Indicator, Program
from indicators.spreadsheets.formats import EXPORT_FORMATS
from indicators.spreadsheets.resources import RESOURCES
from tests.indicators.spreadsheets.importhelpers import confirm, preview, xlsx
from tests.security.attack import (
    FORMULAS,
    PLAIN,
    admin_save,
    check_pages,
    problems_of,
    saved,
)

pytestmark = pytest.mark.django_db

ENTRY = "/admin/indicators/monthlyreport/entry/loc-an/2026/{}/"
RESULTS = ["/ket-qua/", "/ket-qua/chuong-trinh/ld/", "/ket-qua/xa/loc-an/"]
FILES = [f"{page}so-lieu.{fmt}?nam=2026&thang=9" for page in RESULTS for fmt in ("csv", "xlsx")]
OFFICIAL = (
    "/admin/indicators/monthlyreport/official-report/?download=1&year=2026&month=9"
    "&period={period}&layout={layout}&unapproved=mark"
)
ADMIN_PAGES = [
    "/admin/",
    ENTRY.format(10),
    ENTRY.format(11),
    "/admin/indicators/monthlyreport/overview/?year=2026&month=10",
    "/admin/indicators/monthlyreport/report/?year=2026&month=9&units=1&all=1",
    "/admin/indicators/monthlyreport/data-quality/?all=1",
    OFFICIAL.format(period="ytd", layout="sheets"),
    "/admin/indicators/program/",
    "/admin/indicators/indicator/",
    "/admin/indicators/administrativeunit/",
    "/admin/indicators/target/",
    "/admin/indicators/achievement/",
    "/admin/indicators/figurechange/",
    "/admin/indicators/monthlyreport/",
    "/admin/indicators/achievement/stream/?year=2026",
    "/admin/indicators/achievement/stream/?year=2026&format=xlsx",
]


def export(client, model, fmt):
    """django-import-export's export page, every column, as the admin's button sends it."""
    resource = RESOURCES[model]
    data = {"format": str([f.title for f in EXPORT_FORMATS].index(fmt)), "resource": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return client.post(f"/admin/indicators/{model._meta.model_name}/export/", data)


def name_everything(as_role, world, text):
    """Staff type the text (a list's in turn) in every name, note and reason: forms refusing."""
    texts = itertools.cycle(text if isinstance(text, list) else [text])
    program, jobs = world.pk("indicators.program"), world.pk("indicators.indicator")
    unit, target = world.units["own"].pk, world.pk("indicators.target", "own")
    forms = [
        ("administrator", f"program/{program}", "program_form", {"name": 200}),
        (
            "administrator",
            f"indicator/{jobs}",
            "indicator_form",
            {"name": 300, "unit_of_measure": 30, "description": 5000},
        ),
        ("administrator", f"administrativeunit/{unit}", "administrativeunit_form", {"name": 100}),
        ("officer", f"target/{target}", "target_form", {"source": 250}),
    ]
    refused = []
    for role, page, form, lengths in forms:
        url = f"/admin/indicators/{page}/change/"
        values = {name: next(texts)[:length] for name, length in lengths.items()}
        if not saved(admin_save(as_role(role), url, values, form)):
            refused.append(url)
    returned = as_role("officer").post(
        ENTRY.format(10), {"action": "return", "comment": next(texts)}
    )
    assert returned.status_code in (200, 302)
    typed = {"action": "save", f"value_{jobs}": "5", f"note_{jobs}": next(texts)[:500]}
    typed[f"reason_{jobs}"] = next(texts)[:500]
    entered = as_role("clerk").post(ENTRY.format(11), typed)
    assert entered.status_code in (200, 302), entered.status_code
    if entered.status_code == 200:
        refused.append("entry")
    return refused


@pytest.mark.parametrize("payload", PLAIN.values(), ids=PLAIN.keys())
def test_names_notes_and_reasons(as_role, world, payload):
    refused = name_everything(as_role, world, payload)
    if "\x00" in payload:
        assert len(refused) == 5, refused
    else:
        assert not refused, refused
        assert Achievement.objects.get(report__month=11).note == payload.strip()[:500]
    officer = as_role("officer")
    check_pages(officer, ADMIN_PAGES)
    check_pages(as_role("clerk"), ["/admin/", ENTRY.format(10), ENTRY.format(11)])
    check_pages(as_role("anonymous"), [*RESULTS, *FILES])
    editor = as_role("editor")
    drafted = editor.post(
        "/admin/indicators/monthlyreport/draft-report/",
        {
            "year": "2026",
            "month": "9",
            "period": "ytd",
            "programs": [world.pk("indicators.program")],
        },
    )
    assert drafted.status_code == 302, drafted.context["form"].errors
    draft = Article.objects.order_by("-pk").first()
    check_pages(editor, [draft.get_absolute_url(), f"/admin/articles/article/{draft.pk}/change/"])


@pytest.mark.parametrize("shift", [0, 2])
def test_text_that_looks_like_a_formula_stays_text_in_every_file(as_role, world, shift):
    """Each field gets one of the formulas (shifted, so each lands in different fields)."""
    assert not name_everything(as_role, world, FORMULAS[shift:] + FORMULAS[:shift])
    officer = as_role("officer")
    files = [url for url in ADMIN_PAGES if "stream" in url or "download" in url]
    check_pages(officer, [*files, *FILES])
    for model in (Program, Indicator, Achievement):
        for fmt in ("xlsx", "csv"):
            response = export(officer, model, fmt)
            assert not problems_of(response, f"export {model.__name__} {fmt}")


@pytest.mark.parametrize("payload", PLAIN.values(), ids=PLAIN.keys())
def test_an_article_quoting_figures_of_a_named_program(as_role, world, payload):
    """Quoted figures and tables, with their tokens also put where markup could break."""
    name = payload.replace("\x00", "")  # PostgreSQL stores no NUL; the admin refuses one
    Program.objects.filter(pk=world.pk("indicators.program")).update(name=name)
    Indicator.objects.filter(pk=world.pk("indicators.indicator")).update(name=name)
    article = world.objects["articles.article"]["published"]
    tokens = "[số liệu 1] [số liệu 2] [số liệu 9]"
    body = (
        f'<p>{tokens}</p><p><a href="https://x.vn/[số liệu 1]{payload}">x</a>'
        f'<img src="https://x.vn/a.png" alt="[số liệu 2]{payload}"></p>'
    )
    changes = {
        "body": body,
        "figures-TOTAL_FORMS": "2",
        "figures-0-number": "1",
        "figures-0-measure": "table",
        "figures-0-program": str(world.pk("indicators.program")),
        "figures-0-year": "2026",
        "figures-0-month": "9",
        "figures-1-number": "2",
        "figures-1-measure": "year_to_date",
        "figures-1-indicator": str(world.pk("indicators.indicator")),
        "figures-1-year": "2026",
        "figures-1-month": "9",
    }
    editor = as_role("editor")
    url = f"/admin/articles/article/{article.pk}/change/"
    response = admin_save(editor, url, changes, "article_form")
    if "\x00" in payload:
        assert not saved(response)  # refused, with its reason
        return
    assert saved(response), problems_of(response)
    assert article.figures.count() == 2
    check_pages(editor, [article.get_absolute_url(), url])
    check_pages(as_role("anonymous"), [article.get_absolute_url(), "/rss/"])


IMPORTED = [(payload, "csv") for payload in PLAIN.values()]  # CSV carries any character
IMPORTED += [(formula, "xlsx") for formula in FORMULAS]


@pytest.mark.parametrize(("payload", "fmt"), IMPORTED, ids=[*PLAIN, *FORMULAS])
def test_imported_cells(as_role, world, payload, fmt):
    """Programs imported from a file whose cells hold the payload: preview, then pages."""
    administrator = as_role("administrator")
    rows = [["Mã chương trình", "Tên chương trình", "Thứ tự"], ["xss", payload, 2]]
    if fmt == "xlsx":
        content = xlsx(rows)
    else:
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        content = text.getvalue().encode()
    response = preview(administrator, "program", content, f"chuong-trinh.{fmt}")
    assert response.status_code == 200
    assert not problems_of(response, "preview")
    if "confirm_form" not in response.context:
        return  # refused, with its reason on the page
    done = confirm(administrator, "program", response)
    assert done.status_code == 302
    imported = Program.objects.get(code="xss")
    assert "\x00" not in imported.name
    check_pages(
        administrator,
        ["/admin/indicators/program/", f"/admin/indicators/program/{imported.pk}/change/"],
    )
    for fmt in ("xlsx", "csv", "ods", "json"):
        response = export(administrator, Program, fmt)
        assert response.status_code == 200
        assert not problems_of(response, fmt)
    check_pages(
        as_role("anonymous"),
        ["/ket-qua/chuong-trinh/xss/", "/ket-qua/chuong-trinh/xss/so-lieu.xlsx"],
    )
