"""Spreadsheets in and out: imports, plain exports and the official report workbook."""
