"""Helpers of the end-to-end story test: signing in, and reading figures off pages and sheets."""

import re
from decimal import Decimal
from typing import NamedTuple

from playwright.sync_api import expect

from portal.demo import ACCOUNTS
from portal.formatting import MISSING, format_number, format_percent, parse_number

# Headless Chromium says "HeadlessChrome", which the portal treats as a robot (no rating).
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
PASSWORDS = {account.username: account.password for account in ACCOUNTS}
LABEL_COLUMNS = 4  # in the official workbook: No., code, indicator, unit of measure
FIGURE_COLUMNS = 4  # then per unit: target, this period, year to date, percent of target


class Progress(NamedTuple):
    """A figure as the results pages write it: year to date, target, percent of target."""

    value: str
    target: str
    percent: str


def log_in(browser, base, username):
    """A page of a new browser context, signed in to the admin as a demo account."""
    page = browser.new_context().new_page()
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORDS[username])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#logout-form")).to_have_count(1)
    return page


def added(before, typed, target):
    """The Progress after adding a typed figure to a year to date, as the portal writes it."""
    value = parse_number(before) + parse_number(typed)
    target_value = parse_number(target)
    return Progress(
        format_number(value),
        format_number(target_value),
        format_percent(value * Decimal(100) / target_value, 1),
    )


def progress(locator):
    """The Progress shown in a results page's progress line inside ``locator``."""
    line = locator.locator(".rs-progress-text").first
    expect(line).to_be_visible()
    texts = [
        line.locator(part).inner_text() if line.locator(part).count() else MISSING
        for part in (".rs-value", ".rs-target", ".rs-percent")
    ]
    return Progress(*texts)


def indicator_section(page, code):
    """An indicator's section on a program's results page."""
    return page.locator(f'section[aria-labelledby="cs-{code}"]')


def cells(row):
    """The texts of a table row's cells, spaces collapsed."""
    expect(row).to_have_count(1)
    return [" ".join(text.split()) for text in row.locator("th, td").all_inner_texts()]


def shown(cell):
    """A workbook cell as its number format writes it, in the portal's Vietnamese style:
    4.884 for ``#,##0``, 85,7% for ``#,##0.0%``, with any quoted text of the format after it."""
    if cell.value is None:
        return MISSING
    literal = "".join(re.findall(r'"([^"]*)"', cell.number_format))
    code = re.sub(r'"[^"]*"', "", cell.number_format)
    decimals = len(code.split(".", 1)[1].rstrip("%")) if "." in code else 0
    number = Decimal(str(cell.value))
    if code.endswith("%"):
        return format_percent(number * 100, decimals) + literal
    return format_number(number, decimals) + literal


def workbook_figures(sheet, code, unit=None):
    """An indicator's four figures in the official workbook as shown: the district's, or the
    figures of the unit whose column group has that title."""
    first = LABEL_COLUMNS + 1
    if unit is not None:
        titles = next(row for row in sheet.iter_rows() if any(c.value == unit for c in row))
        first = next(c.column for c in titles if c.value == unit)
    row = next(row for row in sheet.iter_rows() if row[1].value == code)
    figures = row[first - 1 : first - 1 + FIGURE_COLUMNS]
    assert all(isinstance(cell.value, int | float) for cell in figures), "stored as numbers"
    return [shown(cell) for cell in figures]
