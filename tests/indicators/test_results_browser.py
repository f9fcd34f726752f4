"""A citizen finds a commune's results from the results index and downloads them."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from indicators.models import ReportStatus
from portal.formatting import parse_number

from .test_results_pages import approve_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_a_commune_and_downloads_its_figures(
    live_server, page, catalogue, targets, commune_a, commune_b
):
    jobs = catalogue["JOBS"]
    approve_month(commune_a, 2026, 1, {jobs: 100, catalogue["CRIT"]: 15})
    approve_month(commune_a, 2026, 2, {jobs: 1150, catalogue["CRIT"]: 17})
    approve_month(commune_b, 2026, 1, {jobs: 90})
    approve_month(commune_a, 2026, 3, {jobs: 999}, status=ReportStatus.DRAFT)

    page.goto(live_server.url + "/ket-qua/")
    assert page.get_by_text("Số liệu đến ngày 28/02/2026").is_visible()
    page.get_by_role("link", name="Xã An Bình").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kết quả của Xã An Bình"

    shown = page.locator('[data-indicator="JOBS"] .rs-value').inner_text()
    percent = page.locator('[data-indicator="JOBS"] .rs-percent').inner_text()
    assert shown == "1.250" and percent == "104,2%"

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = [
        r
        for r in csv.DictReader(io.StringIO(text))
        if r["Mã chỉ tiêu"] == "JOBS" and r["Tháng"] == "2"
    ]
    assert parse_number(rows[0]["Lũy kế hoặc giá trị mới nhất"]) == parse_number(shown)
    assert parse_number(rows[0]["% so với kế hoạch"]) == parse_number(percent.rstrip("%"))

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "ket-qua-xa-a-2026-02.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header, *data = list(sheet.values)
    column = header.index("Lũy kế hoặc giá trị mới nhất")
    month = header.index("Tháng")
    code = header.index("Mã chỉ tiêu")
    row = next(r for r in data if r[code] == "JOBS" and r[month] == 2)
    assert row[column] == parse_number(shown)
    assert page.context.cookies() == []
