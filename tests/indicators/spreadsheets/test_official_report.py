"""The official report workbook: the form a district sends upward, with the portal's numbers.

The demo district is loaded once for the module. Each workbook is saved and read back with
openpyxl; every figure cell is then written out the way a spreadsheet shows it with Vietnamese
settings (number format applied, "." for thousands, "," for decimals) and compared with the
text the portal's pages show for the same figure — so "equal to the portal" is what is tested,
not merely "close to it".
"""

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from indicators.models import (
    AdministrativeUnit,
    Indicator,
    IndicatorKind,
    Program,
    Target,
    UnitKind,
)
from indicators.reporting import Figure, build_report
from indicators.spreadsheets.official import (
    build_official_workbook,
    figure_cells,
    period_for,
    workbook_bytes,
)
from portal.formatting import MISSING, format_number

pytestmark = pytest.mark.django_db

AGENCY = "Ủy ban nhân dân huyện Lộc Ninh"
TEXTS = ("target_text", "month_text", "value_text", "percent_text")
EXPORTED = timezone.make_aware(datetime.datetime(2022, 10, 28, 16, 5))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "admin:indicators_monthlyreport_official_report"


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module (rolled back at its end)."""
    from portal.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


# ---------------------------------------------------------------------------------------------
# Reading a workbook back
# ---------------------------------------------------------------------------------------------


def read_back(workbook):
    return load_workbook(io.BytesIO(workbook_bytes(workbook)))


def shown(cell):
    """The text a spreadsheet shows for a cell in Vietnamese: its number in its format."""
    if cell.value is None:
        return MISSING
    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), cell.value
    code = cell.number_format
    literal = "".join(re.findall(r'"([^"]*)"', code))
    code = re.sub(r'"[^"]*"', "", code)
    assert re.fullmatch(r"#,##0(\.0+)?%?", code), cell.number_format
    percent = code.endswith("%")
    decimals = len(code.rstrip("%").partition(".")[2])
    number = Decimal(str(cell.value)) * (100 if percent else 1)
    return format_number(number, decimals) + ("%" if percent else "") + literal


def header_top(ws):
    """The first header row (STT …)."""
    for row in range(1, 30):
        if ws.cell(row=row, column=1).value == "STT":
            return row
    raise AssertionError("no header row")


def layout_of(ws):
    """(first data row, {unit title: first column}, {code: row}, [(program, [codes])])."""
    top = header_top(ws)
    groups = {}
    for column in range(5, ws.max_column + 1):
        title = ws.cell(row=top, column=column).value
        if title:
            groups[title] = column
    rows, programs = {}, []
    for row in range(top + 2, ws.max_row + 1):
        number, code = ws.cell(row=row, column=1).value, ws.cell(row=row, column=2).value
        if isinstance(number, str) and code is None and ws.cell(row=row, column=3).value:
            assert ws.cell(row=row, column=3).font.b
            programs.append((ws.cell(row=row, column=3).value, []))
        elif isinstance(number, int) and code:
            rows[code] = row
            programs[-1][1].append(code)
    return top + 2, groups, rows, programs


def check_figure(ws, row, column, figure):
    """The four cells show exactly the figure's texts, and hold its numbers as numbers."""
    cells = [ws.cell(row=row, column=column + offset) for offset in range(4)]
    assert [shown(cell) for cell in cells] == [getattr(figure, name) for name in TEXTS], (
        figure.indicator.code,
        figure.unit.code,
    )
    decimals = figure.indicator.decimals
    for cell, value, places in zip(
        cells,
        [figure.target, figure.month_value, figure.value, figure.percent],
        [decimals, decimals, decimals, 1],
        strict=True,
    ):
        if value is None:
            assert cell.value is None  # not reported: an empty cell, never 0
            continue
        scale = 100 if cell.number_format.endswith("%") else 1
        assert abs(Decimal(str(cell.value)) * scale - value) <= Decimal("0.5").scaleb(-places)


def check_workbook(workbook, report, layout):
    """Every indicator row of every unit equals the report's figures."""
    names = {report.jurisdiction.full_name: None, **{u.full_name: u.pk for u in report.units}}
    expected_programs = [
        (program.name, [row.indicator.code for row in rows]) for program, rows in report.programs
    ]
    seen = set()
    for ws in workbook.worksheets:
        _first, groups, rows, programs = layout_of(ws)
        for title, column in groups.items():
            unit_id = names[title]
            seen.add(unit_id)
            shown_programs = [
                (name, [c for c in codes if unit_id is None or unit_id in report.row(c).by_unit])
                for name, codes in expected_programs
            ]
            if layout == "sheets":  # a commune's sheet has the indicators it enters
                assert programs == [(n, codes) for n, codes in shown_programs if codes]
            else:
                assert programs == expected_programs
            for code, row in rows.items():
                report_row = report.row(code)
                figure = report_row.total if unit_id is None else report_row.by_unit.get(unit_id)
                if figure is None:  # the unit does not enter it: grey and empty
                    cells = [ws.cell(row=row, column=column + i) for i in range(4)]
                    assert [c.value for c in cells] == [None] * 4
                    assert all(c.fill.fgColor.rgb.endswith("D9D9D9") for c in cells)
                else:
                    check_figure(ws, row, column, figure)
    assert seen == set(names.values())  # the district and every commune
    return workbook


CASES = [
    (2022, 10, "leave_out"),
    (2022, 11, "leave_out"),  # November 2022: estimates, and a quarter not yet complete
    (2026, 10, "mark"),  # October 2026: every stage of approval
]


@pytest.mark.parametrize("layout", ["columns", "sheets"])
@pytest.mark.parametrize("period", ["month", "quarter", "ytd"])
@pytest.mark.parametrize(("year", "month", "unapproved"), CASES)
def test_every_figure_equals_the_portal(year, month, unapproved, period, layout):
    workbook = read_back(
        build_official_workbook(
            year=year, month=month, period=period, layout=layout, unapproved=unapproved
        )
    )
    start = {"month": month, "quarter": (month - 1) // 3 * 3 + 1, "ytd": 1}[period]
    report = build_report(year, month, published_only=unapproved == "leave_out", period_start=start)
    check_workbook(workbook, report, layout)
    expected_sheets = 1 if layout == "columns" else 1 + len(report.units)
    assert len(workbook.worksheets) == expected_sheets


def test_the_quarter_runs_from_its_first_month_to_the_month_chosen():
    assert period_for("quarter", 2022, 10).start == 10
    assert period_for("quarter", 2022, 12).start == 10
    assert period_for("quarter", 2022, 3).start == 1
    assert period_for("ytd", 2022, 10).start == 1
    assert period_for("month", 2022, 10).start == 10
    ws = read_back(build_official_workbook(year=2022, month=12, period="quarter")).active
    _first, groups, rows, _programs = layout_of(ws)
    jobs = build_report(2022, 12, period_start=10).row("LD-1").total
    column = groups["Huyện Lộc Ninh"]
    assert ws.cell(row=rows["LD-1"], column=column + 1).value == jobs.month_value  # Oct–Dec
    assert ws.cell(row=rows["LD-1"], column=column + 2).value == jobs.value  # Jan–Dec
    assert jobs.month_value < jobs.value
    assert ws.cell(row=header_top(ws) + 1, column=column + 1).value == "Thực hiện quý IV"


def test_numbers_are_numbers_with_vietnamese_formats():
    ws = read_back(build_official_workbook(year=2022, month=10, period="month")).active
    _first, groups, rows, _programs = layout_of(ws)
    district = groups["Huyện Lộc Ninh"]

    def cell(code, offset, column=district):
        return ws.cell(row=rows[code], column=column + offset)

    jobs = [cell("LD-1", i) for i in range(4)]
    assert [c.value for c in jobs[1:]] == [jobs[1].value, 4884, 0.857]
    assert jobs[0].value == 5700 and isinstance(jobs[0].value, int)
    assert [c.number_format for c in jobs] == ["#,##0", "#,##0", "#,##0", "#,##0.0%"]
    assert [shown(c) for c in jobs[2:]] == ["4.884", "85,7%"]
    rate = cell("GN-12-TL", 2)  # a rate, in percent with its decimals
    assert rate.number_format == "#,##0.00%" and shown(rate) == "1,75%"
    assert rate.value == pytest.approx(0.0175)
    money = cell("LD-7", 2)
    assert money.number_format == '#,##0" đồng"' and shown(money) == "130.000.000 đồng"
    standard = cell("NTM-1", 2)  # 12 communes of 15 meet the standard: the number stays 12
    assert standard.value == 12 and standard.number_format == '#,##0"/15"'
    assert shown(standard) == "12/15"
    for code in rows:  # the figures of a unit that does not report them stay empty
        for offset in range(4):
            value = cell(code, offset).value
            assert value is None or isinstance(value, int | float)
    # Text cells are text: names and codes.
    assert ws.cell(row=rows["LD-1"], column=3).value == "Lao động được giải quyết việc làm mới"
    assert ws.cell(row=rows["LD-1"], column=4).value == "người"


@pytest.mark.parametrize(
    ("kind", "decimals", "unit_of_measure", "value", "target"),
    [
        (IndicatorKind.VALUE, 0, "người", "1234.5", "2469"),  # half up: 1.235 · 50,0%
        (IndicatorKind.VALUE, 2, "ha", "2.675", "3"),  # 2,68 (a float would say 2,67)
        (IndicatorKind.VALUE, 1, "tấn", "0.05", "0.3"),  # 0,1 · 16,7%
        (IndicatorKind.VALUE, 2, "đồng", "123456789.495", "1000000000"),  # no decimals
        (IndicatorKind.RATIO, 2, "%", "1.745", None),  # 1,75%
        (IndicatorKind.RATIO, 1, "%", "99.95", "100"),  # 100,0% · 100,0%
        (IndicatorKind.VALUE, 0, "hộ", "0", "10"),  # a reported 0 is 0, not empty
        (IndicatorKind.VALUE, 0, "hộ", None, "10"),  # not reported: empty
    ],
)
def test_rounding_reads_as_the_portal(kind, decimals, unit_of_measure, value, target):
    indicator = Indicator(
        code="X", name="X", kind=kind, decimals=decimals, unit_of_measure=unit_of_measure
    )
    unit = AdministrativeUnit(code="x", name="X", kind=UnitKind.COMMUNE)
    number = None if value is None else Decimal(value)
    figure = Figure(
        indicator,
        unit,
        2022,
        10,
        month_value=number,
        value=number,
        target=None if target is None else Decimal(target),
    )
    ws = Workbook().active
    for column, (stored, code) in enumerate(figure_cells(figure), start=1):
        ws.cell(row=1, column=column, value=stored).number_format = code
    cells = read_back(ws.parent).active[1]
    assert [shown(cell) for cell in cells] == [getattr(figure, name) for name in TEXTS]


@pytest.mark.parametrize("layout", ["columns", "sheets"])
def test_titles_header_frozen_panes_and_print_setup(layout):
    workbook = read_back(
        build_official_workbook(
            year=2022, month=10, period="ytd", layout=layout, exported_at=EXPORTED
        )
    )
    for ws in workbook.worksheets:
        top = header_top(ws)
        titles = [ws.cell(row=row, column=1).value for row in range(1, top)]
        assert titles[0] == AGENCY
        assert "BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in titles
        assert "Từ đầu năm đến tháng 10/2022" in titles
        assert "Xuất ngày 28/10/2022 16:05" in titles
        assert "Chỉ gồm số liệu đã duyệt." in titles
        assert ws.cell(row=1, column=5).value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert ws.cell(row=2, column=5).value == "Độc lập – Tự do – Hạnh phúc"
        header = [ws.cell(row=top, column=c).value for c in range(1, 5)]
        assert header == ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính"]
        labels = [ws.cell(row=top + 1, column=c).value for c in range(5, 10)]
        assert labels == [
            "Kế hoạch",
            "Thực hiện từ tháng 1 đến tháng 10",
            "Lũy kế từ đầu năm/hiện có",
            "% so với kế hoạch",
            "Ghi chú",
        ]
        assert ws.freeze_panes == f"E{top + 2}"  # below the header, right of the labels
        assert ws.print_title_rows == f"${top}:${top + 1}"
        setup = ws.page_setup
        assert setup.orientation == "landscape"
        assert int(setup.paperSize) == 9  # A4
        assert ws.column_dimensions["C"].width >= 40
        assert ws.column_dimensions["E"].width >= 12
        assert "&P" in ws.oddFooter.center.text
    first = workbook.worksheets[0]
    assert first.title == "Huyện Lộc Ninh"
    if layout == "columns":
        # Printed: the district on the first page, then two communes a page (16 communes of
        # 4 columns after the district's 5), each page with the indicator columns again.
        assert first.print_title_cols == "$A:$D"
        assert [b.id for b in first.col_breaks.brk] == [9 + 8 * i for i in range(8)]
        assert not first.sheet_properties.pageSetUpPr.fitToPage
        assert 50 <= int(first.page_setup.scale) <= 100
    else:  # each unit's sheet is one page wide
        assert [ws.title for ws in workbook.worksheets[1:3]] == ["Thị trấn Lộc Ninh", "Xã Lộc An"]
        for ws in workbook.worksheets:
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0


def test_the_programs_chosen_only():
    programs = list(Program.objects.filter(code__in=["lao-dong", "y-te"]))
    ws = read_back(
        build_official_workbook(year=2022, month=10, period="month", programs=programs)
    ).active
    _first, _groups, _rows, shown_programs = layout_of(ws)
    assert [name for name, _codes in shown_programs] == ["Lao động – việc làm", "Y tế"]


def _cells(ws, code, title, offset_range=range(5)):
    _first, groups, rows, _programs = layout_of(ws)
    return [ws.cell(row=rows[code], column=groups[title] + i) for i in offset_range]


def _marked(cell):
    return bool(cell.font.i) and cell.fill.fgColor.rgb.endswith("FCE4D6")


def test_figures_not_yet_approved_are_left_out_or_marked():
    """October 2026: some communes approved, some submitted, some drafts."""
    left_out = read_back(
        build_official_workbook(year=2026, month=10, period="month", unapproved="leave_out")
    ).active
    marked = read_back(
        build_official_workbook(year=2026, month=10, period="month", unapproved="mark")
    ).active
    approved = build_report(2026, 10, published_only=True).row("LD-1")
    everything = build_report(2026, 10, published_only=False).row("LD-1")
    hoa = AdministrativeUnit.objects.get(code="loc-hoa")  # submitted, not approved
    dien = AdministrativeUnit.objects.get(code="loc-dien")  # approved

    # Left out: the submitted commune has no October figure; nothing is marked.
    cells = _cells(left_out, "LD-1", "Xã Lộc Hòa", range(4))
    assert cells[1].value is None and approved.by_unit[hoa.pk].month_value is None
    assert shown(cells[2]) == approved.by_unit[hoa.pk].value_text  # January–September
    district = _cells(left_out, "LD-1", "Huyện Lộc Ninh")
    assert district[1].value == approved.total.month_value
    assert district[4].value is None
    assert not any(_marked(c) for row in left_out.iter_rows() for c in row)

    # Marked: the submitted commune's October counts, in italics on orange; the approved one
    # is as it was.
    cells = _cells(marked, "LD-1", "Xã Lộc Hòa", range(4))
    assert cells[1].value == everything.by_unit[hoa.pk].month_value is not None
    assert [_marked(c) for c in cells] == [False, True, True, True]
    cells = _cells(marked, "LD-1", "Xã Lộc Điền", range(4))
    assert cells[1].value == approved.by_unit[dien.pk].month_value
    assert not any(_marked(c) for c in cells)
    district = _cells(marked, "LD-1", "Huyện Lộc Ninh")
    assert district[1].value == everything.total.month_value != approved.total.month_value
    assert _marked(district[1]) and district[4].value == "Chưa duyệt"
    legend = next(
        row
        for row in range(1, header_top(marked))
        if str(marked.cell(row=row, column=2).value).startswith("Có cả số liệu chưa được duyệt")
    )
    assert marked.cell(row=legend, column=1).fill.fgColor.rgb.endswith("FCE4D6")  # a sample


def test_a_month_all_approved_has_nothing_marked():
    ws = read_back(
        build_official_workbook(year=2026, month=9, period="quarter", unapproved="mark")
    ).active
    figures = ws.iter_rows(min_row=header_top(ws) + 2)
    assert not any(_marked(c) for row in figures for c in row)


def test_estimates_are_noted():
    ws = read_back(build_official_workbook(year=2022, month=11, period="month")).active
    assert build_report(2022, 11).row("LD-1").total.is_estimate
    assert _cells(ws, "LD-1", "Huyện Lộc Ninh")[4].value == "Ước tính"


def test_text_that_looks_like_a_formula_is_escaped():
    jobs = Indicator.objects.get(code="LD-1")
    jobs.name = '=HYPERLINK("http://example.com","Bấm vào")'
    jobs.unit_of_measure = "+người"
    jobs.save()
    Program.objects.filter(code="lao-dong").update(name="@Lao động")
    for layout in ("columns", "sheets"):
        workbook = read_back(
            build_official_workbook(
                year=2022, month=10, period="month", layout=layout, agency="=1+1"
            )
        )
        ws = workbook.active
        _first, _groups, rows, programs = layout_of(ws)
        name = ws.cell(row=rows["LD-1"], column=3)
        assert name.value == "'" + jobs.name and name.data_type == "s"
        assert ws.cell(row=rows["LD-1"], column=4).value == "'+người"
        assert "'@Lao động" in [program for program, _codes in programs]
        assert ws.cell(row=1, column=1).value == "'=1+1"
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
        formulas = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
        assert not [c for c in formulas if c.data_type == "f"]


def test_building_the_workbook_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    def build():
        return build_official_workbook(
            year=2026, month=10, period="quarter", layout="sheets", unapproved="mark"
        )

    build()  # the site settings are cached from here on, as between requests
    with django_assert_max_num_queries(20) as counted:
        build()
    few = len(counted.captured_queries)
    # More units and indicators: not one query more.
    district = AdministrativeUnit.objects.get(code="loc-ninh")
    program = Program.objects.get(code="lao-dong")
    for i in range(3):
        unit = AdministrativeUnit.objects.create(
            code=f"xa-moi-{i}", name=f"Mới {i}", kind=UnitKind.COMMUNE, parent=district, order=50
        )
        indicator = Indicator.objects.create(program=program, code=f"MOI-{i}", name=f"Mới {i}")
        Target.objects.create(indicator=indicator, unit=unit, year=2026, value=10)
    with django_assert_max_num_queries(few):
        workbook = build()
    assert len(workbook.worksheets) == 1 + 16 + 3


# ---------------------------------------------------------------------------------------------
# The admin page
# ---------------------------------------------------------------------------------------------


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


OPTIONS = {
    "download": "1",
    "year": "2022",
    "month": "10",
    "period": "month",
    "layout": "columns",
    "unapproved": "leave_out",
}


def test_the_officer_chooses_the_options_in_vietnamese(client):
    response = _login(client, "canbo.huyen").get(reverse(URL), {"year": "2022", "month": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Báo cáo chính thức" in html and "Kỳ báo cáo" in html
    assert "Tải tệp Excel" in html and 'name="download"' in html
    assert 'name="year" value="2022"' in html
    assert '<option value="10" selected>' in html
    assert "Lao động – việc làm" in html  # the programs to choose from


def test_the_officer_downloads_the_workbook(client):
    response = _login(client, "canbo.huyen").get(reverse(URL), OPTIONS)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-chi-tieu-2022-10.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    check_workbook(workbook, build_report(2022, 10), "columns")
    assert workbook.active.cell(row=1, column=1).value == AGENCY


@pytest.mark.parametrize(
    ("changes", "filename"),
    [
        ({"period": "quarter", "month": "12"}, "bao-cao-chi-tieu-2022-quy-4.xlsx"),
        ({"period": "quarter"}, "bao-cao-chi-tieu-2022-quy-4-den-10.xlsx"),
        ({"period": "ytd", "layout": "sheets"}, "bao-cao-chi-tieu-2022-tu-dau-nam-den-10.xlsx"),
    ],
)
def test_the_file_is_named_after_the_period(client, changes, filename):
    program = Program.objects.get(code="y-te")
    response = _login(client, "canbo.huyen").get(
        reverse(URL), {**OPTIONS, **changes, "programs": [program.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert [name for name, _codes in layout_of(workbook.active)[3]] == ["Y tế"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"month": "13"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"year": "hai nghìn"}, "Hãy nhập một số nguyên."),
        ({"period": "week"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"layout": ""}, "Trường này là bắt buộc."),
    ],
)
def test_invalid_options_show_the_form_again(client, changes, message):
    response = _login(client, "canbo.huyen").get(reverse(URL), {**OPTIONS, **changes})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "errorlist" in html and message in html
    assert "Vui lòng sửa các lỗi dưới đây." in html


def test_a_commune_clerk_may_not_export_the_official_report(client):
    clerk = _login(client, "canbo.locan")
    assert clerk.get(reverse(URL)).status_code == 403
    assert clerk.get(reverse(URL), OPTIONS).status_code == 403


def test_staff_without_the_export_permission_may_not_either(client):
    user = get_user_model().objects.create_user("xem.thoi", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_all_units", "view_monthlyreport"])
    )
    assert _login(client, "xem.thoi").get(reverse(URL), OPTIONS).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse(URL), OPTIONS)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_report_pages_link_to_the_official_report(client):
    officer = _login(client, "canbo.huyen")
    link = reverse(URL) + "?year=2022&amp;month=10"
    for page in (
        "admin:indicators_monthlyreport_report",
        "admin:indicators_monthlyreport_overview",
    ):
        html = officer.get(reverse(page), {"year": "2022", "month": "10"}).content.decode()
        assert link in html and "Báo cáo chính thức (Excel)" in html


# ---------------------------------------------------------------------------------------------
# LibreOffice opens it and shows the portal's numbers
# ---------------------------------------------------------------------------------------------


def convert(path, target):
    """Open a workbook in LibreOffice, with Vietnamese settings, and save it as ``target``."""
    result = subprocess.run(  # noqa: S603 - a fixed command on a file of the test
        [
            shutil.which("soffice"),
            f"-env:UserInstallation={(path.parent / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(path.parent),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
        env={
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(path.parent),
            "LANG": "vi_VN.UTF-8",
            "LC_ALL": "vi_VN.UTF-8",
        },
    )
    converted = path.with_suffix("." + target.partition(":")[0])
    assert converted.exists(), result.stderr.decode(errors="replace")
    return converted


needs_libreoffice = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed"
)


@needs_libreoffice
def test_libreoffice_opens_it_and_shows_the_portals_numbers(tmp_path):
    """Converted to CSV "as shown" with Vietnamese settings, every figure of the district and
    of each commune reads as on the portal's pages."""
    report = build_report(2026, 10, published_only=False, period_start=10)
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(
        workbook_bytes(
            build_official_workbook(year=2026, month=10, period="quarter", unapproved="mark")
        )
    )
    # Options: comma, double quotes, UTF-8, from line 1, …, Vietnamese, …, cells as shown.
    converted = convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,1066,false,true,true")
    lines = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    header = next(i for i, line in enumerate(lines) if line and line[0] == "STT")
    groups = {title: column for column, title in enumerate(lines[header]) if column >= 4 and title}
    units = {report.jurisdiction.full_name: None, **{u.full_name: u.pk for u in report.units}}
    assert set(groups) == set(units)
    checked = 0
    for line in lines[header + 2 :]:
        if len(line) < 2 or not line[1] or not line[0].isdigit():
            continue
        row = report.row(line[1])
        for title, column in groups.items():
            figure = row.total if units[title] is None else row.by_unit.get(units[title])
            texts = line[column : column + 4]
            if figure is None:
                assert texts == [""] * 4
                continue
            expected = [getattr(figure, name) for name in TEXTS]
            assert texts == [("" if text == MISSING else text) for text in expected], (
                row.indicator.code,
                title,
            )
            checked += 1
    assert checked == sum(1 + len(row.by_unit) for row in report.rows())


@needs_libreoffice
def test_libreoffice_opens_every_sheet(tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(
        workbook_bytes(build_official_workbook(year=2022, month=10, period="ytd", layout="sheets"))
    )
    with zipfile.ZipFile(convert(path, "ods")) as ods:
        content = ods.read("content.xml").decode()
    names = re.findall(r'<table:table table:name="([^"]+)"', content)
    assert names[:3] == ["Huyện Lộc Ninh", "Thị trấn Lộc Ninh", "Xã Lộc An"]
    assert len(names) == 17
