"""The Content-Security-Policy in Chromium: no page breaks it, and the scripts still work.

The browser reports every refusal as a ``securitypolicyviolation`` event, listened for from
before each page's own scripts run. Scripts that build markup (the article editor, the monthly
entry form) are used, not only loaded, so what they add is checked too.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__violations.push(
  `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`));
"""


@pytest.fixture
def demo(transactional_db):
    from portal.demo import load_demo

    load_demo()


@pytest.fixture
def browse(live_server, browser):
    """``browse(user, password)``: a page signed in as that demo account (None: a reader)."""
    contexts = []

    def open_page(username=None, password=None):
        context = browser.new_context()
        context.add_init_script(LISTEN)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto(f"{live_server.url}/admin/login/")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(password)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page.locator("#logout-form")).to_have_count(1)
        return page

    yield open_page
    for context in contexts:
        context.close()


def visit(page, url):
    """Open ``url``; return the policy it was served with and the refusals seen on it."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response.headers["content-security-policy"], page.evaluate("window.__violations")


def test_public_pages_break_no_rule_of_the_policy(live_server, demo, browse):
    page = browse()
    article = Article.objects.published().order_by("-publish_at").first()
    for path in ["/", article.get_absolute_url(), "/ket-qua/", "/ket-qua/xa/loc-an/", "/lien-he/"]:
        policy, violations = visit(page, live_server.url + path)
        assert "script-src 'self';" in policy + ";" and "'unsafe-inline'" not in policy
        assert violations == [], path
    # The cached page again: its scripts still run. The rating form fetches a token and posts
    # in place: an answer shown on the page (a failure would fall back to the rating page).
    visit(page, live_server.url + article.get_absolute_url())
    form = page.locator("[data-rating-form]")
    form.locator("input[name=score]").last.check()
    form.get_by_role("button").click()
    expect(form.locator("[data-rating-status]")).to_have_class(re.compile(r"\bmessage\b"))
    assert page.url == live_server.url + article.get_absolute_url()
    assert page.evaluate("window.__violations") == []


def test_the_article_editor_works_under_the_policy(live_server, demo, browse):
    page = browse("bientap", "bientap-demo-2026")
    policy, violations = visit(page, f"{live_server.url}/admin/articles/article/add/")
    assert "'sha256-" in policy and "style-src 'self' 'unsafe-inline'" in policy
    editor = page.locator(".ProseMirror:visible").last
    editor.click()
    page.keyboard.type("Xã Lộc An hoàn thành chuyển đổi số")
    expect(editor).to_contain_text("Xã Lộc An hoàn thành chuyển đổi số")
    assert page.evaluate("window.__violations") == violations == []


def test_admin_pages_keep_the_strict_policy(live_server, demo, browse):
    page = browse("quantri", "quantri-demo-2026")
    for path in [
        "/admin/",
        "/admin/indicators/program/import/",
        "/admin/indicators/monthlyreport/overview/",
        "/admin/portal/dailyvisits/",
    ]:
        policy, violations = visit(page, live_server.url + path)
        assert "'unsafe-inline'" not in policy and "'sha256-" not in policy, path
        assert violations == [], path
    # The export page's "select all" box, wired by a static script instead of onchange=.
    visit(page, f"{live_server.url}/admin/indicators/program/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    page.locator("input.select-toggle").uncheck()
    for index in range(fields.count()):
        expect(fields.nth(index)).not_to_be_checked()
    page.locator("input.select-toggle").check()
    expect(fields.first).to_be_checked()
    assert page.evaluate("window.__violations") == []


def test_the_clerks_entry_form_works_under_the_policy(live_server, demo, browse):
    page = browse("canbo.locan", "locan-demo-2026")
    policy, violations = visit(page, f"{live_server.url}/admin/indicators/monthlyreport/entry/")
    assert "/entry/loc-an/" in page.url and violations == []
    row = page.locator(".entry-row:has(input.figure-input:not([readonly]))").first
    figure = row.locator("input.figure-input")
    after = row.locator("[data-role=after]")
    figure.fill("1234")
    shown = after.inner_text()
    figure.fill("1235")  # entry.js recomputes as the clerk types
    expect(after).not_to_have_text(shown)
    assert page.evaluate("window.__violations") == []
