"""The monthly workflow through the admin: draft, submit, approve, return, reopen.

Plus the history of targets and figures, the district overview and the staff's to-do list.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from indicators.admin_views import Progress, month_progress
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    FigureChange,
    MonthlyReport,
    ReportEvent,
    ReportStatus,
    Target,
    UnitKind,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(unit, year=2026, month=10):
    return reverse(
        "admin:indicators_monthlyreport_entry",
        kwargs={"unit_code": unit.code, "year": year, "month": month},
    )


def post(client, unit, values=None, action="save", year=2026, month=10, follow=False, **extra):
    data = {"action": action}
    for indicator, value in (values or {}).items():
        data[f"value_{indicator.pk}"] = value
        achievement = Achievement.objects.filter(
            report__unit=unit, report__year=year, report__month=month, indicator=indicator
        ).first()
        if achievement is not None:  # the version the form was drawn with
            data[f"version_{indicator.pk}"] = achievement.version
    data.update(extra)
    return client.post(url(unit, year, month), data, follow=follow)


def page(client, unit, year=2026, month=10):
    response = client.get(url(unit, year, month))
    assert response.status_code == 200
    return response.content.decode()


def report_of(unit, year=2026, month=10):
    return MonthlyReport.objects.get(unit=unit, year=year, month=month)


def jobs_value(unit, catalogue, year=2026, month=10):
    return Achievement.objects.get(
        report__unit=unit, report__year=year, report__month=month, indicator=catalogue["JOBS"]
    ).value


# ---------------------------------------------------------------------------------------------
# Draft → submitted → approved → reopened
# ---------------------------------------------------------------------------------------------


def test_draft_submit_approve_reopen(client, clerk_a, officer, commune_a, catalogue, targets):
    jobs = catalogue["JOBS"]
    client.force_login(clerk_a)
    response = post(client, commune_a, {jobs: "100"}, follow=True)
    assert "Đã lưu nháp số liệu." in response.content.decode()
    assert report_of(commune_a).status == ReportStatus.DRAFT

    response = post(client, commune_a, {jobs: "120"}, action="submit", follow=True)
    html = response.content.decode()
    assert "Đã lưu số liệu và gửi lên huyện để duyệt." in html
    report = report_of(commune_a)
    assert report.status == ReportStatus.SUBMITTED
    assert (report.submitted_by, report.submitted_at is not None) == (clerk_a, True)
    assert jobs_value(commune_a, catalogue) == D(120)
    assert "Lưu nháp" not in html  # submitted: waiting for the district, no longer editable

    client.force_login(officer)
    html = page(client, commune_a)
    assert "Duyệt và công bố" in html and "Trả lại xã" in html
    response = post(client, commune_a, action="approve", follow=True)
    assert "Đã duyệt: số liệu được công bố và tháng này đã khóa." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.is_locked
    assert report.approved_by == officer and report.approved_at is not None

    client.force_login(clerk_a)
    html = page(client, commune_a)
    assert "Tháng này đã được duyệt và khóa." in html
    assert "Lưu nháp" not in html and "Gửi duyệt" not in html

    # The officer reopens with a reason: recorded, shown to the clerk, and the month is editable.
    client.force_login(officer)
    assert "Mở lại để chỉnh sửa" in page(client, commune_a)
    response = post(
        client, commune_a, action="reopen", reason="Sai số lao động tháng 10", follow=True
    )
    assert "Đã mở lại tháng để chỉnh sửa." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.is_editable
    event = report.events.first()
    assert (event.action, event.comment, event.user) == (
        ReportEvent.Action.REOPENED,
        "Sai số lao động tháng 10",
        officer,
    )
    assert list(report.events.order_by("pk").values_list("action", flat=True)) == [
        "submitted",
        "approved",
        "reopened",
    ]

    client.force_login(clerk_a)
    html = page(client, commune_a)
    assert "Ý kiến của huyện" in html and "Sai số lao động tháng 10" in html
    assert "Lưu nháp" in html and "Gửi duyệt" in html
    response = post(client, commune_a, {jobs: "118"})
    assert response.status_code == 302
    assert jobs_value(commune_a, catalogue) == D(118)
    change = FigureChange.objects.filter(indicator=jobs, unit=commune_a).first()
    assert (change.old_value, change.new_value, change.user) == (D(120), D(118), clerk_a)


@pytest.fixture
def approved(client, clerk_a, officer, commune_a, catalogue):
    """Commune A's October, submitted by the clerk and approved by the officer."""
    client.force_login(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "120"}, action="submit")
    client.force_login(officer)
    post(client, commune_a, action="approve")
    report = report_of(commune_a)
    assert report.status == ReportStatus.APPROVED
    client.force_login(clerk_a)
    return report


def _state(unit):
    return (
        list(Achievement.objects.filter(report__unit=unit).values_list("value", "version")),
        list(MonthlyReport.objects.filter(unit=unit).values_list("status", "updated_at")),
        FigureChange.objects.count(),
    )


@pytest.mark.parametrize("action", ["save", "submit", "recalculate"])
def test_a_locked_month_refuses_the_clerks_changes(client, approved, commune_a, catalogue, action):
    before = _state(commune_a)
    response = post(client, commune_a, {catalogue["JOBS"]: "999"}, action=action)
    assert response.status_code < 500
    assert _state(commune_a) == before
    assert jobs_value(commune_a, catalogue) == D(120)


def test_a_locked_month_tells_the_clerk_why_the_save_was_refused(
    client, approved, commune_a, catalogue
):
    """A clerk whose page was drawn before the approval is told why, not shown a bare 403."""
    response = post(client, commune_a, {catalogue["JOBS"]: "999"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số liệu tháng 10/2026 đang ở trạng thái “đã duyệt” nên không thể sửa nữa." in html
    assert jobs_value(commune_a, catalogue) == D(120)


def test_reopen_needs_a_reason(client, approved, officer, commune_a):
    client.force_login(officer)
    response = post(client, commune_a, action="reopen", reason="  ", follow=True)
    assert "Hãy ghi lý do mở lại tháng đã duyệt." in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == ReportStatus.APPROVED
    assert not approved.events.filter(action=ReportEvent.Action.REOPENED).exists()


# ---------------------------------------------------------------------------------------------
# Returned for correction
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(client, clerk_a, commune_a, catalogue):
    client.force_login(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "120"}, action="submit")
    report = report_of(commune_a)
    assert report.status == ReportStatus.SUBMITTED
    return report


def test_return_with_a_comment_is_shown_to_the_clerk(
    client, submitted, clerk_a, officer, commune_a, catalogue
):
    client.force_login(officer)
    response = post(
        client, commune_a, action="return", comment="Số lao động cao bất thường", follow=True
    )
    assert "Đã trả số liệu về xã." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED
    assert submitted.comment == "Số lao động cao bất thường"
    event = submitted.events.first()
    assert (event.action, event.comment, event.user) == ("returned", submitted.comment, officer)

    client.force_login(clerk_a)
    html = page(client, commune_a)
    assert "Ý kiến của huyện" in html and "Số lao động cao bất thường" in html
    assert "Bị trả lại để sửa" in client.get(reverse("admin:index")).content.decode()
    # The clerk corrects and sends again.
    response = post(client, commune_a, {catalogue["JOBS"]: "12"}, action="submit")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert jobs_value(commune_a, catalogue) == D(12)


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_return_without_a_comment_is_refused(client, submitted, officer, commune_a, comment):
    client.force_login(officer)
    extra = {} if comment is None else {"comment": comment}
    response = post(client, commune_a, action="return", follow=True, **extra)
    assert response.status_code == 200
    assert "Hãy ghi lý do trả lại để xã biết cần sửa gì." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED and submitted.comment == ""
    assert not submitted.events.filter(action=ReportEvent.Action.RETURNED).exists()


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_a_clerk_cannot_approve_return_or_reopen(client, submitted, commune_a, action):
    response = post(client, commune_a, action=action, comment="x", reason="x")
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert list(submitted.events.values_list("action", flat=True)) == ["submitted"]


def test_an_officer_cannot_approve_a_draft(client, clerk_a, officer, commune_a, catalogue):
    client.force_login(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "5"})
    client.force_login(officer)
    response = post(client, commune_a, action="approve", follow=True)
    html = response.content.decode()
    assert "Báo cáo đang ở trạng thái “nháp” nên không thể chuyển sang “đã duyệt”." in html
    assert report_of(commune_a).status == ReportStatus.DRAFT


def test_approving_a_month_with_no_report_is_refused(client, officer, commune_a):
    client.force_login(officer)
    assert post(client, commune_a, action="approve").status_code == 403
    assert not MonthlyReport.objects.exists()


# ---------------------------------------------------------------------------------------------
# Bulk approval from the list of monthly reports
# ---------------------------------------------------------------------------------------------


def test_bulk_approve_approves_submitted_reports_only(
    client, clerk_a, clerk_b, officer, commune_a, commune_b, township, catalogue
):
    for clerk, unit in [(clerk_a, commune_a), (clerk_b, commune_b)]:
        client.force_login(clerk)
        post(client, unit, {catalogue["JOBS"]: "7"}, action="submit")
    draft = MonthlyReport.objects.create(unit=township, year=2026, month=10)
    reports = list(MonthlyReport.objects.all())
    changelist = reverse("admin:indicators_monthlyreport_changelist")

    client.force_login(officer)
    assert "Duyệt các báo cáo đã gửi được chọn" in client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {
            "action": "approve_selected",
            "index": 0,
            ACTION_CHECKBOX_NAME: [r.pk for r in reports],
        },
        follow=True,
    )
    assert "2 báo cáo đã được duyệt." in response.content.decode()
    statuses = dict(MonthlyReport.objects.values_list("unit__code", "status"))
    assert statuses == {"xa-a": "approved", "xa-b": "approved", "tt": "draft"}
    assert ReportEvent.objects.filter(action="approved", user=officer).count() == 2
    draft.refresh_from_db()
    assert draft.approved_at is None


def test_bulk_approve_is_not_offered_to_a_clerk(client, clerk_a, commune_a, catalogue):
    client.force_login(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "7"}, action="submit")
    changelist = reverse("admin:indicators_monthlyreport_changelist")
    assert "approve_selected" not in client.get(changelist).content.decode()
    client.post(
        changelist,
        {"action": "approve_selected", "index": 0, ACTION_CHECKBOX_NAME: [report_of(commune_a).pk]},
    )
    assert report_of(commune_a).status == ReportStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# History of targets and figures
# ---------------------------------------------------------------------------------------------


def test_editing_a_target_records_its_history(client, officer, commune_a, catalogue, targets):
    target = Target.objects.get(indicator=catalogue["JOBS"], unit=commune_a)
    change_url = reverse("admin:indicators_target_change", args=[target.pk])
    client.force_login(officer)
    html = client.get(change_url).content.decode()
    assert "Chưa có thay đổi nào được ghi nhận." in html

    response = client.post(
        change_url,
        {
            "indicator": target.indicator_id,
            "unit": target.unit_id,
            "year": 2026,
            "value": "1500",
            "source": "Quyết định số 12/QĐ-UBND",
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    target.refresh_from_db()
    assert (target.value, target.updated_by, target.version) == (D(1500), officer, 2)
    change = FigureChange.objects.get(kind=FigureChange.Kind.TARGET)
    assert (change.indicator, change.unit, change.year, change.month) == (
        catalogue["JOBS"],
        commune_a,
        2026,
        None,
    )
    assert (change.old_value, change.new_value, change.user) == (D(1200), D(1500), officer)
    assert change.reason == "Quyết định số 12/QĐ-UBND"

    html = client.get(change_url).content.decode()
    assert "Giá trị cũ" in html and "Giá trị mới" in html
    assert "1.200" in html and "1.500" in html
    assert "Quyết định số 12/QĐ-UBND" in html and "officer" in html
    assert "Chưa có thay đổi nào được ghi nhận." not in html


def test_saving_a_target_unchanged_records_nothing(client, officer, commune_a, catalogue, targets):
    target = Target.objects.get(indicator=catalogue["JOBS"], unit=commune_a)
    client.force_login(officer)
    response = client.post(
        reverse("admin:indicators_target_change", args=[target.pk]),
        {
            "indicator": target.indicator_id,
            "unit": target.unit_id,
            "year": 2026,
            "value": "1200",
            "source": "",
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302
    assert not FigureChange.objects.exists()


def test_adding_a_target_records_it_from_nothing(client, officer, commune_b, catalogue):
    client.force_login(officer)
    response = client.post(
        reverse("admin:indicators_target_add"),
        {
            "indicator": catalogue["DOSE1"].pk,
            "unit": commune_b.pk,
            "year": 2026,
            "value": "800",
            "source": "Kế hoạch tiêm chủng",
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302
    change = FigureChange.objects.get()
    assert (change.kind, change.old_value, change.new_value) == ("target", None, D(800))


def test_a_figure_change_page_shows_its_history(client, clerk_a, officer, commune_a, catalogue):
    client.force_login(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "1.100"})
    post(client, commune_a, {catalogue["JOBS"]: "1.250"})
    achievement = Achievement.objects.get(indicator=catalogue["JOBS"])
    assert achievement.version == 2
    changes = list(
        FigureChange.objects.filter(kind="achievement").values_list("old_value", "new_value")
    )
    assert changes == [(D(1100), D(1250)), (None, D(1100))]  # newest first

    change_url = reverse("admin:indicators_achievement_change", args=[achievement.pk])
    for user in (clerk_a, officer):
        client.force_login(user)
        html = client.get(change_url).content.decode()
        assert "1.100" in html and "1.250" in html, user
        assert "clerk.a" in html and "Giá trị cũ" in html


# ---------------------------------------------------------------------------------------------
# District overview: completeness and timeliness of each unit
# ---------------------------------------------------------------------------------------------


def _at(day, hour=10):
    """An aware datetime in Vietnam's time zone."""
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour))


def _commune(district, code, order):
    return AdministrativeUnit.objects.create(
        code=code, name=code.title(), kind=UnitKind.COMMUNE, parent=district, order=order
    )


def _report(unit, catalogue, status, submitted_at=None, figures=1, year=2026, month=10):
    report = MonthlyReport.objects.create(
        unit=unit, year=year, month=month, status=status, submitted_at=submitted_at
    )
    for code in ["JOBS", "POOR", "HH"][:figures]:
        Achievement.objects.create(report=report, indicator=catalogue[code], value=1)
    return report


@pytest.fixture
def october(district, catalogue):
    """One commune in each state for 10/2026 (due 5/11/2026, the default due day)."""
    units = {
        code: _commune(district, code, n)
        for n, code in enumerate(
            ["none", "draft", "ontime", "lastminute", "late", "returned", "approved"]
        )
    }
    _report(units["draft"], catalogue, ReportStatus.DRAFT, figures=2)
    _report(units["ontime"], catalogue, ReportStatus.SUBMITTED, _at(4), figures=3)
    # 23:00 on the due day in Vietnam (16:00 UTC) is on time; 0:00 the next day (still the
    # 5th in UTC) is late: the due date is read in local time.
    _report(units["lastminute"], catalogue, ReportStatus.SUBMITTED, _at(5, 23))
    _report(units["late"], catalogue, ReportStatus.SUBMITTED, _at(6, 0))
    _report(units["returned"], catalogue, ReportStatus.RETURNED, _at(3))
    _report(units["approved"], catalogue, ReportStatus.APPROVED, _at(2))
    return units


def test_month_progress_before_the_due_date(october):
    units = list(october.values())
    progress = {p.unit.code: p for p in month_progress(units, 2026, 10, datetime.date(2026, 11, 5))}
    assert {code: p.state for code, p in progress.items()} == {
        "none": Progress.NOT_STARTED,
        "draft": Progress.ENTERED,
        "ontime": Progress.SUBMITTED,
        "lastminute": Progress.SUBMITTED,
        "late": Progress.SUBMITTED_LATE,
        "returned": Progress.RETURNED,
        "approved": Progress.APPROVED,
    }
    assert progress["none"].label == "Chưa nhập"
    assert progress["draft"].label == "Đã nhập, chưa gửi"
    assert progress["ontime"].label == "Đã gửi đúng hạn"
    assert progress["late"].label == "Gửi trễ hạn"
    assert progress["approved"].label == "Đã duyệt"
    assert progress["returned"].label == "Bị trả lại để sửa"
    assert (progress["draft"].entered, progress["ontime"].entered) == (2, 3)
    assert progress["none"].entered == 0
    assert progress["draft"].due == datetime.date(2026, 11, 5)


def test_month_progress_after_the_due_date(october):
    units = list(october.values())
    progress = {p.unit.code: p for p in month_progress(units, 2026, 10, datetime.date(2026, 11, 6))}
    assert progress["none"].state == Progress.OVERDUE
    assert progress["draft"].state == Progress.OVERDUE
    assert progress["none"].label == "Quá hạn"
    # What was submitted keeps its timeliness whatever the day the overview is read.
    assert progress["ontime"].state == Progress.SUBMITTED
    assert progress["late"].state == Progress.SUBMITTED_LATE
    assert progress["approved"].state == Progress.APPROVED


def test_month_progress_counts_the_indicators_each_unit_enters(
    district, commune_a, township, catalogue
):
    progress = {p.unit: p for p in month_progress([commune_a, township], 2026, 10)}
    entered = [i for i in catalogue.values() if i.is_entered]
    assert progress[commune_a].expected == sum(1 for i in entered if i.applies_to_unit(commune_a))
    # A township does not enter the new-rural indicators (xã only).
    assert progress[township].expected == progress[commune_a].expected - 2


def test_month_progress_queries_do_not_grow_with_communes(
    october, district, catalogue, django_assert_max_num_queries
):
    units = list(october.values())
    month_progress(units, 2026, 10)  # the site settings are cached from here on
    with django_assert_max_num_queries(3) as few:
        month_progress(units, 2026, 10)
    for n in range(15):
        unit = _commune(district, f"them-{n}", 20 + n)
        _report(unit, catalogue, ReportStatus.SUBMITTED, _at(3), figures=3)
    units = list(AdministrativeUnit.objects.all())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(month_progress(units, 2026, 10)) == len(units)


@pytest.fixture
def march_2025(district, commune_a, commune_b, township, catalogue):
    """Long past its due date (5/4/2025): approved, late, on time, and nothing."""
    at = lambda day: timezone.make_aware(datetime.datetime(2025, 4, day, 9))  # noqa: E731
    _report(commune_a, catalogue, ReportStatus.APPROVED, at(2), year=2025, month=3)
    _report(commune_b, catalogue, ReportStatus.SUBMITTED, at(9), year=2025, month=3)
    _report(township, catalogue, ReportStatus.SUBMITTED, at(4), figures=2, year=2025, month=3)


def test_overview_shows_each_units_state(client, officer, march_2025, commune_a, commune_b):
    client.force_login(officer)
    overview = reverse("admin:indicators_monthlyreport_overview")
    response = client.get(overview, {"year": 2025, "month": 3})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số liệu tháng 03/2025 của các đơn vị" in html
    states = {p.unit.code: p.label for p in response.context["progress"]}
    assert states == {
        "huyen": "Quá hạn",  # the district's own figures (MONEY) were never entered
        "tt": "Đã gửi đúng hạn",
        "xa-a": "Đã duyệt",
        "xa-b": "Gửi trễ hạn",
    }
    for label in states.values():
        assert label in html
    assert "Xã An Bình" in html and "Xã Tân Lập" in html
    assert url(commune_b, 2025, 3) in html  # each row opens the unit's month


def test_overview_queries_do_not_grow_with_communes(
    client, officer, march_2025, district, catalogue, django_assert_max_num_queries
):
    client.force_login(officer)
    overview = reverse("admin:indicators_monthlyreport_overview")
    query = {"year": 2025, "month": 3}
    client.get(overview, query)  # warm the caches (site settings)
    with django_assert_max_num_queries(30) as few:
        assert client.get(overview, query).status_code == 200
    for n in range(15):
        unit = _commune(district, f"them-{n}", 20 + n)
        _report(unit, catalogue, ReportStatus.SUBMITTED, _at(3), figures=3, year=2025, month=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(overview, query)
    assert len(response.context["progress"]) == 4 + 15


# ---------------------------------------------------------------------------------------------
# The admin's start page: what each staff member has to do
# ---------------------------------------------------------------------------------------------


def test_index_shows_the_clerk_their_to_do(client, clerk_a, commune_a, commune_b):
    client.force_login(clerk_a)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Số liệu tháng: việc cần làm" in html
    assert "Xã An Bình" in html and "Xã Tân Lập" not in html
    today = timezone.localdate()
    assert url(commune_a, today.year, today.month) in html
    assert "chờ duyệt" not in html  # a clerk approves nothing


def test_index_shows_the_officer_the_reports_waiting(
    client, officer, commune_a, commune_b, township, catalogue
):
    _report(commune_a, catalogue, ReportStatus.SUBMITTED, _at(3))
    _report(commune_b, catalogue, ReportStatus.SUBMITTED, _at(4))
    _report(township, catalogue, ReportStatus.APPROVED, _at(2))
    client.force_login(officer)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Số liệu tháng: việc cần làm" in html
    assert "2 báo cáo tháng đang chờ duyệt" in html
    assert reverse("admin:indicators_monthlyreport_overview") in html


def test_index_shows_nothing_to_an_editor(client, editor, commune_a, catalogue):
    _report(commune_a, catalogue, ReportStatus.SUBMITTED, _at(3))
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Số liệu tháng: việc cần làm" not in html
