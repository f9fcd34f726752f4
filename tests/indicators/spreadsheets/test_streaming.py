import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Achievement, MonthlyReport

pytestmark = pytest.mark.django_db
URL = "/admin/indicators/achievement/stream/"


@pytest.fixture
def figures(catalogue, commune_a, commune_b):
    for unit, value, note in [
        (commune_a, Decimal("4884"), '=HYPERLINK("http://x")'),
        (commune_b, Decimal("1.75"), "ghi chú"),
    ]:
        report = MonthlyReport.objects.create(unit=unit, year=2026, month=10)
        Achievement.objects.create(
            report=report, indicator=catalogue["JOBS"], value=value, note=note
        )
    report = MonthlyReport.objects.create(unit=commune_a, year=2026, month=9)
    Achievement.objects.create(report=report, indicator=catalogue["JOBS"], value=7, note="-1 hộ")


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel needs the BOM to read Vietnamese as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_streams_only_the_clerks_figures_with_formulas_escaped(as_user, clerk_a, figures):
    response = as_user(clerk_a).get(URL)
    assert response.status_code == 200 and response.streaming
    rows = read_csv(response)
    assert rows[0][:7] == [
        "Mã đơn vị",
        "Đơn vị",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Năm",
        "Tháng",
        "Giá trị",
    ]
    assert [r[0] for r in rows[1:]] == ["xa-a", "xa-a"]  # never commune B
    by_month = {r[5]: r for r in rows[1:]}
    assert by_month["10"][6] == "4884" and by_month["10"][8] == '\'=HYPERLINK("http://x")'
    assert by_month["9"][8] == "'-1 hộ"


def test_filters_by_year_and_month(as_user, officer, figures):
    rows = read_csv(as_user(officer).get(URL, {"year": "2026", "month": "10"}))
    assert sorted(r[0] for r in rows[1:]) == ["xa-a", "xa-b"]
    values = {r[0]: r[6] for r in rows[1:]}
    assert values == {"xa-a": "4884", "xa-b": "1,75"}  # a comma: never read back as 175


def test_xlsx_keeps_numbers_as_numbers(as_user, officer, figures):
    response = as_user(officer).get(URL, {"format": "xlsx", "month": "10"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-lieu-10.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    values = {r[0]: r[6] for r in rows[1:]}
    assert values == {"xa-a": 4884, "xa-b": 1.75}
    notes = {r[0]: r[8] for r in rows[1:]}
    assert notes["xa-a"] == '\'=HYPERLINK("http://x")'
    assert sheet["G2"].data_type == "n"


def test_export_needs_the_export_permission(client, figures):
    user = get_user_model().objects.create_user("khach", password="x-mat-khau-dai", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    client.logout()
    assert reverse("admin:login") in client.get(URL)["Location"]


def test_query_count_does_not_grow_with_rows(
    as_user, officer, figures, django_assert_max_num_queries
):
    client = as_user(officer)
    with django_assert_max_num_queries(6):
        read_csv(client.get(URL))


def test_the_district_report_links_to_the_full_export(as_user, officer, editor, figures):
    html = (
        as_user(officer)
        .get(reverse("admin:indicators_monthlyreport_report"), {"year": 2026, "month": 10})
        .content.decode()
    )
    assert f"{URL}?year=2026&amp;format=csv" in html
    assert f"{URL}?year=2026&amp;format=xlsx" in html
