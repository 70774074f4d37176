"""Dates: 24/12/2023, ngày 20/3, tháng 4/2024, tháng 12, quý III/2024.

A date is read "<day> tháng <month> năm <year>"; days 1-10 after "ngày" take "mùng" as Northern
announcers say them, and April is "tháng tư". A bare d/m is only a date after a word that
introduces one, because 1/2 can also be a fraction or a document number.
"""

from __future__ import annotations

import re

from tts.frontend.roman import roman_value
from tts.frontend.spoken_numbers import integer_words, month_words

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY_PREFIX = r"(?P<prefix>\b(?i:ngày\s+(?:mùng|mồng)|ngày|mùng|mồng)\s+)?"

_FULL_DATE = re.compile(
    rf"{_DAY_PREFIX}(?<![\d.,/])(?P<day>{_DAY})(?P<sep>[/.-])(?P<month>{_MONTH})(?P=sep)(?P<year>\d{{4}})(?![\d/])"
)
_SHORT_DATE = re.compile(
    rf"(?P<context>\b(?i:hôm|sáng|trưa|chiều|tối|đêm|từ|đến|và|hết|trước|sau)\s+)?"
    rf"{_DAY_PREFIX}(?<![\d.,/])(?P<day>{_DAY})/(?P<month>{_MONTH})(?![\d/]|[.,]\d)"
)
# m/yyyy is a month even without "tháng", except as a document number ("Quyết định số 12/2024").
_MONTH_YEAR = re.compile(
    rf"(?P<word>\b(?i:tháng)\s+)?(?<![\d.,/])(?<!số )(?<!Số )(?P<month>{_MONTH})/(?P<year>\d{{4}})(?![\d/])"
)
_QUARTER_YEAR = re.compile(r"(?P<word>\b(?i:quý)\s+)(?P<quarter>[1-4]|IV|I{1,3})/(?P<year>\d{4})(?![\d/])")
_MONTH_ALONE = re.compile(rf"(?P<word>\b(?i:tháng)\s+)(?P<month>{_MONTH})(?![\d/]|[.,]\d)")


def _day(prefix: str | None, day: int) -> str:
    """Day words with their introducer; adds "mùng" to days 1-10 after "ngày" unless already written."""
    if not prefix:
        return integer_words(day)
    if day <= 10 and prefix.strip().lower() == "ngày":
        return f"{prefix}mùng {integer_words(day)}"
    return prefix + integer_words(day)


def _full_date(m: re.Match[str]) -> str:
    day = _day(m["prefix"], int(m["day"]))
    return f"{day} tháng {month_words(int(m['month']))} năm {integer_words(int(m['year']))}"


def _short_date(m: re.Match[str]) -> str:
    if not m["context"] and not m["prefix"]:
        return m.group()
    return f"{m['context'] or ''}{_day(m['prefix'], int(m['day']))} tháng {month_words(int(m['month']))}"


def _month_year(m: re.Match[str]) -> str:
    word = m["word"] or "tháng "
    return f"{word}{month_words(int(m['month']))} năm {integer_words(int(m['year']))}"


def _quarter_year(m: re.Match[str]) -> str:
    quarter = roman_value(m["quarter"]) or int(m["quarter"])
    return f"{m['word']}{integer_words(quarter)} năm {integer_words(int(m['year']))}"


def expand_dates(text: str) -> str:
    """Read full dates, context-marked day/month, month/year, quarter/year and "tháng N"."""
    text = _FULL_DATE.sub(_full_date, text)
    text = _SHORT_DATE.sub(_short_date, text)
    text = _QUARTER_YEAR.sub(_quarter_year, text)
    text = _MONTH_YEAR.sub(_month_year, text)
    return _MONTH_ALONE.sub(lambda m: m["word"] + month_words(int(m["month"])), text)
