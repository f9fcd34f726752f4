"""The payloads, and how the attack tests send them and read the pages they reach."""

import csv
import io
import xml.etree.ElementTree as ET

from openpyxl import load_workbook

from tests.security.formdata import form_data
from tests.security.htmlcheck import executable_markup

# What an attacker types into every field that reaches a page.
PAYLOADS = {
    "script": "<script>alert('x1')</script>",
    "img-onerror": "\"><img src=x onerror=alert('x2')>",
    "javascript-url": "javascript:alert('x3')",
    "svg-onload": "<svg/onload=alert('x4')>",
    "template": "{{ 'tmplinj'|upper }}{% now 'Y' %}",
    "textarea": "</textarea><script>alert('x6')</script>",
    "attribute": "'-alert('x7')-'\" onmouseover=\"alert('x7')",
    "iframe": "<iframe src=\"javascript:alert('x8')\"></iframe>",
    "style": "<div style=\"width:expression(alert('x9'))\">css</div>",
    "rtl": "\u202egpj.exe\u202c <b dir=rtl>\u200f</b>",
    "nul": "nul\x00<script>alert('x11')</script>",
    "control": "ctl\x0b\x1b[31m\x7f\x08",
    "json-ld": "</script><script>alert('x12')</script><!--",
    "punctuation": "<>\"'&",
}
# Plain-text fields escape every payload alike (Django's autoescape): there, one payload of
# each kind of character that matters. Rich text, addresses and searches get them all.
PLAIN_KINDS = ("script", "img-onerror", "attribute", "template", "control", "nul", "json-ld")
PLAIN = {name: PAYLOADS[name] for name in (*PLAIN_KINDS, "punctuation")}
FORMULAS = ['=HYPERLINK("http://evil.example","bấm")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
# Had a template engine run a payload, one of these would show.
EVALUATED = ("TMPLINJ",)


def admin_save(client, url, changes, form_id, *, files=None):
    """Open an admin form as its user does, change some fields, post it: the response."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = form_data(page.content, form_id)
    data.update(
        {name: value if isinstance(value, list) else [value] for name, value in changes.items()}
    )
    data.setdefault("_save", ["Lưu"])
    return client.post(url, {**data, **(files or {})})


def saved(response):
    """True when an admin form was saved (redirect), False when it came back with errors."""
    if response.status_code == 302:
        return True
    assert response.status_code == 200, response.status_code
    assert "errorlist" in response.content.decode() or "errornote" in response.content.decode()
    return False


def problems_of(response, url=""):
    """What is wrong with one response for an attacker's data: [] when nothing."""
    if response.status_code >= 500:
        return [f"{url}: {response.status_code}"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    found = []
    if kind.startswith("text/html"):
        found += executable_markup(content)
    elif "spreadsheetml" in kind:
        found += formula_problems(xlsx_cells(content))
    elif "xml" in kind:
        found += feed_problems(content)
    elif kind.startswith("text/csv"):
        found += formula_problems(csv_cells(content))
    text = content.decode("utf-8", "replace")
    found += [f"evaluated template: {marker}" for marker in EVALUATED if marker in text]
    return [f"{url}: {problem}" for problem in found]


def check_pages(client, urls):
    """GET each address; assert each answers < 500 with nothing that would run."""
    problems = []
    for url in urls:
        problems += problems_of(client.get(url), url)
    assert not problems, "\n".join(problems)


def feed_problems(content):
    """RSS and sitemaps: well-formed XML; descriptions, which feed readers show as HTML, safe."""
    try:
        root = ET.fromstring(content)  # noqa: S314 - our own responses
    except ET.ParseError as error:
        return [f"XML that does not parse: {error}"]
    found = []
    for element in root.iter():
        if element.tag == "description" and element.text:
            found += executable_markup(element.text)
    return found


def csv_cells(content):
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(content):
    book = load_workbook(io.BytesIO(content))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cells.append("=formula " + str(cell.value))
                elif isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def formula_problems(cells):
    """Text a spreadsheet would run: it starts with =, +, -, @, a tab or a carriage return."""
    return [
        f"cell that runs as a formula: {cell[:60]!r}"
        for cell in cells
        if cell.startswith(("=", "+", "@", "\t", "\r")) or _minus_text(cell)
    ]


def _minus_text(cell):
    """A minus sign starts a formula unless the cell is a plain negative number."""
    if not cell.startswith("-"):
        return False
    return not cell[1:].replace(",", "").replace(".", "").isdigit()
