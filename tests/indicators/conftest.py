"""A small district with a handful of indicators, and one staff member per role."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from indicators.models import (
    AdministrativeUnit,
    Aggregation,
    Applicability,
    Comparison,
    Indicator,
    IndicatorKind,
    Program,
    Target,
    TimeBehaviour,
    UnitAssignment,
    UnitKind,
)
from portal import roles


@pytest.fixture
def district(db):
    return AdministrativeUnit.objects.create(
        code="huyen", name="Thử Nghiệm", kind=UnitKind.DISTRICT
    )


@pytest.fixture
def commune_a(district):
    return AdministrativeUnit.objects.create(
        code="xa-a", name="An Bình", kind=UnitKind.COMMUNE, parent=district, order=1
    )


@pytest.fixture
def commune_b(district):
    return AdministrativeUnit.objects.create(
        code="xa-b", name="Tân Lập", kind=UnitKind.COMMUNE, parent=district, order=2
    )


@pytest.fixture
def township(district):
    return AdministrativeUnit.objects.create(
        code="tt", name="Thử Nghiệm", kind=UnitKind.TOWNSHIP, parent=district, order=0
    )


@pytest.fixture
def catalogue(db):
    """Indicators of every behaviour, keyed by code."""
    jobs = Program.objects.create(code="ld", name="Lao động – việc làm", order=1)
    rural = Program.objects.create(code="ntm", name="Nông thôn mới", order=2)
    poor = Program.objects.create(code="gn", name="Giảm nghèo", order=3)
    vac = Program.objects.create(code="tc", name="Tiêm chủng", order=4)

    def make(program, code, **kwargs):
        kwargs.setdefault("name", code)
        return Indicator.objects.create(program=program, code=code, **kwargs)

    items = {}
    items["JOBS"] = make(jobs, "JOBS", name="Lao động có việc làm mới", unit_of_measure="người")
    items["CRIT"] = make(
        rural,
        "CRIT",
        name="Tiêu chí nông thôn mới đạt được",
        kind=IndicatorKind.CRITERIA,
        criteria_total=19,
        time_behaviour=TimeBehaviour.STOCK,
        aggregation=Aggregation.AVERAGE,
        applies_to=Applicability.RURAL,
        compare_with=Comparison.NONE,
    )
    items["NTM"] = make(
        rural,
        "NTM",
        name="Xã đạt chuẩn nông thôn mới",
        kind=IndicatorKind.STANDARD,
        time_behaviour=TimeBehaviour.STOCK,
        aggregation=Aggregation.COUNT_MEETING,
        applies_to=Applicability.RURAL,
        compare_with=Comparison.NONE,
    )
    items["POOR"] = make(
        poor, "POOR", name="Hộ nghèo", time_behaviour=TimeBehaviour.STOCK, unit_of_measure="hộ"
    )
    items["HH"] = make(
        poor, "HH", name="Tổng số hộ", time_behaviour=TimeBehaviour.STOCK, unit_of_measure="hộ"
    )
    items["RATE"] = make(
        poor,
        "RATE",
        name="Tỷ lệ hộ nghèo",
        kind=IndicatorKind.RATIO,
        numerator=items["POOR"],
        denominator=items["HH"],
        decimals=2,
        compare_with=Comparison.NONE,
        time_behaviour=TimeBehaviour.STOCK,
    )
    items["GIFTS"] = make(poor, "GIFTS", name="Tổng số phần quà", unit_of_measure="phần")
    items["GIFT-A"] = make(poor, "GIFT-A", name="Quà hộ nghèo", total_of=items["GIFTS"])
    items["GIFT-B"] = make(poor, "GIFT-B", name="Quà hộ cận nghèo", total_of=items["GIFTS"])
    items["DOSE1"] = make(
        vac,
        "DOSE1",
        name="Mũi 1",
        time_behaviour=TimeBehaviour.STOCK,
        compare_with=Comparison.POPULATION,
        above_plan_is_normal=True,
    )
    items["DOSE2"] = make(
        vac,
        "DOSE2",
        name="Mũi 2",
        time_behaviour=TimeBehaviour.STOCK,
        compare_with=Comparison.POPULATION,
        above_plan_is_normal=True,
        not_above=items["DOSE1"],
    )
    items["MONEY"] = make(
        jobs,
        "MONEY",
        name="Tiền hỗ trợ thuê nhà",
        unit_of_measure="đồng",
        aggregation=Aggregation.JURISDICTION_ONLY,
        applies_to=Applicability.JURISDICTION,
    )
    return items


@pytest.fixture
def targets(catalogue, district, commune_a, commune_b):
    Target.objects.create(indicator=catalogue["JOBS"], unit=commune_a, year=2026, value=1200)
    Target.objects.create(indicator=catalogue["JOBS"], unit=commune_b, year=2026, value=600)
    Target.objects.create(indicator=catalogue["DOSE1"], unit=commune_a, year=2026, value=1000)


def _user(username, role=None, unit=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="mat-khau-thu-nghiem", is_staff=True, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=roles.role_group_name(role)))
    if unit:
        UnitAssignment.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def clerk_a(commune_a):
    return _user("clerk.a", roles.COMMUNE_CLERK, commune_a)


@pytest.fixture
def clerk_b(commune_b):
    return _user("clerk.b", roles.COMMUNE_CLERK, commune_b)


@pytest.fixture
def officer(db):
    return _user("officer", roles.DISTRICT_OFFICER)


@pytest.fixture
def editor(db):
    return _user("editor", roles.EDITOR)


@pytest.fixture
def superuser(db):
    return _user("admin", is_superuser=True)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


D = Decimal
