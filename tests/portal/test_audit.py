"""The audit command's reading of Lighthouse, axe and Nu checker outputs (canned, no browser)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.management.commands import audit
from portal.management.commands.audit import (
    PageResult,
    check_axe,
    check_lighthouse,
    check_weight,
    format_table,
    merge_axe,
    parse_lighthouse,
    parse_vnu,
    third_party_blocking,
)


def lighthouse_report(performance=1.0, crawlable=1.0, contrast=1.0):
    """A Lighthouse JSON report cut down to what the command reads."""
    audits = {
        "color-contrast": {
            "title": "Background and foreground colors have a sufficient contrast ratio",
            "score": contrast,
            "details": {"items": [{"node": {"selector": "p.lead", "snippet": '<p class="lead">'}}]},
        },
        "document-title": {"title": "Document has a title", "score": 1},
        "is-crawlable": {"title": "Page is blocked from indexing", "score": crawlable},
        "meta-description": {"title": "Document has a meta description", "score": 1},
        "total-blocking-time": {
            "title": "Total Blocking Time",
            "score": performance,
            "displayValue": "400 ms",
        },
        "errors-in-console": {"title": "No errors", "score": 1},
    }

    def category(score, *refs):
        return {"score": score, "auditRefs": [{"id": i, "weight": w} for i, w in refs]}

    a11y = (7 * contrast + 3) / 10
    seo = (4 * crawlable + 1) / 5
    return {
        "categories": {
            "accessibility": category(a11y, ("color-contrast", 7), ("document-title", 3)),
            "best-practices": category(1, ("errors-in-console", 1)),
            "seo": category(seo, ("is-crawlable", 4), ("meta-description", 1)),
            "performance": category(performance, ("total-blocking-time", 1)),
        },
        "audits": audits,
    }


def test_lighthouse_scores_and_the_audits_that_lost_points():
    scores, failures = parse_lighthouse(lighthouse_report(contrast=0))
    assert scores == {"accessibility": 30, "best-practices": 100, "seo": 100, "performance": 100}
    [(title, lines)] = failures["accessibility"]
    assert title.startswith("color-contrast: Background and foreground")
    assert lines == ['p.lead  <p class="lead">']
    assert failures["seo"] == []


def test_an_expected_audit_is_left_out_of_its_category_score():
    report = lighthouse_report(crawlable=0)
    assert parse_lighthouse(report)[0]["seo"] == 20
    scores, failures = parse_lighthouse(report, {"is-crawlable": "noindex on purpose"})
    assert scores["seo"] == 100
    assert failures["seo"] == []


def test_a_page_below_a_threshold_fails_with_the_audit_and_element():
    result = PageResult("home", "/")
    check_lighthouse(result, [lighthouse_report(contrast=0)])
    assert result.lighthouse["accessibility"] == 30
    [(tool, title, details)] = result.problems
    assert (tool, title) == ("lighthouse", "accessibility 30 < 100")
    assert "color-contrast" in details[0] and "p.lead" in details[0]


def test_search_results_may_be_noindex():
    result = PageResult("search", "/tim-kiem/?q=x")
    check_lighthouse(result, [lighthouse_report(crawlable=0)])
    assert result.problems == []
    assert any("is-crawlable not counted" in note for note in result.notes)


def test_performance_is_the_median_of_several_runs():
    result = PageResult("home", "/")
    runs = [lighthouse_report(performance=p) for p in (0.80, 0.97, 0.99)]
    check_lighthouse(result, runs)
    assert result.lighthouse["performance"] == 97
    assert result.problems == []
    assert "median of 3 runs (80, 97, 99)" in result.notes[0]

    result = PageResult("home", "/")
    check_lighthouse(result, [lighthouse_report(performance=p) for p in (0.80, 0.90, 0.99)])
    assert [title for _, title, _ in result.problems] == ["performance 90 < 95"]


AXE_VIOLATION = {
    "id": "link-in-text-block",
    "impact": "serious",
    "help": "Links must be distinguishable without relying on color",
    "nodes": [{"target": [".breadcrumbs > a"], "html": '<a href="/admin/">Trang chủ</a>'}],
}


def test_axe_violations_name_the_rule_and_the_element():
    result = PageResult("entry form", "/admin/")
    check_axe(result, {"violations": [AXE_VIOLATION]})
    assert result.axe == 1
    [(tool, title, details)] = result.problems
    assert tool == "axe"
    assert title.startswith("link-in-text-block (serious)")
    assert details == ['.breadcrumbs > a  <a href="/admin/">Trang chủ</a>']

    clean = PageResult("home", "/")
    check_axe(clean, {"violations": []})
    assert clean.axe == 0
    assert clean.problems == []


def test_axe_runs_on_two_layouts_merge_without_repeating_an_element():
    other_node = {"target": ["nav a"], "html": "<a>x</a>"}
    desktop = {**AXE_VIOLATION, "nodes": [*AXE_VIOLATION["nodes"], other_node]}
    merged = merge_axe([{"violations": [AXE_VIOLATION]}, {"violations": [desktop]}])
    [rule] = merged["violations"]
    assert [node["target"] for node in rule["nodes"]] == [[".breadcrumbs > a"], ["nav a"]]


def test_nu_checker_errors_are_counted_per_page_and_warnings_ignored():
    output = json.dumps(
        {
            "messages": [
                {
                    "type": "error",
                    "url": "file:/work/audit-x/01.html",
                    "lastLine": 116,
                    "message": "Bad value “” for attribute “action” on element “form”.",
                    "extract": '<form action="">',
                },
                {"type": "info", "subType": "warning", "url": "file:/work/audit-x/00.html"},
            ]
        }
    )
    errors = parse_vnu(
        output, {"/work/audit-x/00.html": "home", "/work/audit-x/01.html": "results"}
    )
    assert errors["home"] == []
    [error] = errors["results"]
    assert error.startswith("line 116: Bad value")
    assert '«<form action="">»' in error


def test_only_render_blocking_assets_from_another_host_count():
    html = """<html><head>
      <link rel="stylesheet" href="/static/css/portal.css">
      <link rel="stylesheet" href="https://fonts.example.com/font.css">
      <link rel="stylesheet" href="https://cdn.example.com/print.css" media="print">
      <script src="https://cdn.example.com/lib.js"></script>
      <script src="https://cdn.example.com/async.js" async></script>
      </head><body><script src="https://cdn.example.com/late.js"></script></body></html>"""
    assert third_party_blocking(html, "http://127.0.0.1:8000/") == [
        "stylesheet https://fonts.example.com/font.css",
        "script https://cdn.example.com/lib.js",
    ]


def test_page_weight_and_lazy_images():
    result = PageResult("home", "/")
    sizes = {"http://x/": ("document", 3000), "http://x/a.css": ("stylesheet", 3000)}
    images = [("<img alt='' loading='lazy'>", True, True), ("<img class='logo'>", False, False)]
    check_weight(result, sizes, [], images)
    assert result.problems == []
    assert result.weight == 6000
    assert "images below the fold: 1, lazy: 1" in result.measures

    heavy = PageResult("home", "/")
    big = {**sizes, "http://x/app.js": ("script", 100 * 1024)}
    check_weight(heavy, big, [], [("<img src='late.jpg'>", True, False)])
    titles = [title for _, title, _ in heavy.problems]
    assert titles[0].startswith("HTML+CSS+JS 105.9 kB gzip")
    assert titles[1] == 'image below the fold without loading="lazy"'


def test_table_shows_scores_and_a_skipped_page():
    done = PageResult("home", "/", status=200, axe=0, html_errors=0, weight=6800)
    done.lighthouse = {"accessibility": 100, "best-practices": 96, "seo": 100, "performance": 91}
    done.fail("lighthouse", "performance 91 < 95")
    missing = PageResult("contact", "/lien-he/", status=404)
    table = format_table([done, missing])
    home_row, contact_row = table.splitlines()[2:]
    assert home_row.split() == ["home", "200", "100", "96", "100", "91", "0", "0", "6.6", "FAIL"]
    assert contact_row.endswith("SKIPPED (404)")


@pytest.mark.django_db
def test_the_command_prints_the_table_skips_404_and_fails_with_details(monkeypatch):
    def browser_pass(self, pages, staff):
        for result in pages + staff:
            result.status = 404 if result.name == "contact" else 200
            result.axe = 0
        staff[0].axe = 1
        staff[0].fail("axe", "link-in-text-block (serious): Links must be distinguishable", [])
        return pages + staff

    monkeypatch.setattr(audit.Command, "_check_tools", lambda self: None)
    monkeypatch.setattr(audit.Command, "_browser_pass", browser_pass)
    out = StringIO()
    with pytest.raises(CommandError, match="audit failed on 1 page"):
        call_command("audit", base_url="http://127.0.0.1:1", tools="axe", stdout=out)
    text = out.getvalue()
    assert "contact /lien-he/: SKIPPED (404)" in text
    assert "[entry form /admin/indicators/monthlyreport/entry/] axe: link-in-text-block" in text

    monkeypatch.setattr(audit.Command, "_browser_pass", lambda self, pages, staff: pages + staff)
    out = StringIO()
    call_command("audit", base_url="http://127.0.0.1:1", tools="axe", stdout=out)
    assert "audit passed" in out.getvalue()


def test_the_front_server_gzips_text_for_browsers_that_accept_it():
    import gzip

    page = ("<!doctype html><title>x</title>" + "<p>Lộc Ninh</p>" * 100).encode()

    def portal(environ, start_response):
        kind = "image/jpeg" if environ["PATH_INFO"].endswith(".jpg") else "text/html"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(page)))])
        return [page]

    front = audit.FrontServer(portal)

    def get(path, accept="gzip, deflate"):
        started = {}
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_ACCEPT_ENCODING": accept}
        body = b"".join(front(environ, lambda s, h, e=None: started.update(headers=dict(h))))
        return started["headers"], body

    headers, body = get("/")
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == page
    assert headers["Content-Length"] == str(len(body))
    assert "Content-Encoding" not in get("/", accept="identity")[0]
    assert "Content-Encoding" not in get("/anh.jpg")[0]
