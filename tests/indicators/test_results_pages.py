"""Public results pages: approved figures only, Vietnamese formats, bounded queries, caching."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache

from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    MonthlyReport,
    ReportStatus,
    Target,
    UnitKind,
)
from indicators.reporting import build_report, build_year_reports
from indicators.services import report_approve
from portal.formatting import parse_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def approve_month(unit, year, month, values, status=ReportStatus.APPROVED):
    report = MonthlyReport.objects.create(unit=unit, year=year, month=month, status=status)
    for indicator, value in values.items():
        Achievement.objects.create(report=report, indicator=indicator, value=Decimal(value))
    return report


@pytest.fixture
def figures(catalogue, targets, district, commune_a, commune_b):
    jobs = catalogue["JOBS"]
    approve_month(commune_a, 2026, 1, {jobs: 100, catalogue["CRIT"]: 15})
    approve_month(commune_a, 2026, 2, {jobs: 1150, catalogue["CRIT"]: 17})
    approve_month(commune_b, 2026, 1, {jobs: 90, catalogue["CRIT"]: 12})
    # Not approved: never shown.
    approve_month(commune_b, 2026, 2, {jobs: 5000}, status=ReportStatus.SUBMITTED)
    return catalogue


def test_overview_shows_approved_year_to_date_against_target(client, figures):
    response = client.get("/ket-qua/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số liệu đến ngày 28/02/2026" in html
    # 100 + 1150 + 90 approved (the 5000 submitted are left out) of 1.800 planned.
    assert "1.340" in html and "1.800" in html and "74,4%" in html
    assert "5.000" not in html and "6.340" not in html
    assert 'href="/ket-qua/so-lieu.csv?nam=2026&amp;thang=2"' in html
    assert not response.cookies


def test_program_page_has_month_chart_table_and_ranking(client, figures):
    html = client.get("/ket-qua/chuong-trinh/ld/").content.decode()
    assert 'role="img"' in html and "<desc" in html  # the chart's text alternative
    assert "tháng 1: 190; tháng 2: 1.150" in html
    assert "So sánh các xã" in html
    a_rank = html.index("Xã An Bình")
    assert a_rank < html.index("Xã Tân Lập")  # 104,2% before 15,0%
    assert "104,2%" in html and "15,0%" in html


def test_commune_page_shows_its_figures_and_new_rural_criteria(client, figures, commune_a):
    html = client.get("/ket-qua/xa/xa-a/").content.decode()
    assert "Kết quả của Xã An Bình" in html
    assert "Tiêu chí nông thôn mới đã đạt" in html
    assert "17/19" in html
    assert "1.250" in html and "1.200" in html


@pytest.mark.parametrize(
    "url",
    [
        "/ket-qua/?nam=abc",
        "/ket-qua/?thang=13",
        "/ket-qua/?nam=2019",
        "/ket-qua/xa/khong-co/",
        "/ket-qua/chuong-trinh/khong-co/",
        "/ket-qua/so-lieu.pdf",
        "/ket-qua/xa/khong-co/so-lieu.csv",
    ],
)
def test_bad_addresses_answer_404_in_vietnamese(client, figures, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không" in response.content.decode() or "không" in response.content.decode()


def test_a_month_not_yet_approved_shows_the_latest_with_a_notice(client, figures):
    html = client.get("/ket-qua/?nam=2026&thang=11").content.decode()
    assert "Số liệu đến ngày 28/02/2026" in html
    assert "chưa được duyệt" in html


def test_no_figures_at_all_is_a_clear_404(client, district):
    response = client.get("/ket-qua/")
    assert response.status_code == 404
    assert "Chưa có số liệu nào được duyệt" in response.content.decode()


def _read_csv(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_files_carry_the_numbers_of_the_page(client, figures):
    response = client.get("/ket-qua/xa/xa-a/so-lieu.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "ket-qua-xa-a-2026-02.csv" in response["Content-Disposition"]
    rows = _read_csv(response.content)
    jobs = [r for r in rows if r["Mã chỉ tiêu"] == "JOBS" and r["Tháng"] == "2"]
    assert parse_number(jobs[0]["Lũy kế hoặc giá trị mới nhất"]) == parse_number("1.250")
    assert parse_number(jobs[0]["% so với kế hoạch"]) == parse_number("104,2")

    response = client.get("/ket-qua/chuong-trinh/ld/so-lieu.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *data = list(sheet.values)
    index = {name: i for i, name in enumerate(header)}
    total = [r for r in data if r[index["Mã đơn vị"]] == "huyen" and r[index["Tháng"]] == 2]
    assert total[0][index["Lũy kế hoặc giá trị mới nhất"]] == 1340
    assert total[0][index["% so với kế hoạch"]] == pytest.approx(74.4)
    assert not any(r[index["Lũy kế hoặc giá trị mới nhất"]] == 6340 for r in data)


PAGES = ["/ket-qua/", "/ket-qua/chuong-trinh/ld/", "/ket-qua/xa/xa-a/", "/ket-qua/so-lieu.csv"]


def _queries(client, django_assert_max_num_queries, url, bound):
    cache.clear()
    with django_assert_max_num_queries(bound) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_queries_stay_bounded_with_more_indicators_communes_and_months(
    client, figures, district, django_assert_max_num_queries, url
):
    before = _queries(client, django_assert_max_num_queries, url, 20)
    program = figures["JOBS"].program
    more = [
        Indicator.objects.create(program=program, code=f"X{i}", name=f"Chỉ tiêu {i}")
        for i in range(6)
    ]
    for i in range(5):
        unit = AdministrativeUnit.objects.create(
            code=f"xa-{i}", name=f"Xã {i}", kind=UnitKind.COMMUNE, parent=district, order=10 + i
        )
        for month in range(1, 8):
            approve_month(unit, 2026, month, dict.fromkeys([figures["JOBS"], *more], month))
        Target.objects.create(indicator=more[0], unit=unit, year=2026, value=50)
    after = _queries(client, django_assert_max_num_queries, url, before)
    assert after == before


def test_year_reports_read_once_whatever_the_months(figures, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        reports = build_year_reports(2026, 2)
    assert [r.month for r in reports] == [1, 2]
    for report in reports:
        single = build_report(2026, report.month)
        assert [r.total.value_text for r in report.rows()] == [
            r.total.value_text for r in single.rows()
        ]


def test_approval_shows_at_once_on_the_cached_page(client, figures, commune_b, officer):
    url = "/ket-qua/?nam=2026&thang=2"
    assert "6.340" not in client.get(url).content.decode()
    assert "6.340" not in client.get(url).content.decode()  # now from the cache
    report = MonthlyReport.objects.get(unit=commune_b, month=2)
    report_approve(report=report, user=officer)
    assert "6.340" in client.get(url).content.decode()


def test_target_change_shows_at_once(client, figures, commune_a):
    url = "/ket-qua/xa/xa-a/"
    assert "1.200" in client.get(url).content.decode()
    target = Target.objects.get(unit=commune_a, indicator__code="JOBS")
    target.value = 2500
    target.save()
    assert "2.500" in client.get(url).content.decode()
