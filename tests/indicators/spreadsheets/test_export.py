"""Plain exports: every model, four formats, the user's own rows, nothing that runs as a formula."""

import codecs
import csv
import datetime
import io
import json
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
    MonthlyReport,
    Program,
    Target,
    UnitAssignment,
)
from indicators.spreadsheets.formats import EXPORT_FORMATS, read_dataset
from indicators.spreadsheets.resources import RESOURCES
from tests.indicators.spreadsheets.importhelpers import (
    confirm,
    preview,
    row_types,
    use_own_media,
)

pytestmark = pytest.mark.django_db
FORMAT = {f.title: str(i) for i, f in enumerate(EXPORT_FORMATS)}
MODELS = {
    "administrativeunit": AdministrativeUnit,
    "program": Program,
    "indicator": Indicator,
    "target": Target,
    "achievement": Achievement,
    "monthlyreport": MonthlyReport,
    "figurechange": FigureChange,
    "unitassignment": UnitAssignment,
}
NOTES = ['=HYPERLINK("http://x","bấm")', "-1 hộ", "+84 912", "@SUM(A1)", "\tthụt", "bình thường"]


@pytest.fixture(autouse=True)
def pending_media(settings, tmp_path):
    return use_own_media(settings, tmp_path)


def export(client, model, fmt, query=""):
    resource = RESOURCES[MODELS[model]]
    data = {"format": FORMAT[fmt], "resource": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return client.post(reverse(f"admin:indicators_{model}_export") + query, data)


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return sheet, list(sheet.iter_rows(values_only=True))


def csv_rows(response):
    assert response.content.startswith(codecs.BOM_UTF8)  # so that Excel reads Vietnamese
    return list(csv.reader(io.StringIO(response.content[3:].decode("utf-8"))))


@pytest.fixture
def figures(catalogue, targets, commune_a, commune_b, clerk_a, clerk_b):
    """Figures of both communes, with notes that a spreadsheet would run as formulas."""
    for unit, clerk, values in [
        (commune_a, clerk_a, {"JOBS": "4884", "HH": "1200", "POOR": "87"}),
        (commune_b, clerk_b, {"JOBS": "35", "HH": "900"}),
    ]:
        report = services.report_get_or_create(unit=unit, year=2026, month=10)
        for code, value in values.items():
            Achievement.objects.create(
                report=report,
                indicator=catalogue[code],
                value=Decimal(value),
                entered_by=clerk,
                note=NOTES[len(value) % len(NOTES)] if unit == commune_a else "",
            )
    Indicator.objects.filter(code="DOSE1").update(decimals=2)
    report = services.report_get_or_create(unit=commune_a, year=2026, month=10)
    Achievement.objects.create(
        report=report,
        indicator=catalogue["DOSE1"],
        value=Decimal("1.75"),
        measured_on=datetime.date(2026, 10, 15),
        note=NOTES[0],
    )
    for index, note in enumerate(NOTES):
        Achievement.objects.create(
            report=services.report_get_or_create(unit=commune_a, year=2026, month=index + 1),
            indicator=catalogue["JOBS"],
            value=Decimal(index + 1),
            note=note,
        )


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv", "json"])
@pytest.mark.parametrize("model", list(MODELS))
def test_every_model_exports_in_every_format(as_user, superuser, figures, model, fmt):
    FigureChange.objects.create(
        kind=FigureChange.Kind.TARGET,
        indicator=Indicator.objects.get(code="JOBS"),
        unit=AdministrativeUnit.objects.get(code="xa-a"),
        year=2026,
        new_value=Decimal("1200"),
        reason="=cmd",
        user=superuser,
    )
    response = export(as_user(superuser), model, fmt)
    assert response.status_code == 200, response.content[:500]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith(f'.{fmt}"')
    dataset = read_dataset(response.content)  # our own import reads every export back
    assert len(dataset) == MODELS[model].objects.count()
    assert dataset.headers[:-1] == RESOURCES[MODELS[model]]().get_export_headers()


def test_xlsx_keeps_numbers_numeric_and_escapes_formulas(as_user, officer, figures):
    response = export(as_user(officer), "achievement", "xlsx", "?report__month=10")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet, rows = xlsx_rows(response)
    headers = rows[0]
    assert headers[:8] == (
        "Mã đơn vị",
        "Đơn vị",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Năm",
        "Tháng",
        "Giá trị",
    )
    value, note = headers.index("Giá trị"), headers.index("Ghi chú")
    by_key = {(r[0], r[2]): r for r in rows[1:]}
    assert by_key[("xa-a", "JOBS")][value] == 4884
    assert by_key[("xa-a", "DOSE1")][value] == 1.75
    assert by_key[("xa-a", "DOSE1")][headers.index("Tính đến ngày")] == datetime.datetime(
        2026, 10, 15
    )
    assert by_key[("xa-a", "DOSE1")][note] == '\'=HYPERLINK("http://x","bấm")'
    for row_number in range(2, sheet.max_row + 1):
        for column in ("F", "G", "H"):  # year, month, value: numbers, never text
            assert sheet[f"{column}{row_number}"].data_type == "n"
    texts = [c.value for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "s"]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_csv_is_utf8_with_bom_vietnamese_numbers_and_escaped_text(as_user, officer, figures):
    response = export(as_user(officer), "achievement", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    headers = rows[0]
    value, note = headers.index("Giá trị"), headers.index("Ghi chú")
    by_key = {(r[0], r[2], r[headers.index("Tháng")]): r for r in rows[1:]}
    assert by_key[("xa-a", "JOBS", "10")][value] == "4884"
    assert by_key[("xa-a", "DOSE1", "10")][value] == "1,75"
    assert by_key[("xa-a", "DOSE1", "10")][headers.index("Tính đến ngày")] == "15/10/2026"
    escaped = {by_key[("xa-a", "JOBS", str(m))][note] for m in range(1, 7)}
    assert escaped == {
        '\'=HYPERLINK("http://x","bấm")',
        "'-1 hộ",
        "'+84 912",
        "'@SUM(A1)",
        "'\tthụt",
        "bình thường",
    }


def test_json_has_numbers_and_escaped_text(as_user, officer, figures):
    response = export(as_user(officer), "achievement", "json")
    records = json.loads(response.content)
    dose = next(r for r in records if r["Mã chỉ tiêu"] == "DOSE1")
    assert dose["Giá trị"] == 1.75 and dose["Năm"] == 2026
    assert dose["Tính đến ngày"] == "2026-10-15"
    assert dose["Ghi chú"] == '\'=HYPERLINK("http://x","bấm")'


def test_ods_keeps_numbers_and_escapes_text(as_user, officer, figures):
    dataset = read_dataset(export(as_user(officer), "achievement", "ods").content)
    dose = next(r for r in dataset.dict if r["Mã chỉ tiêu"] == "DOSE1")
    assert dose["Giá trị"] == Decimal("1.75") and dose["Năm"] == 2026
    assert dose["Ghi chú"] == '\'=HYPERLINK("http://x","bấm")'


def test_a_clerk_exports_only_their_own_commune(as_user, clerk_a, figures):
    client = as_user(clerk_a)
    for model in ("achievement", "target", "monthlyreport"):
        rows = csv_rows(export(client, model, "csv"))
        column = rows[0].index("Mã đơn vị")
        assert {r[column] for r in rows[1:]} == {"xa-a"}, model


def test_export_follows_the_list_filters(as_user, officer, figures):
    rows = csv_rows(export(as_user(officer), "achievement", "csv", "?report__month=10"))
    assert {r[rows[0].index("Tháng")] for r in rows[1:]} == {"10"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv", "json"])
def test_an_exported_file_imports_back_unchanged(as_user, officer, figures, fmt):
    client = as_user(officer)
    content = export(client, "achievement", fmt).content
    history = FigureChange.objects.count()
    response = preview(client, "achievement", content, f"so-lieu.{fmt}")
    assert response.context.get("confirm_form"), response.content.decode()[-3000:]
    assert {t for _n, t in row_types(response)} == {"skip"}
    assert len(row_types(response)) == Achievement.objects.count()
    confirm(client, "achievement", response)
    assert FigureChange.objects.count() == history


@pytest.mark.parametrize("model", ["administrativeunit", "program", "indicator", "target"])
def test_catalogue_and_targets_export_and_import_back_unchanged(as_user, superuser, figures, model):
    client = as_user(superuser)
    response = preview(client, model, export(client, model, "xlsx").content)
    assert response.context.get("confirm_form"), response.content.decode()[-3000:]
    assert {t for _n, t in row_types(response)} == {"skip"}


def test_without_the_export_permission_no_button_and_403(as_user, clerk_a, catalogue):
    client = as_user(clerk_a)  # a clerk may read the catalogue but not export it
    page = client.get(reverse("admin:indicators_indicator_changelist"))
    assert page.status_code == 200
    assert reverse("admin:indicators_indicator_export") not in page.content.decode()
    assert client.get(reverse("admin:indicators_indicator_export")).status_code == 403
    assert export(client, "indicator", "csv").status_code == 403
    # Their own figures they may export.
    page = client.get(reverse("admin:indicators_achievement_changelist"))
    assert reverse("admin:indicators_achievement_export") in page.content.decode()
    assert "Xuất ra tệp" in page.content.decode()
