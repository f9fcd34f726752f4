"""The whole story in Chromium: one commune's month, from the clerk who types it to the citizen.

On the demo district, the clerk of xã Lộc An enters November 2026 (a month the demo leaves
untouched) and sends it; the district officer approves it; the public results show it; an
editor drafts the monthly report from it, edits it in the rich-text editor and publishes it; a
citizen reads and rates it; the officer exports the official workbook. The two figures the
clerk typed, and the district totals they move, must read the same on every one of these pages
and in the workbook.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from articles.models import Article, Rating
from indicators.models import MonthlyReport, ReportStatus
from portal.demo import load_demo
from tests.story_helpers import (
    READER_AGENT,
    Progress,
    added,
    cells,
    indicator_section,
    log_in,
    progress,
    workbook_figures,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR, MONTH = 2026, 11
UNIT, UNIT_NAME = "loc-an", "Xã Lộc An"
JOBS = "Lao động được giải quyết việc làm mới"  # LD-1, people, program "lao-dong"
VISITS = "Lượt khám, chữa bệnh tại trạm y tế xã, thị trấn"  # YT-4, visits, program "y-te"
# Within three times the commune's usual months, so no warning asks for a reason; the visits
# are typed with the Vietnamese thousands separator.
TYPED_JOBS, TYPED_VISITS = "96", "1.125"
STANDARDS = {  # the commune keeps the standards it met in October
    "Xã đạt chuẩn nông thôn mới": "1",
    "Số tiêu chí nông thôn mới xã đã đạt": "19",
    "Số tiêu chí nông thôn mới nâng cao xã đã đạt": "14",
    "Đơn vị cấp xã đạt phổ cập tiểu học mức 3": "1",
    "Xã, thị trấn đạt chuẩn phổ cập giáo dục trung học cơ sở": "1",
    "Xã, thị trấn đạt chuẩn phổ cập giáo dục mầm non cho trẻ 5 tuổi": "1",
}
PERIOD = f"?nam={YEAR}&thang={MONTH}"
OCTOBER_JOBS = Progress("4.350", "5.990", "72,6%")  # the district's new jobs to October
OCTOBER_COMMUNE_JOBS = Progress("234", "340", "68,8%")  # Lộc An's
NOT_YET = "Số liệu tháng 11/2026 chưa được duyệt"
TITLE = "Báo cáo kết quả thực hiện các chỉ tiêu tháng 11/2026"
INTRO = "Xã Lộc An là đơn vị đầu tiên của huyện được duyệt số liệu tháng 11/2026."


def test_a_month_from_the_commune_clerk_to_the_citizen(live_server, browser, tmp_path):
    load_demo()
    base = live_server.url
    results = f"{base}/ket-qua/chuong-trinh/"
    citizen = browser.new_context(user_agent=READER_AGENT).new_page()

    # 0. Before: the public sees October, the latest approved month, even when asked for November.
    citizen.goto(f"{results}y-te/{PERIOD}")
    visits = progress(indicator_section(citizen, "YT-4"))
    citizen.goto(f"{results}lao-dong/{PERIOD}")
    expect(citizen.locator(".rs-notice")).to_contain_text(NOT_YET)
    jobs = progress(indicator_section(citizen, "LD-1"))
    citizen.goto(f"{base}/ket-qua/xa/{UNIT}/")
    commune = progress(citizen.locator('[data-indicator="LD-1"]'))
    # The demo's approved months only: not Lộc An's October draft, nor the months sent.
    assert (jobs, commune) == (OCTOBER_JOBS, OCTOBER_COMMUNE_JOBS)
    jobs_after = added(jobs.value, TYPED_JOBS, jobs.target)
    visits_after = added(visits.value, TYPED_VISITS, visits.target)
    commune_after = added(commune.value, TYPED_JOBS, commune.target)

    # 1. The clerk enters the month (the running totals follow as she types) and sends it.
    clerk = log_in(browser, base, "canbo.locan")
    clerk.goto(f"{base}/admin/indicators/monthlyreport/entry/{UNIT}/{YEAR}/{MONTH}/")
    expect(clerk.locator(".report-state .state")).to_have_text("chưa nhập")
    jobs_input = clerk.get_by_label(JOBS, exact=True)
    jobs_input.fill(TYPED_JOBS)
    row = clerk.locator("tr.entry-row", has=jobs_input)
    # Her form counts all her months, sent or not (the public counts approved months only).
    target, before = row.locator("td.num").nth(0), row.locator("td.num").nth(1)
    expect(target).to_have_text(commune.target)
    own = added(before.inner_text(), TYPED_JOBS, commune.target)
    expect(row.locator("[data-role=after]")).to_have_text(own.value)
    expect(row.locator("[data-role=percent]")).to_have_text(own.percent)
    clerk.get_by_label(VISITS, exact=True).fill(TYPED_VISITS)
    for name, value in STANDARDS.items():
        clerk.get_by_label(name, exact=True).fill(value)
    clerk.get_by_role("button", name="Gửi duyệt").click()
    expect(clerk.get_by_text("Đã lưu số liệu và gửi lên huyện để duyệt.")).to_be_visible()
    expect(clerk.locator(".report-state .state")).to_have_text("đã gửi")
    expect(clerk.get_by_label(JOBS, exact=True)).to_have_value(TYPED_JOBS)
    expect(clerk.get_by_label(VISITS, exact=True)).to_have_value(TYPED_VISITS)

    # Sent is not approved: the public still sees October.
    citizen.goto(f"{results}lao-dong/{PERIOD}")
    expect(citizen.locator(".rs-notice")).to_contain_text(NOT_YET)
    assert progress(indicator_section(citizen, "LD-1")) == jobs

    # 2. The district officer approves it from the month's overview.
    officer = log_in(browser, base, "canbo.huyen")
    officer.goto(f"{base}/admin/indicators/monthlyreport/overview/?year={YEAR}&month={MONTH}")
    line = officer.locator("tr", has_text=UNIT_NAME)
    expect(line).to_contain_text(re.compile("Đã gửi|Gửi trễ hạn"))
    line.get_by_role("link", name=UNIT_NAME).click()
    expect(officer.get_by_label(JOBS, exact=True)).to_have_value(TYPED_JOBS)
    officer.get_by_role("button", name="Duyệt và công bố").click()
    expect(officer.get_by_text("Đã duyệt: số liệu được công bố")).to_be_visible()
    report = MonthlyReport.objects.get(unit__code=UNIT, year=YEAR, month=MONTH)
    assert report.status == ReportStatus.APPROVED and report.approved_by.username == "canbo.huyen"

    # 3. The results show November at once: the district's totals moved by what she typed.
    citizen.goto(f"{base}/ket-qua/")
    expect(citizen.locator(".lead")).to_contain_text("11/2026")
    expect(citizen.locator(".rs-as-of")).to_contain_text("1/17 đơn vị đã được duyệt số liệu tháng")
    assert progress(citizen.locator("table.rs-overview tr", has_text=JOBS)) == jobs_after
    assert progress(citizen.locator("table.rs-overview tr", has_text=VISITS)) == visits_after
    citizen.get_by_role("link", name="Từng tháng và từng xã của Lao động – việc làm").click()
    expect(citizen.locator(".rs-notice")).to_have_count(0)
    section = indicator_section(citizen, "LD-1")
    assert progress(section) == jobs_after
    month_row = section.locator("table.rs-months tbody tr", has_text="11/2026")
    assert cells(month_row) == ["11/2026", TYPED_JOBS, jobs_after.value, jobs_after.percent]
    ranking_row = section.locator("table.rs-ranking tbody tr", has_text=UNIT_NAME)
    assert cells(ranking_row)[1:5] == [UNIT_NAME, *commune_after]
    ranking_row.get_by_role("link", name=UNIT_NAME).click()
    assert progress(citizen.locator('[data-indicator="LD-1"]')) == commune_after

    # 4. The editor drafts the month's report from the approved figures.
    editor = log_in(browser, base, "bientap")
    editor.get_by_role("link", name="Soạn dự thảo báo cáo từ số liệu").click()
    editor.locator("#id_year").fill(str(YEAR))
    editor.locator("#id_month").select_option(str(MONTH))
    editor.get_by_label("Tháng đã chọn", exact=True).check()
    editor.get_by_label("Lao động – việc làm", exact=True).check()
    editor.get_by_label("Y tế", exact=True).check()
    editor.get_by_role("button", name="Tạo dự thảo").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("Đã tạo dự thảo")
    expect(editor.locator("#id_title")).to_have_value(f"{TITLE} (dự thảo)")
    body = editor.locator(".field-body .ProseMirror[contenteditable=true]")
    jobs_sentence = (
        f"{JOBS}: trong tháng {TYPED_JOBS} người; lũy kế từ đầu năm {jobs_after.value} người, "
        f"đạt {jobs_after.percent} kế hoạch năm ({jobs_after.target} người)."
    )
    visits_sentence = (
        f"{VISITS}: trong tháng {TYPED_VISITS} lượt; lũy kế từ đầu năm {visits_after.value} "
        f"lượt, đạt {visits_after.percent} kế hoạch năm ({visits_after.target} lượt)."
    )
    expect(body).to_contain_text(jobs_sentence)
    expect(body).to_contain_text(visits_sentence)
    # The table: indicator, unit of measure, target, the month, year to date, percent.
    table_row = [JOBS, "người", jobs_after.target, TYPED_JOBS, jobs_after.value, jobs_after.percent]
    assert cells(body.locator("tr", has_text=JOBS)) == table_row

    # It opens with the figures to check: the other communes have not been approved yet.
    expect(body.locator("p").first).to_contain_text("[Cần kiểm tra]")

    # 5. The editor rewrites its title and opening in the rich-text editor, and publishes it.
    editor.locator("#id_title").fill(TITLE)
    # Focused without a click, the editor's caret is where it starts: before the bold check-list
    # heading. Every key below is one the editor handles itself, in order.
    body.focus()
    editor.keyboard.press("Control+B")
    editor.keyboard.type(INTRO)
    editor.keyboard.press("Enter")
    expect(body.locator("p").first).to_have_text(INTRO)
    expect(body.locator("p").first.locator("strong")).to_have_count(0)
    expect(body.locator("p").nth(1)).to_contain_text("[Cần kiểm tra]")
    editor.locator("#id_status").select_option("published")
    editor.get_by_role("button", name="Lưu lại", exact=True).click()
    expect(editor.locator(".messagelist .success")).to_contain_text(TITLE)
    article = Article.objects.get(title=TITLE)
    assert article.is_published() and article.author.username == "bientap"
    assert article.body.startswith(f"<p>{INTRO}</p>")

    # 6. A citizen finds it in the news, reads the same numbers and rates it.
    citizen.goto(f"{base}/tin-tuc/")
    citizen.get_by_role("link", name=TITLE, exact=True).first.click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(TITLE)
    text = citizen.locator(".article-body")
    expect(text.locator("p").first).to_have_text(INTRO)
    expect(text).to_contain_text(jobs_sentence)
    expect(text).to_contain_text(visits_sentence)
    assert cells(text.locator("tr", has_text=JOBS)) == table_row
    citizen.get_by_label("5 sao").check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.get_by_role("status").filter(has_text="Cảm ơn bạn đã đánh giá.")).to_be_visible()
    expect(citizen.locator("[data-rating-summary]")).to_have_text("5,0/5 · 1 lượt đánh giá")
    # The rating's own page reads it fresh; the cached article page shows it once rendered
    # again (a rating does not empty the page cache: docs/decisions.md, Production 12).
    citizen.goto(f"{citizen.url}danh-gia/")
    expect(citizen.locator(".rating-summary")).to_have_text("5,0/5 · 1 lượt đánh giá")
    assert Rating.objects.get(article=article).score == 5

    # 7. The officer exports the month's official workbook: the same figures, kept as numbers.
    officer.goto(f"{base}/admin/indicators/monthlyreport/overview/?year={YEAR}&month={MONTH}")
    officer.get_by_role("link", name="Báo cáo chính thức (Excel)").click()
    expect(officer.locator("#id_year")).to_have_value(str(YEAR))
    expect(officer.locator("#id_month")).to_have_value(str(MONTH))
    with officer.expect_download() as download:
        officer.get_by_role("button", name="Tải tệp Excel").click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    assert workbook.name == "bao-cao-chi-tieu-2026-11.xlsx"
    sheet = load_workbook(workbook).worksheets[0]
    # Target, the month, year to date, percent: the district's, then the commune's.
    assert workbook_figures(sheet, "LD-1") == [
        jobs_after.target,
        TYPED_JOBS,
        jobs_after.value,
        jobs_after.percent,
    ]
    assert workbook_figures(sheet, "YT-4") == [
        visits_after.target,
        TYPED_VISITS,
        visits_after.value,
        visits_after.percent,
    ]
    assert workbook_figures(sheet, "LD-1", UNIT_NAME) == [
        commune_after.target,
        TYPED_JOBS,
        commune_after.value,
        commune_after.percent,
    ]
