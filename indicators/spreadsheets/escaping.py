"""Keep spreadsheet cells from becoming formulas when an exported file is opened.

A text cell that starts with =, +, -, @, a tab or a carriage return is prefixed with an
apostrophe, which spreadsheet programs show as plain text. Numbers, dates and booleans are
left as they are, so they stay numbers in the sheet.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Return the value to write in a cell: formula-like text escaped, anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
