"""The results pages' reports are kept while the figures stay the same, and only then."""

from datetime import date
from decimal import Decimal

import pytest

from indicators import report_cache
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    MonthlyReport,
    Program,
    ReportStatus,
    Target,
)
from portal import pagecache

from .test_results_pages import approve_month, figures  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

PAGES = ["/ket-qua/", "/ket-qua/chuong-trinh/ld/", "/ket-qua/xa/xa-a/", "/ket-qua/so-lieu.csv"]


@pytest.fixture
def builds(monkeypatch):
    """The number of times the reports were computed (not taken from the cache)."""
    calls = []
    build = report_cache.build_year_reports

    def counting(*args, **kwargs):
        calls.append(args)
        return build(*args, **kwargs)

    monkeypatch.setattr(report_cache, "build_year_reports", counting)
    return calls


@pytest.mark.parametrize("url", PAGES)
def test_a_page_rendered_again_reuses_the_reports(client, figures, builds, url):  # noqa: F811
    first = client.get(url).content
    pagecache.bump()  # as a rating or an article does: the page is rendered again
    again = client.get(url).content
    assert len(builds) == 1
    assert again == first


def test_the_page_rendered_again_reads_no_figures(
    client,
    figures,  # noqa: F811
    django_assert_max_num_queries,
):
    client.get("/ket-qua/")
    pagecache.bump()
    # The jurisdiction, its approved months, and the page cache's next scheduled article.
    with django_assert_max_num_queries(3):
        assert client.get("/ket-qua/").status_code == 200


def _figure_corrected(figures, commune_a, commune_b):  # noqa: F811
    achievement = Achievement.objects.get(
        report__unit=commune_a, report__month=2, indicator__code="JOBS"
    )
    achievement.value = Decimal(2150)
    achievement.save()
    return "2.340"


def _figure_deleted(figures, commune_a, commune_b):  # noqa: F811
    Achievement.objects.get(
        report__unit=commune_b, report__month=1, indicator__code="JOBS"
    ).delete()
    return "1.250"


def _month_approved(figures, commune_a, commune_b):  # noqa: F811
    report = MonthlyReport.objects.get(unit=commune_b, month=2)
    report.status = ReportStatus.APPROVED
    report.save(update_fields=["status"])
    return "6.340"


def _month_deleted(figures, commune_a, commune_b):  # noqa: F811
    MonthlyReport.objects.get(unit=commune_a, month=2).delete()
    return "Số liệu đến ngày 31/01/2026"  # no approved February left


def _target_changed(figures, commune_a, commune_b):  # noqa: F811
    target = Target.objects.get(unit=commune_b, indicator__code="JOBS")
    target.value = 4600
    target.save()
    return "5.800"


def _indicator_renamed(figures, commune_a, commune_b):  # noqa: F811
    indicator = Indicator.objects.get(code="JOBS")
    indicator.name = "Việc làm mới tạo thêm"
    indicator.save()
    return "Việc làm mới tạo thêm"


def _program_renamed(figures, commune_a, commune_b):  # noqa: F811
    program = Program.objects.get(code="ld")
    program.name = "Việc làm và an sinh"
    program.save()
    return "Việc làm và an sinh"


def _unit_retired(figures, commune_a, commune_b):  # noqa: F811
    commune_b.retired_on = date(2025, 12, 31)  # its figures no longer count
    commune_b.save()
    return "1.250"


CHANGES = [
    _figure_corrected,
    _figure_deleted,
    _month_approved,
    _month_deleted,
    _target_changed,
    _indicator_renamed,
    _program_renamed,
    _unit_retired,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_the_public_sees_computes_the_reports_again(
    client,
    figures,  # noqa: F811
    commune_a,
    commune_b,
    builds,
    change,
):
    url = "/ket-qua/"
    before = client.get(url).content.decode()
    expected = change(figures, commune_a, commune_b)
    assert expected not in before
    after = client.get(url).content.decode()
    assert len(builds) == 2
    assert expected in after


def test_kept_reports_are_the_computed_ones(figures):  # noqa: F811
    from indicators.reporting import build_year_reports

    district = AdministrativeUnit.objects.jurisdiction()
    kept = report_cache.public_year_reports(2026, 2, jurisdiction=district)
    kept = report_cache.public_year_reports(2026, 2, jurisdiction=district)  # from the cache
    computed = build_year_reports(2026, 2, jurisdiction=district)
    assert [
        (row.indicator.code, row.total.value, row.total.target, sorted(row.by_unit))
        for report in kept
        for row in report.rows()
    ] == [
        (row.indicator.code, row.total.value, row.total.target, sorted(row.by_unit))
        for report in computed
        for row in report.rows()
    ]
