"""Real files as staff save them: text numbers, odd headers, code pages, empty rows and columns."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Achievement, FigureChange, Indicator, MonthlyReport, ReportStatus
from indicators.spreadsheets.formats import decode_text, read_dataset
from indicators.spreadsheets.resources import AchievementResource, header_key
from indicators.spreadsheets.widgets import BooleanWidget, DateWidget
from tests.indicators.spreadsheets.importhelpers import (
    errors,
    figures_xlsx,
    fixture,
    import_file,
    messages_of,
    preview,
    row_types,
    use_own_media,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pending_media(settings, tmp_path):
    return use_own_media(settings, tmp_path)


def figures(unit, year=2026, month=10):
    return {
        a.indicator.code: a
        for a in Achievement.objects.filter(
            report__unit=unit, report__year=year, report__month=month
        ).select_related("indicator")
    }


def values(unit, year=2026, month=10):
    return {code: a.value for code, a in figures(unit, year, month).items()}


def test_messy_xlsx_reads_text_numbers_odd_headers_and_skips_empty_rows(
    as_user, clerk_a, commune_a, catalogue
):
    client = as_user(clerk_a)
    response, done = import_file(client, "achievement", fixture("figures_messy.xlsx"))
    # Rows numbered as Excel shows them: the empty row 6 is not a row of the file.
    assert row_types(response) == [(2, "new"), (3, "new"), (4, "new"), (5, "new"), (7, "new")]
    assert values(commune_a) == {
        "JOBS": Decimal("1234"),  # "1.234" typed as text
        "HH": Decimal("4884"),  # " 4 884 " with spaces, code " XA-A " and "hh"
        "DOSE1": Decimal("950"),
        "CRIT": Decimal("12"),
        "POOR": Decimal("3210"),  # the unit named "Xã An Bình" instead of its code
    }
    jobs = figures(commune_a)["JOBS"]
    assert jobs.is_estimate and jobs.note == "theo báo cáo xã" and jobs.entered_by == clerk_a
    assert not figures(commune_a)["DOSE1"].is_estimate
    assert figures(commune_a)["POOR"].is_estimate
    report = MonthlyReport.objects.get(unit=commune_a, year=2026, month=10)
    assert report.status == ReportStatus.DRAFT
    assert any("5 dòng mới" in m for m in messages_of(done))


def test_ods_with_repeated_cells_and_a_million_empty_rows(as_user, clerk_b, commune_b, catalogue):
    import_file(as_user(clerk_b), "achievement", fixture("figures.ods"), "so-lieu.ods")
    assert values(commune_b) == {"JOBS": Decimal("1500")}
    hh = figures(commune_b, month=9)["HH"]
    assert hh.value == Decimal("9") and hh.note == "số lặp"  # 9 and 9 stored as one cell × 2


def test_csv_in_windows_1258_with_semicolons(as_user, clerk_a, commune_a, catalogue):
    import_file(
        as_user(clerk_a), "achievement", fixture("figures_cp1258_semicolons.csv"), "so-lieu.csv"
    )
    assert values(commune_a) == {"JOBS": Decimal("1234"), "HH": Decimal("4884")}
    jobs = figures(commune_a)["JOBS"]
    assert jobs.note == "Ước tính theo báo cáo của ấp" and jobs.is_estimate


def test_csv_in_windows_1252_without_diacritics_in_headers(as_user, clerk_a, commune_a, catalogue):
    import_file(as_user(clerk_a), "achievement", fixture("figures_cp1252.csv"), "so-lieu.csv")
    assert figures(commune_a)["JOBS"].note == "Báo cáo – café"


def test_utf8_csv_with_bom_and_trailing_empty_columns_stores_warnings(
    as_user, clerk_a, commune_a, catalogue
):
    response, _done = import_file(
        as_user(clerk_a), "achievement", fixture("figures_utf8_bom.csv"), "so-lieu.csv"
    )
    assert values(commune_a) == {
        "JOBS": Decimal("1234"),
        "GIFTS": Decimal("10"),
        "GIFT-A": Decimal("4"),
        "GIFT-B": Decimal("5"),
    }
    assert figures(commune_a)["JOBS"].note == "Ghi chú, có dấu phẩy"
    # The same warning as on the entry form, shown in the preview and stored with the figure.
    warning = "Các phần cộng lại được 9, không phải 10."
    assert warning in response.content.decode()
    assert figures(commune_a)["GIFTS"].warning == warning


def test_tab_separated_file_with_headers_without_diacritics(as_user, clerk_a, commune_a, catalogue):
    import_file(
        as_user(clerk_a), "achievement", fixture("figures_tabs_no_diacritics.csv"), "so-lieu.txt"
    )
    assert values(commune_a) == {"JOBS": Decimal("1234"), "HH": Decimal("4884")}


def test_a_formula_is_refused_with_its_row_and_column(as_user, clerk_a, commune_a, catalogue):
    response = preview(as_user(clerk_a), "achievement", fixture("figures_formula.xlsx"))
    assert "confirm_form" not in response.context
    assert errors(response) == [
        "Dòng 4, cột “Giá trị”: ô chứa công thức (“=SUM(E2:E3)”) nên không được nhập; hãy sao "
        "chép cột rồi dán lại dạng giá trị (Paste Special → Values), sau đó nhập lại."
    ]
    assert not Achievement.objects.exists() and not MonthlyReport.objects.exists()


def test_errors_name_the_spreadsheet_row_and_column(as_user, clerk_a, catalogue):
    content = figures_xlsx(
        ["xa-a", "JOBS", 2026, 10, 5],
        [None, None, None, None, None],
        [None, None, None, None, None],
        ["xa-a", "HH", 2026, 10, "mười"],
    )
    response = preview(as_user(clerk_a), "achievement", content)
    assert errors(response) == [
        "Dòng 5, cột “Giá trị”: “mười” không phải là số; hãy nhập số như 4.884 hoặc 1,75."
    ]
    html = response.content.decode()
    assert "Dòng 5, cột “Giá trị”" in html and "Chưa ghi gì cả" in html
    assert not Achievement.objects.exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("4.884", "4884"),
        ("4 884", "4884"),
        ("4\u00a0884", "4884"),
        ("  12  ", "12"),
        ("1,75", "1.75"),
        ("4.884,5", "4884.5"),
        (1.75, "1.75"),
        (4884, "4884"),
        ("'4884", "4884"),
    ],
)
def test_numbers_are_read_the_vietnamese_way(
    as_user, officer, commune_a, catalogue, typed, expected
):
    Indicator.objects.filter(code="JOBS").update(decimals=2)
    import_file(as_user(officer), "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, typed]))
    assert values(commune_a) == {"JOBS": Decimal(expected)}


@pytest.mark.parametrize(
    "header",
    ["Mã đơn vị", "MÃ ĐƠN VỊ", "ma don vi", "Ma Don Vi", " mã  đơn-vị ", "Mã đơn vị (bắt buộc)"],
)
def test_headers_with_or_without_diacritics_in_any_case(header):
    assert AchievementResource().header_names()[header_key(header)] == "Mã đơn vị"


def test_one_column_named_twice_is_refused(as_user, clerk_a, catalogue):
    content = xlsx(
        [["Mã đơn vị", "ma don vi", "Mã chỉ tiêu", "Năm", "Tháng", "Giá trị"], ["xa-a"] * 6]
    )
    response = preview(as_user(clerk_a), "achievement", content)
    assert errors(response) == [
        "Các cột “Mã đơn vị” và “ma don vi” đều là cột “Mã đơn vị”: chỉ giữ lại một cột."
    ]


def test_a_missing_column_is_named(as_user, clerk_a, catalogue):
    content = xlsx([["Mã đơn vị", "Mã chỉ tiêu", "Năm", "Tháng"], ["xa-a", "JOBS", 2026, 10]])
    response = preview(as_user(clerk_a), "achievement", content)
    (message,) = errors(response)
    assert message.startswith("Tệp thiếu cột “Giá trị”.")
    assert not FigureChange.objects.exists()


def test_trailing_empty_columns_and_rows_are_dropped():
    dataset = read_dataset(fixture("figures_messy.xlsx"))
    assert dataset.headers[-2:] == ["Ghi chú", "__row__"]
    assert len(dataset) == 5


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("có", True), ("CÓ", True), ("x", True), (1, True), ("TRUE", True), (True, True)]
    + [("không", False), ("Khong", False), ("0", False), ("sai", False), ("", None)],
)
def test_yes_and_no_as_people_write_them(typed, expected):
    assert BooleanWidget().clean(typed) is expected


@pytest.mark.parametrize(
    "typed",
    ["31/10/2026", "31-10-2026", "31.10.2026", "2026-10-31", datetime.datetime(2026, 10, 31, 0, 0)],
)
def test_dates_as_people_write_them(typed):
    assert DateWidget().clean(typed) == datetime.date(2026, 10, 31)


def test_legacy_code_pages_are_told_apart():
    vietnamese = fixture("figures_cp1258_semicolons.csv")
    assert decode_text(vietnamese).startswith("Mã đơn vị;Mã chỉ tiêu;Năm;Tháng;Giá trị;Ước tính")
    assert decode_text("Báo cáo – café".encode("cp1252")) == "Báo cáo – café"
    assert decode_text("Mã đơn vị".encode("utf-16")) == "Mã đơn vị"
