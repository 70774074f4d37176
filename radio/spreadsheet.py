"""CSV cells that a spreadsheet shows as text: a cell a user typed that starts with = + - @ (or a tab or carriage
return) would be run as a formula by Excel or LibreOffice when an auditor opens the export ("CSV injection").
Such cells get a leading apostrophe, which spreadsheets hide and read as "this is text"."""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: object) -> object:
    """`value` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_row(values: Iterable[object]) -> list[object]:
    return [text_cell(value) for value in values]
