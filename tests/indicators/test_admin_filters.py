from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Achievement, MonthlyReport

pytestmark = pytest.mark.django_db


def test_filters_offer_only_the_years_the_clerk_may_see(
    as_user, clerk_a, commune_a, commune_b, catalogue
):
    for unit, year in [(commune_a, 2026), (commune_b, 2019)]:
        report = MonthlyReport.objects.create(unit=unit, year=year, month=3)
        Achievement.objects.create(report=report, indicator=catalogue["JOBS"], value=Decimal(1))
    client = as_user(clerk_a)
    for name in ["achievement", "monthlyreport"]:
        html = client.get(reverse(f"admin:indicators_{name}_changelist")).content.decode()
        assert "2026" in html
        assert "2019" not in html  # another commune's year is not even hinted at
