"""Imports follow the entry form's rules: validation, history, warnings, locked months."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators import services
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    FigureChange,
    Indicator,
    IndicatorKind,
    MonthlyReport,
    Program,
    ReportStatus,
    Target,
    UnitKind,
)
from tests.indicators.spreadsheets.importhelpers import (
    confirm,
    errors,
    figures_xlsx,
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


def stored(unit, code, year=2026, month=10):
    return Achievement.objects.get(
        report__unit=unit, report__year=year, report__month=month, indicator__code=code
    )


def enter(unit, user, year=2026, month=10, **values):
    """Figures saved through the entry form's service."""
    from indicators.models import Indicator as Ind
    from indicators.validation import Entry

    report = services.report_get_or_create(unit=unit, year=year, month=month)
    entries = {}
    for code, value in values.items():
        indicator = Ind.objects.get(code=code.replace("_", "-"))
        entries[indicator.pk] = Entry(indicator=indicator, value=Decimal(value))
    assert services.report_save(report=report, user=user, entries=entries).saved
    return report


# ---------------------------------------------------------------------------------------------
# Monthly figures
# ---------------------------------------------------------------------------------------------


def test_import_records_history_and_the_same_file_twice_changes_nothing(
    as_user, clerk_a, commune_a, catalogue
):
    client = as_user(clerk_a)
    content = figures_xlsx(["xa-a", "JOBS", 2026, 10, "1.234"], ["xa-a", "HH", 2026, 10, 4884])
    import_file(client, "achievement", content, "thang-10.xlsx")
    change = FigureChange.objects.get(indicator__code="JOBS")
    assert (change.old_value, change.new_value, change.user) == (None, Decimal("1234"), clerk_a)
    assert change.reason == "Nhập từ tệp thang-10.xlsx, dòng 2"
    assert change.kind == FigureChange.Kind.ACHIEVEMENT and change.unit == commune_a
    jobs = stored(commune_a, "JOBS")
    version = jobs.version

    again = preview(client, "achievement", content, "thang-10.xlsx")
    assert row_types(again) == [(2, "skip"), (3, "skip")]
    assert "Không đổi: 2" in again.content.decode()
    confirm(client, "achievement", again)
    assert FigureChange.objects.count() == 2
    assert stored(commune_a, "JOBS").version == version


def test_a_changed_figure_shows_old_and_new_then_keeps_its_history(
    as_user, clerk_a, commune_a, catalogue
):
    enter(commune_a, clerk_a, JOBS=100, HH=50)
    client = as_user(clerk_a)
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 120]))
    assert row_types(response) == [(2, "update")]
    html = response.content.decode()
    assert "<del>100</del> → <ins>120</ins>" in html
    assert stored(commune_a, "JOBS").value == 100  # the preview wrote nothing
    confirm(client, "achievement", response)
    jobs = stored(commune_a, "JOBS")
    assert jobs.value == 120 and jobs.version == 2
    assert stored(commune_a, "HH").value == 50  # not in the file: left as it is
    change = FigureChange.objects.filter(indicator__code="JOBS").first()
    assert (change.old_value, change.new_value) == (Decimal("100"), Decimal("120"))


def test_an_empty_value_leaves_the_figure_as_it_is(as_user, clerk_a, commune_a, catalogue):
    enter(commune_a, clerk_a, JOBS=100)
    response, _done = import_file(
        as_user(clerk_a),
        "achievement",
        figures_xlsx(["xa-a", "JOBS", 2026, 10, None], ["xa-a", "HH", 2026, 10, ""]),
    )
    assert row_types(response) == [(2, "skip"), (3, "skip")]
    assert stored(commune_a, "JOBS").value == 100
    assert not Achievement.objects.filter(indicator__code="HH").exists()


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("JOBS", "-5", "Dòng 3, cột “Giá trị”: số liệu không thể là số âm."),
        ("JOBS", "12,5", "Dòng 3, cột “Giá trị”: hãy nhập một số nguyên."),
        ("CRIT", "20", "Dòng 3, cột “Giá trị”: chỉ có 19 tiêu chí"),
        ("NTM", "2", "Dòng 3, cột “Giá trị”: nhập 1 nếu đạt chuẩn"),
        ("RATE", "12", "Dòng 3, cột “Mã chỉ tiêu”: RATE là chỉ tiêu tính từ các chỉ tiêu khác"),
        ("MONEY", "5", "Dòng 3, cột “Mã chỉ tiêu”: chỉ tiêu “Tiền hỗ trợ thuê nhà” không"),
        ("NOPE", "5", "Dòng 3, cột “Mã chỉ tiêu”: không có chỉ tiêu nào có mã “NOPE”"),
    ],
)
def test_one_wrong_row_and_nothing_is_written(
    as_user, clerk_a, commune_a, catalogue, code, typed, message
):
    content = figures_xlsx(["xa-a", "HH", 2026, 10, 10], ["xa-a", code, 2026, 10, typed])
    response = preview(as_user(clerk_a), "achievement", content)
    assert "confirm_form" not in response.context
    (found,) = errors(response)
    assert found.startswith(message), found
    assert not Achievement.objects.exists() and not MonthlyReport.objects.exists()


def test_unknown_unit_and_bad_month_are_named(as_user, officer, catalogue, commune_a):
    content = figures_xlsx(["xa-z", "JOBS", 2026, 13, 10])
    assert errors(preview(as_user(officer), "achievement", content)) == [
        "Dòng 2, cột “Mã đơn vị”: không có đơn vị hành chính nào có mã “xa-z”; hãy dùng mã "
        "trong danh sách đơn vị hành chính (ví dụ huyen).",
        "Dòng 2, cột “Tháng”: “13” không phải là tháng; hãy nhập số từ 1 đến 12.",
    ]


def test_a_clerk_imports_only_their_own_commune(as_user, clerk_a, commune_b, catalogue):
    content = figures_xlsx(["xa-a", "JOBS", 2026, 10, 10], ["xa-b", "JOBS", 2026, 10, 20])
    assert errors(preview(as_user(clerk_a), "achievement", content)) == [
        "Dòng 3, cột “Mã đơn vị”: bạn không được nhập số liệu của Xã Tân Lập."
    ]
    assert not Achievement.objects.exists()


def test_the_same_figure_twice_in_a_file(as_user, clerk_a, catalogue):
    content = figures_xlsx(["xa-a", "JOBS", 2026, 10, 10], ["xa-a", "jobs", 2026, 10, 20])
    (message,) = errors(preview(as_user(clerk_a), "achievement", content))
    assert message.startswith("Dòng 3: dòng này (xa-a, JOBS, 2026, 10) trùng với dòng 2")


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED])
def test_a_sent_or_approved_month_is_locked(as_user, clerk_a, commune_a, catalogue, status):
    report = enter(commune_a, clerk_a, JOBS=100, HH=50)
    MonthlyReport.objects.filter(pk=report.pk).update(status=status)
    client = as_user(clerk_a)
    changed = figures_xlsx(["xa-a", "HH", 2026, 10, 50], ["xa-a", "JOBS", 2026, 10, 120])
    (message,) = errors(preview(client, "achievement", changed))
    assert message.startswith("Dòng 3: số liệu tháng 10/2026 đang ở trạng thái “đã ")
    assert stored(commune_a, "JOBS").value == 100
    # The same figures as stored are not a change: such a file still goes through.
    response, _done = import_file(client, "achievement", figures_xlsx(["xa-a", "HH", 2026, 10, 50]))
    assert row_types(response) == [(2, "skip")]
    assert MonthlyReport.objects.get(pk=report.pk).status == status


def test_a_returned_month_takes_the_import_and_stays_returned(
    as_user, clerk_a, officer, commune_a, catalogue
):
    report = enter(commune_a, clerk_a, JOBS=100)
    services.report_submit(report=report, user=clerk_a)
    services.report_return(report=report, user=officer, comment="Kiểm tra lại")
    import_file(as_user(clerk_a), "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 90]))
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and stored(commune_a, "JOBS").value == 90


def test_a_month_locked_between_preview_and_confirm_writes_nothing(
    as_user, clerk_a, officer, commune_a, catalogue
):
    report = enter(commune_a, clerk_a, JOBS=100)
    client = as_user(clerk_a)
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 120]))
    services.report_submit(report=report, user=clerk_a)
    done = confirm(client, "achievement", response)
    assert done.status_code == 302 and done["Location"].endswith("/achievement/import/")
    assert any("Chưa nhập gì cả" in m and "10/2026" in m for m in messages_of(done))
    assert stored(commune_a, "JOBS").value == 100
    assert FigureChange.objects.filter(new_value=120).count() == 0


def test_warnings_are_recomputed_for_the_whole_month(as_user, clerk_a, commune_a, catalogue):
    enter(commune_a, clerk_a, GIFTS=10, GIFT_A=4, GIFT_B=5, DOSE1=100)
    assert stored(commune_a, "GIFTS").warning  # 4 + 5 is not 10
    client = as_user(clerk_a)
    response, done = import_file(
        client,
        "achievement",
        figures_xlsx(["xa-a", "GIFT-B", 2026, 10, 6], ["xa-a", "DOSE2", 2026, 10, 120]),
    )
    assert stored(commune_a, "GIFTS").warning == ""  # untouched, but its parts now add up
    dose2 = stored(commune_a, "DOSE2")
    assert "Mũi 1" in dose2.warning
    assert "Mũi 1" in response.content.decode()  # the preview shows it
    assert any("1 số liệu vừa nhập có cảnh báo" in m for m in messages_of(done))
    # The import never submits: the clerk still gives the reason on the entry page.
    assert MonthlyReport.objects.get(unit=commune_a).status == ReportStatus.DRAFT


def test_a_reason_for_a_warning_can_come_with_the_file(as_user, clerk_a, commune_a, catalogue):
    enter(commune_a, clerk_a, DOSE1=100)
    content = xlsx(
        [
            ["Mã đơn vị", "Mã chỉ tiêu", "Năm", "Tháng", "Giá trị", "Lý do cảnh báo"],
            ["xa-a", "DOSE2", 2026, 10, 120, "Tiêm bù cho tháng trước"],
        ]
    )
    import_file(as_user(clerk_a), "achievement", content)
    dose2 = stored(commune_a, "DOSE2")
    assert dose2.warning and dose2.warning_reason == "Tiêm bù cho tháng trước"


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

TARGET_HEADERS = ["Mã chỉ tiêu", "Mã đơn vị", "Năm", "Giá trị", "Văn bản giao"]


def test_targets_import_with_history_and_twice_changes_nothing(
    as_user, officer, commune_a, commune_b, catalogue, targets
):
    client = as_user(officer)
    content = xlsx(
        [
            TARGET_HEADERS,
            ["JOBS", "xa-a", 2026, "1.500", "KH 12/KH-UBND"],  # 1.200 before
            ["JOBS", "xa-b", 2026, 600, ""],  # unchanged
            ["HH", "xa-b", 2027, "3 000", ""],  # new
        ]
    )
    response, _done = import_file(client, "target", content, "ke-hoach.xlsx")
    assert row_types(response) == [(2, "update"), (3, "skip"), (4, "new")]
    assert Target.objects.get(unit=commune_a, indicator__code="JOBS").value == 1500
    assert Target.objects.get(unit=commune_b, year=2027).value == 3000
    history = FigureChange.objects.filter(kind=FigureChange.Kind.TARGET).order_by("pk")
    assert [(c.old_value, c.new_value, c.reason) for c in history] == [
        (Decimal("1200"), Decimal("1500"), "Nhập từ tệp ke-hoach.xlsx, dòng 2"),
        (None, Decimal("3000"), "Nhập từ tệp ke-hoach.xlsx, dòng 4"),
    ]
    again = preview(client, "target", content, "ke-hoach.xlsx")
    assert [t for _n, t in row_types(again)] == ["skip"] * 3
    confirm(client, "target", again)
    assert FigureChange.objects.filter(kind=FigureChange.Kind.TARGET).count() == 2


def test_a_negative_target_is_refused(as_user, officer, commune_a, catalogue):
    content = xlsx([TARGET_HEADERS, ["JOBS", "xa-a", 2026, "-5", ""]])
    assert errors(preview(as_user(officer), "target", content)) == [
        "Dòng 2, cột “Giá trị”: kế hoạch không thể là số âm."
    ]


def test_a_clerk_may_not_import_targets(as_user, clerk_a):
    assert as_user(clerk_a).get(reverse("admin:indicators_target_import")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def test_units_programs_and_indicators_by_their_codes(as_user, superuser, district):
    client = as_user(superuser)
    import_file(
        client,
        "administrativeunit",
        xlsx(
            [
                ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Thuộc đơn vị", "Thứ tự"],
                ["xa-moi", "Mới", "xã", "huyen", 3],
                ["tt-moi", "Thị trấn Mới", "Thị trấn", "HUYEN", 4],
                ["phuong-1", "Phường 1", "ward", "huyen", ""],
            ]
        ),
    )
    new = AdministrativeUnit.objects.get(code="xa-moi")
    assert (new.kind, new.parent, new.order, new.is_active) == (
        UnitKind.COMMUNE,
        district,
        3,
        True,
    )
    assert AdministrativeUnit.objects.get(code="tt-moi").kind == UnitKind.TOWNSHIP
    assert AdministrativeUnit.objects.get(code="phuong-1").kind == UnitKind.WARD

    import_file(
        client,
        "program",
        xlsx([["Mã chương trình", "Tên chương trình", "Thứ tự"], ["gn", "Giảm nghèo", 1]]),
    )
    content = xlsx(
        [
            ["Mã chỉ tiêu", "Tên chỉ tiêu", "Mã chương trình", "Loại chỉ tiêu", "Tử số", "Mẫu số"],
            ["POOR", "Hộ nghèo", "gn", "", "", ""],
            ["HH", "Tổng số hộ", "GN", "", "", ""],
            ["RATE", "Tỷ lệ hộ nghèo", "gn", "tỷ lệ tính từ hai chỉ tiêu khác", "POOR", "HH"],
        ]
    )
    import_file(client, "indicator", content)
    rate = Indicator.objects.get(code="RATE")
    assert rate.kind == IndicatorKind.RATIO and rate.numerator.code == "POOR"
    assert rate.program == Program.objects.get(code="gn")


def test_a_rate_without_its_terms_breaks_the_catalogue_rule(as_user, superuser, catalogue):
    content = xlsx(
        [
            ["Mã chỉ tiêu", "Tên chỉ tiêu", "Mã chương trình", "Loại chỉ tiêu"],
            ["RATE2", "Tỷ lệ", "gn", "ratio"],
        ]
    )
    (message,) = errors(preview(as_user(superuser), "indicator", content))
    assert message == "Dòng 2: chỉ tiêu tỷ lệ cần có tử số và mẫu số."


def test_an_unknown_choice_says_what_is_accepted(as_user, superuser, district):
    content = xlsx([["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"], ["x", "X", "thôn"]])
    (message,) = errors(preview(as_user(superuser), "administrativeunit", content))
    assert message.startswith("Dòng 2, cột “Loại đơn vị”: “thôn” không thuộc các giá trị: “tỉnh”")


# ---------------------------------------------------------------------------------------------
# Template file
# ---------------------------------------------------------------------------------------------


def test_the_template_file_has_the_columns_and_an_example_that_imports(
    as_user, clerk_a, commune_a, catalogue
):
    client = as_user(clerk_a)
    page = client.get(reverse("admin:indicators_achievement_import"))
    url = reverse("admin:indicators_achievement_import_template")
    assert url in page.content.decode() and "Tải tệp mẫu (XLSX)" in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-so-lieu.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Mã đơn vị", "Mã chỉ tiêu", "Năm", "Tháng", "Giá trị")
    assert rows[1][:5] == ("xa-a", "JOBS", 2026, 10, 4884)  # the clerk's own commune
    assert book.worksheets[1].title == "Hướng dẫn"
    import_file(client, "achievement", response.content, "mau-nhap-so-lieu.xlsx")
    assert stored(commune_a, "JOBS").value == 4884


def test_an_editor_gets_no_template(as_user, editor):
    url = reverse("admin:indicators_achievement_import_template")
    assert as_user(editor).get(url).status_code == 403
