"""`make bench`: time and peak memory of the portal's heavy paths, each beside a baseline.

Run it on an empty database of its own (DATABASE_URL; --recreate drops and migrates it first):
it fills the database with synthetic figures. Not a test: it measures and prints one table, with
the pages and staff paths of `manage.py loadbench` when given its results (--pages), and exits
non-zero when a goal of issue 8 is missed.
"""

import gc
import json
import platform
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    MonthlyReport,
    Program,
    ReportStatus,
)
from indicators.spreadsheets import streaming
from portal.demo import load_units
from portal.loadtest import database, report


def measure(function):
    """Run twice: once for the time, once under tracemalloc for the peak memory (MiB)."""
    gc.collect()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    function()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024, result


class Command(BaseCommand):
    help = "Measure imports and exports of figures against baselines (needs an empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--figures", type=int, default=100_000)
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument("--recreate", action="store_true", help="drop and migrate it first")
        parser.add_argument("--pages", default="", help="the JSON results of manage.py loadbench")

    def handle(self, *args, figures, import_rows, recreate, pages, **options):
        if recreate:
            database.recreate()
        if Achievement.objects.exists():
            raise CommandError("The bench needs an empty database (see `make bench`).")
        started = time.perf_counter()
        self.fill(figures)
        database.analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Filled {Achievement.objects.count():,} figures in {elapsed:.1f} s")
        rows = []
        queryset = Achievement.objects.all()

        def csv_streaming():
            response = streaming.stream_csv(
                streaming.figure_columns(), streaming.figure_rows(queryset), "x.csv"
            )
            return sum(len(chunk) for chunk in response.streaming_content)

        def xlsx_streaming():
            output = streaming.write_xlsx(
                streaming.figure_columns(), streaming.figure_rows(queryset), "x"
            )
            return len(output.read())

        def library_export(file_format):
            from import_export.formats.base_formats import CSV, XLSX
            from import_export.resources import modelresource_factory

            resource = modelresource_factory(Achievement)()
            dataset = resource.export(queryset)
            data = (XLSX if file_format == "xlsx" else CSV)().export_data(dataset)
            return len(data)

        count = queryset.count()
        for label, function in [
            ("export CSV, streaming", csv_streaming),
            ("export CSV, library (baseline)", lambda: library_export("csv")),
            ("export XLSX, write-only", xlsx_streaming),
            ("export XLSX, library (baseline)", lambda: library_export("xlsx")),
        ]:
            seconds, peak, size = measure(function)
            rows.append((label, count, seconds, peak, size))
        rows.extend(self.bench_import(import_rows))
        if not pages:
            self.print_table(rows)
            return
        result = json.loads(Path(pages).read_text(encoding="utf-8"))
        data_rows = [
            {"label": label, "rows": count, "seconds": seconds, "peak_mib": peak, "bytes": size}
            for label, count, seconds, peak, size in rows
        ]
        self.stdout.write("\n".join(["", *report.table(result, data_rows)]))
        if "pages" in result and not all(
            ok for _goal, _measured, ok in report.goals(result["pages"])
        ):
            raise CommandError("Some goals of issue 8 are missed (see the table).")

    def fill(self, figures):
        """A district, its communes and enough indicators, months and years for the figures."""
        with transaction.atomic():
            load_units()
            units = list(AdministrativeUnit.objects.all())
            program = Program.objects.create(code="bench", name="Đo hiệu năng")
            per_month = len(units)
            indicator_count = 50
            months = max(1, -(-figures // (per_month * indicator_count)))
            indicators = Indicator.objects.bulk_create(
                Indicator(program=program, code=f"B-{i}", name=f"Chỉ tiêu đo {i}", order=i)
                for i in range(indicator_count)
            )
            reports = MonthlyReport.objects.bulk_create(
                MonthlyReport(
                    unit=unit,
                    year=2000 + m // 12,
                    month=m % 12 + 1,
                    status=ReportStatus.APPROVED,
                    approved_at=timezone.now(),
                )
                for m in range(months)
                for unit in units
            )
            batch, made = [], 0
            for report in reports:
                for indicator in indicators:
                    if made >= figures:
                        break
                    batch.append(
                        Achievement(
                            report=report,
                            indicator=indicator,
                            value=Decimal(made % 9973) / 4,
                            note="=1+1" if made % 1000 == 0 else "",
                        )
                    )
                    made += 1
                if len(batch) >= 5000:
                    Achievement.objects.bulk_create(batch)
                    batch = []
            Achievement.objects.bulk_create(batch)

    def bench_import(self, import_rows):
        try:
            from indicators.spreadsheets import bench_support
        except ImportError:
            return [("import (not available yet)", import_rows, 0.0, 0.0, 0)]
        return bench_support.measure_import(import_rows, measure)

    def print_table(self, rows):
        self.stdout.write("")
        self.stdout.write(
            f"Machine: {platform.node()} · {platform.machine()} · Python "
            f"{platform.python_version()} · {connection.vendor} · "
            f"{timezone.localtime():%d/%m/%Y %H:%M}"
        )
        header = f"{'operation':<36} {'rows':>9} {'seconds':>9} {'peak MiB':>9} {'bytes':>12}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, count, seconds, peak, size in rows:
            self.stdout.write(f"{label:<36} {count:>9,} {seconds:>9.2f} {peak:>9.1f} {size:>12,}")
