"""One source of truth: every indicator of the demo district reads the same everywhere.

For several periods, each indicator's value and percent of its target are read from what
people see — the district report in the admin, the public results pages, a report draft
created from the admin page, and the official report workbook — and must all be the texts
``indicators.reporting`` writes for it. The workbook holds numbers with number formats: each
cell is written as its format shows it and compared with the same texts.
"""

import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import load_workbook

from articles.models import Article, ArticleFigure
from indicators.models import AdministrativeUnit, Indicator, MonthlyReport, Program, ReportStatus
from indicators.reporting import build_report
from indicators.spreadsheets.official import build_official_workbook, workbook_bytes
from portal import formatting
from portal.demo import load_demo

pytestmark = pytest.mark.django_db

# December of the reference year, the month being reported in 2026 (some communes not yet
# approved), and the end of a quarter read as a quarter in the workbook.
PERIODS = [(2022, 12, "month"), (2026, 10, "month"), (2022, 9, "quarter")]
PAGE_QUERIES = 15
DISTRICT_COLUMNS = (5, 7, 8)  # in the workbook: the district's target, …, value, percent


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module (rolled back at its end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


class _Rows(HTMLParser):
    """The rows of every table of a page: [[cell text, …], …] (header and data cells)."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html):
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def expected_texts(year, month):
    """{code: (value text, percent text)} as the reporting module writes them."""
    report = build_report(year, month)
    return {
        row.indicator.code: (row.total.value_text, row.total.percent_text) for row in report.rows()
    }


def admin_report_texts(client, year, month):
    """From the district report page: the "up to this month" and "% of target" columns."""
    response = client.get(f"/admin/indicators/monthlyreport/report/?year={year}&month={month}")
    assert response.status_code == 200
    texts = {}
    for cells in table_rows(response.content.decode()):
        if len(cells) < 6 or " " not in cells[0]:
            continue
        code = cells[0].split(" ", 1)[0]
        value = cells[4].removesuffix(" (ước tính)").removesuffix(" (ước)")
        texts[code] = (value, cells[5])
    return texts


_SECTION = re.compile(
    r'<section class="rs-indicator" aria-labelledby="cs-(?P<code>[^"]+)">.*?'
    r'<p class="rs-progress-text">(?P<text>.*?)</p>',
    re.S,
)


def public_texts(client, year, month, max_queries):
    """From the public page of each program: the progress line of each indicator."""
    texts = {}
    for code in Program.objects.values_list("code", flat=True):
        with max_queries(PAGE_QUERIES):
            response = client.get(f"/ket-qua/chuong-trinh/{code}/?nam={year}&thang={month}")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="rs-notice"' not in html  # the month asked for, not an earlier one
        assert f'<option value="{month}" selected>' in html
        for found in _SECTION.finditer(html):
            line = found.group("text")
            value = re.search(r'rs-value">([^<]*)<', line).group(1)
            percent = re.search(r'rs-percent">([^<]*)<', line)
            texts[found.group("code")] = (value, percent.group(1) if percent else "–")
    return texts


def draft_texts(client, year, month, names):
    """From a report draft created on the admin page, of every program: its tables."""
    before = set(Article.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/indicators/monthlyreport/draft-report/",
        {
            "year": year,
            "month": month,
            "period": "month",
            "programs": list(Program.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    article = Article.objects.exclude(pk__in=before).get()
    texts = {}
    for cells in table_rows(article.body):
        if len(cells) == 6 and cells[0] in names:
            texts[names[cells[0]]] = (cells[4], cells[5])
    return texts


def article_texts(client, year, month, codes, unit=None):
    """From a published article quoting each indicator's year to date and percent of plan."""
    indicators = Indicator.objects.in_bulk(field_name="code")
    tokens = []
    with transaction.atomic():
        article = Article.objects.create(title=f"Trích dẫn {month}/{year} {unit}", body="")
        for i, code in enumerate(codes):
            for number, measure in ((2 * i + 1, "year_to_date"), (2 * i + 2, "percent")):
                ArticleFigure.objects.create(
                    article=article,
                    number=number,
                    measure=measure,
                    indicator=indicators[code],
                    unit=unit,
                    year=year,
                    month=month,
                )
                tokens.append(f"<li>[số liệu {number}]</li>")
        article.body = "<ul>" + "".join(tokens) + "</ul>"
        article.status = Article.Status.PUBLISHED
        article.save()  # published: the figures are frozen now
    assert all(f.is_frozen for f in article.figures.all())
    html = client.get(article.get_absolute_url()).content.decode()
    quoted = re.findall(r'<li><span class="quoted-figure">([^<]*)</span></li>', html)
    assert len(quoted) == 2 * len(codes)
    no_data = "chưa có số liệu"
    quoted = [formatting.MISSING if text == no_data else text for text in quoted]
    return {code: (quoted[2 * i], quoted[2 * i + 1]) for i, code in enumerate(codes)}


_ENTRY_ROW = re.compile(
    r'<tr class="entry-row.*?<span class="uom" id="help_\d+">(?P<code>[^ <]+).*?'
    r'data-role="after">(?P<after>[^<]*)<.*?data-role="percent">(?P<percent>[^<]*)<',
    re.S,
)


def entry_texts(client, unit, year, month):
    """From the commune's monthly entry form: "after this month" and "% of target"."""
    url = f"/admin/indicators/monthlyreport/entry/{unit.code}/{year}/{month}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return {
        m.group("code"): (m.group("after").strip(), m.group("percent").strip())
        for m in _ENTRY_ROW.finditer(html)
    }


def shown_as(value, number_format):
    """A cell's value as its number format writes it, in the portal's Vietnamese style."""
    if value is None:
        return formatting.MISSING
    literal = "".join(re.findall(r'"([^"]*)"', number_format))
    code = re.sub(r'"[^"]*"', "", number_format)
    decimals = len(code.split(".", 1)[1].rstrip("%")) if "." in code else 0
    number = Decimal(str(value))
    if code.endswith("%"):
        return formatting.format_percent(number * 100, decimals) + literal
    return formatting.format_number(number, decimals) + literal


def workbook_texts(year, month, period):
    """From the official workbook: the district's year to date and percent, as shown."""
    content = workbook_bytes(build_official_workbook(year=year, month=month, period=period))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    texts = {}
    for row in sheet.iter_rows(min_row=13):
        code = row[1].value
        if not code or not isinstance(row[0].value, int):
            continue
        _target, value, percent = (row[c - 1] for c in DISTRICT_COLUMNS)
        texts[code] = (
            shown_as(value.value, value.number_format),
            shown_as(percent.value, percent.number_format),
        )
    return texts


@pytest.mark.parametrize(("year", "month", "period"), PERIODS)
def test_every_indicator_reads_the_same_everywhere(
    demo, client, year, month, period, django_assert_max_num_queries
):
    editor = get_user_model().objects.get(username="bientap")
    names = dict(Indicator.objects.active().values_list("name", "code"))
    assert len(names) == Indicator.objects.active().count()  # names tell indicators apart

    expected = expected_texts(year, month)
    assert len(expected) == len(names)
    reported = [code for code, (value, _percent) in expected.items() if value != "–"]
    assert len(reported) > len(expected) / 2
    assert any(percent != "–" for _value, percent in expected.values())

    public = public_texts(client, year, month, django_assert_max_num_queries)
    client.force_login(editor)
    with django_assert_max_num_queries(PAGE_QUERIES + 10):  # and the admin's session, user…
        admin_page = admin_report_texts(client, year, month)
    draft = draft_texts(client, year, month, names)
    workbook = workbook_texts(year, month, period)
    client.logout()
    article = article_texts(client, year, month, list(expected))

    for code, texts in expected.items():
        seen = {
            "admin": admin_page.get(code),
            "public": public.get(code),
            "draft": draft.get(code),
            "workbook": workbook.get(code),
            "article": article.get(code),
        }
        assert all(found == texts for found in seen.values()), (code, texts, seen)


@pytest.mark.parametrize(("year", "month", "period"), PERIODS)
def test_a_communes_figures_read_the_same_in_its_entry_form_and_everywhere(
    demo, client, year, month, period, django_assert_max_num_queries
):
    """The commune clerk's entry form, the commune's results page and an article agree."""
    unit = AdministrativeUnit.objects.get(code="loc-an")
    approved = MonthlyReport.objects.filter(
        unit=unit, year=year, month=month, status=ReportStatus.APPROVED
    ).exists()
    report = build_report(year, month, published_only=approved)
    expected = {
        row.indicator.code: (row.by_unit[unit.pk].value_text, row.by_unit[unit.pk].percent_text)
        for row in report.rows()
        if unit.pk in row.by_unit
    }
    assert any(value != "–" for value, _percent in expected.values())

    client.force_login(get_user_model().objects.get(username="canbo.locan"))
    with django_assert_max_num_queries(40):
        entry = entry_texts(client, unit, year, month)
    assert entry, "the entry form shows the commune's indicators"
    for code, (after, percent) in entry.items():
        value, expected_percent = expected[code]
        # Criteria met read "19/19" on pages; the form's label already says "of 19 criteria".
        assert (after, percent) == (value.split("/")[0], expected_percent), (code, after, value)

    if not approved:
        return  # the public sees approved months only; the entry form shows the draft
    client.logout()
    response = client.get(f"/ket-qua/xa/{unit.code}/?nam={year}&thang={month}")
    public = {}
    for found in _SECTION.finditer(response.content.decode()):
        line = found.group("text")
        value = re.search(r'rs-value">([^<]*)<', line).group(1)
        percent = re.search(r'rs-percent">([^<]*)<', line)
        public[found.group("code")] = (value, percent.group(1) if percent else "–")
    article = article_texts(client, year, month, list(entry), unit=unit)
    for code in entry:
        assert public.get(code) == expected[code], (code, public.get(code), expected[code])
        assert article[code] == expected[code], (code, article[code], expected[code])
