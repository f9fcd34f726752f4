from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Achievement, FigureChange, Indicator, MonthlyReport, ReportStatus

pytestmark = pytest.mark.django_db


def url(unit, year=2026, month=10):
    return reverse(
        "admin:indicators_monthlyreport_entry",
        kwargs={"unit_code": unit.code, "year": year, "month": month},
    )


def post(client, unit, values, action="save", year=2026, month=10, **extra):
    data = {"action": action}
    for indicator, value in values.items():
        data[f"value_{indicator.pk}"] = value
    data.update(extra)
    return client.post(url(unit, year, month), data)


def test_clerk_sees_every_indicator_of_their_commune(
    as_user, clerk_a, commune_a, catalogue, targets
):
    response = as_user(clerk_a).get(url(commune_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lao động có việc làm mới" in html and "Tiêu chí nông thôn mới đạt được" in html
    assert "Tiền hỗ trợ thuê nhà" not in html  # entered by the district only
    assert "1.200" in html  # the commune's target, Vietnamese format
    assert "Lưu nháp" in html and "Gửi duyệt" in html


def test_save_draft_stores_figures_and_history(as_user, clerk_a, commune_a, catalogue, targets):
    client = as_user(clerk_a)
    response = post(client, commune_a, {catalogue["JOBS"]: "1.234", catalogue["CRIT"]: "12"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get(unit=commune_a, year=2026, month=10)
    assert report.status == ReportStatus.DRAFT
    values = dict(report.achievements.values_list("indicator__code", "value"))
    assert values == {"JOBS": Decimal("1234"), "CRIT": Decimal("12")}
    change = FigureChange.objects.get(indicator=catalogue["JOBS"])
    assert (change.old_value, change.new_value, change.user) == (None, Decimal("1234"), clerk_a)
    html = client.get(url(commune_a)).content.decode()
    assert 'value="1.234"' in html
    assert "102,8%" in html  # 1.234 of 1.200


def test_zero_is_a_figure_and_empty_is_not(as_user, clerk_a, commune_a, catalogue):
    client = as_user(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "0", catalogue["CRIT"]: ""})
    report = MonthlyReport.objects.get(unit=commune_a)
    assert list(report.achievements.values_list("indicator__code", "value")) == [
        ("JOBS", Decimal("0"))
    ]


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("JOBS", "mười", "Hãy nhập một số"),
        ("JOBS", "-5", "không thể là số âm"),
        ("JOBS", "12,5", "Hãy nhập một số nguyên"),
        ("CRIT", "20", "Chỉ có 19 tiêu chí"),
        ("NTM", "2", "Nhập 1 nếu đạt chuẩn"),
    ],
)
def test_bad_values_block_saving_and_keep_what_was_typed(
    as_user, clerk_a, commune_a, catalogue, code, typed, message
):
    client = as_user(clerk_a)
    response = post(client, commune_a, {catalogue[code]: typed, catalogue["HH"]: "3.210"})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html and 'value="3.210"' in html  # nothing typed is lost
    assert not Achievement.objects.exists()


def test_submit_needs_a_reason_for_each_warning(as_user, clerk_a, commune_a, catalogue):
    client = as_user(clerk_a)
    typed = {catalogue["GIFTS"]: "10", catalogue["GIFT-A"]: "4", catalogue["GIFT-B"]: "5"}
    response = post(client, commune_a, typed, action="submit")
    assert response.status_code == 200
    assert "Các phần cộng lại được 9, không phải 10." in response.content.decode()
    assert not MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED).exists()

    extra = {f"reason_{catalogue['GIFTS'].pk}": "Một phần quà chưa phân loại"}
    response = post(client, commune_a, typed, action="submit", **extra)
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    gifts = report.achievements.get(indicator=catalogue["GIFTS"])
    assert "không phải 10" in gifts.warning and gifts.warning_reason


def test_dose_two_above_dose_one_is_a_warning_not_an_error(as_user, clerk_a, commune_a, catalogue):
    client = as_user(clerk_a)
    response = post(client, commune_a, {catalogue["DOSE1"]: "100", catalogue["DOSE2"]: "120"})
    assert response.status_code == 302  # a draft saves with warnings
    dose2 = Achievement.objects.get(indicator=catalogue["DOSE2"])
    assert "Mũi 1" in dose2.warning


def test_recalculate_computes_on_the_server_without_saving(
    as_user, clerk_a, commune_a, catalogue, targets
):
    client = as_user(clerk_a)
    response = post(client, commune_a, {catalogue["JOBS"]: "600"}, action="recalculate")
    assert response.status_code == 200
    assert "50,0%" in response.content.decode()
    assert not Achievement.objects.exists()


def test_year_to_date_adds_the_months_before(as_user, clerk_a, commune_a, catalogue, targets):
    client = as_user(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "100"}, month=8)
    post(client, commune_a, {catalogue["JOBS"]: "200"}, month=9)
    response = post(client, commune_a, {catalogue["JOBS"]: "300"}, action="recalculate")
    html = response.content.decode()
    assert ">300<" in html.replace(" ", "") or "300" in html  # before: 100 + 200
    assert "600" in html and "50,0%" in html


def test_concurrent_change_is_stopped_with_both_values(
    as_user, clerk_a, officer, commune_a, catalogue
):
    client = as_user(clerk_a)
    post(client, commune_a, {catalogue["JOBS"]: "10"})
    achievement = Achievement.objects.get()
    seen = achievement.version
    # Someone else saves meanwhile.
    achievement.value, achievement.version = Decimal(15), seen + 1
    achievement.save()
    response = post(
        client, commune_a, {catalogue["JOBS"]: "12"}, **{f"version_{catalogue['JOBS'].pk}": seen}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Có người khác đã thay đổi" in html
    assert ">12<" in html and ">15<" in html
    assert Achievement.objects.get().value == 15
    # Saving again on purpose keeps the clerk's value.
    response = post(
        client,
        commune_a,
        {catalogue["JOBS"]: "12"},
        **{f"version_{catalogue['JOBS'].pk}": seen + 1},
    )
    assert response.status_code == 302
    assert Achievement.objects.get().value == 12


def test_typed_values_survive_an_expired_session(client, clerk_a, commune_a, catalogue):
    response = post(client, commune_a, {catalogue["JOBS"]: "4.884"})  # not signed in
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.post(
        response["Location"],
        {"username": "clerk.a", "password": "mat-khau-thu-nghiem"},
    )
    html = client.get(url(commune_a)).content.decode()
    assert 'value="4.884"' in html
    assert "Phiên làm việc đã hết hạn" in html
    assert not Achievement.objects.exists()  # brought back, not saved behind the clerk's back


def test_entry_page_queries_do_not_grow_with_indicators(
    as_user, clerk_a, commune_a, catalogue, django_assert_max_num_queries
):
    client = as_user(clerk_a)
    values = {i: "1" for i in catalogue.values() if i.is_entered and i.applies_to_unit(commune_a)}
    with django_assert_max_num_queries(25) as few:
        post(client, commune_a, values)
    with django_assert_max_num_queries(25):
        client.get(url(commune_a))
    for n in range(20):
        Indicator.objects.create(program=catalogue["JOBS"].program, code=f"X{n}", name=f"X{n}")
    values = {
        i: "1" for i in Indicator.objects.all() if i.is_entered and i.applies_to_unit(commune_a)
    }
    with django_assert_max_num_queries(len(few.captured_queries)):
        post(client, commune_a, {**values})


def test_each_figure_is_described_by_its_help_whatever_its_id(
    as_user, clerk_a, commune_a, catalogue
):
    """The help's id and the input's aria-describedby agree once ids reach the thousands
    (PostgreSQL's sequences never restart: an id written 12.345 would describe nothing)."""
    Indicator.objects.create(
        pk=12345, program=catalogue["JOBS"].program, code="BIG", name="Lao động đi làm việc xa"
    )
    html = as_user(clerk_a).get(url(commune_a)).content.decode()
    assert 'aria-describedby="help_12345"' in html
    assert 'id="help_12345"' in html
