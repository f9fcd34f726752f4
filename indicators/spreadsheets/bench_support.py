"""For `make bench`: import monthly figures from an XLSX file, preview then confirm.

The baseline is the same rows imported by django-import-export's plain ModelResource (no
natural keys, no validation, no history): what our rules cost on top of the library.
"""

import io

import tablib
from django.contrib.auth import get_user_model
from import_export.resources import modelresource_factory
from openpyxl import Workbook

from indicators.models import Achievement, AdministrativeUnit, Indicator, MonthlyReport
from indicators.spreadsheets.formats import read_dataset
from indicators.spreadsheets.resources import AchievementResource

YEAR = 2099
YEARS = (YEAR - 1, YEAR)  # 16 communes × 50 indicators × 12 months is 9,600 rows a year


def _file(rows):
    """An XLSX file of ``rows`` monthly figures, as a commune or district would send it."""
    units = list(AdministrativeUnit.objects.filter(parent__isnull=False).order_by("pk"))
    indicators = list(Indicator.objects.order_by("pk"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị", "Mã chỉ tiêu", "Năm", "Tháng", "Giá trị", "Ước tính", "Ghi chú"])
    made = 0
    for year, month in [(y, m) for y in YEARS for m in range(1, 13)]:
        for unit in units:
            for indicator in indicators:
                if made >= rows:
                    break
                sheet.append(
                    [
                        unit.code,
                        indicator.code,
                        year,
                        month,
                        f"{made * 7 % 99991:,}".replace(",", "."),
                        "",
                        "",
                    ]
                )
                made += 1
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def measure_import(rows, measure):
    data = _file(rows)
    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", password=None)
    results = []

    def ours(dry_run):
        def run():
            dataset = read_dataset(data)
            result = AchievementResource().import_data(
                dataset, dry_run=dry_run, user=user, file_name="bench.xlsx", raise_errors=True
            )
            if not dry_run:
                _undo()
            return len(result.rows)

        return run

    def _undo():
        Achievement.objects.filter(report__year__in=YEARS).delete()
        MonthlyReport.objects.filter(year__in=YEARS).delete()

    for label, dry_run in (("import XLSX, preview", True), ("import XLSX, confirm", False)):
        seconds, peak, count = measure(ours(dry_run))
        results.append((label, count, seconds, peak, len(data)))

    def baseline():
        units = {u.code: u for u in AdministrativeUnit.objects.all()}
        indicators = dict(Indicator.objects.values_list("code", "pk"))
        source = read_dataset(data)
        reports = {}
        plain = tablib.Dataset(headers=["report", "indicator", "value"])
        for unit, code, year, month, value, *_rest in source:
            key = (unit, int(year), int(month))
            if key not in reports:
                reports[key] = MonthlyReport(unit=units[unit], year=int(year), month=int(month))
            plain.append([key, indicators[code], value.replace(",", ".")])
        MonthlyReport.objects.bulk_create(reports.values())
        ids = {
            (r.unit.code, r.year, r.month): r.pk
            for r in MonthlyReport.objects.filter(year__in=YEARS).select_related("unit")
        }
        plain = tablib.Dataset(
            *[(ids[key], indicator, value) for key, indicator, value in plain],
            headers=["report", "indicator", "value"],
        )
        resource = modelresource_factory(Achievement)()
        result = resource.import_data(plain, dry_run=True, raise_errors=True)
        _undo()
        return len(result.rows)

    seconds, peak, count = measure(baseline)
    results.append(("import, library dry run (baseline)", count, seconds, peak, len(data)))
    return results
