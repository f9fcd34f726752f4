import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from portal import formatting


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (4884, 0, "4.884"),
        (130000000, 0, "130.000.000"),
        (Decimal("1.754"), 2, "1,75"),
        (Decimal("1.755"), 2, "1,76"),  # half up, as people round
        (0.5, 0, "1"),
        (-1234.5, 1, "-1.234,5"),
        (Decimal("-0.001"), 2, "0,00"),
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (None, 0, "–"),
    ],
)
def test_format_number(value, decimals, expected):
    assert formatting.format_number(value, decimals) == expected


def test_percent_and_money():
    assert formatting.format_percent(Decimal("1.75")) == "1,75%"
    assert formatting.format_percent(Decimal("85.68"), 1) == "85,7%"
    assert formatting.format_percent(None) == "–"
    with translation.override("vi"):
        assert formatting.format_money(130000000) == "130.000.000 đồng"


def test_datetime_in_local_time_with_vietnamese_weekday():
    moment = datetime.datetime(2022, 10, 27, 21, 0, tzinfo=datetime.UTC)
    with translation.override("vi"):
        assert formatting.format_datetime(moment) == "Thứ sáu, 28/10/2022 04:00"
    local = datetime.datetime(2022, 10, 30, 9, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with translation.override("vi"):
        assert formatting.format_datetime(local) == "Chủ nhật, 30/10/2022 09:05"


def test_template_filters_and_django_localisation_agree():
    template = Template(
        "{% load vn %}{{ n|vn_number }} {{ p|vn_percent }} {{ m|vn_money }} {{ n }} {{ d }}"
    )
    moment = datetime.datetime(2022, 10, 27, 21, 0, tzinfo=datetime.UTC)
    with translation.override("vi"):
        text = template.render(Context({"n": 4884, "p": 1.75, "m": 130000000, "d": moment}))
    # Django's own localisation (admin, forms) uses the same separators and weekday names.
    assert text == "4.884 1,75% 130.000.000 đồng 4.884 Thứ sáu, 28/10/2022 04:00"
