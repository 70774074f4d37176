"""Dates: 24/12/2023, ngày 20/3, tháng 4/2024, tháng 12, quý III/2024.

A date is read "<day> tháng <month> năm <year>"; days 1-10 take "mùng" as Northern announcers say
them (mùng tám tháng ba), and April is "tháng tư". A bare d/m is only a date after a word that
introduces one (``data/date_contexts.txt``: lễ 8/3, dịp 2/9, từ 8/3) or in a range of two d/m
("30/4-1/5"), because 1/2 can also be a fraction or a document number.
"""

from __future__ import annotations

import re
from functools import cache

from tts.frontend.lexicon import date_contexts
from tts.frontend.roman import roman_value
from tts.frontend.spoken_numbers import integer_words, month_words

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
# Every pattern starts at the digits; the word before a date is looked up only once a date has matched,
# which is much faster than trying an optional "ngày" or context word at every position of the text.
_FULL_DATE = re.compile(
    rf"(?<![\d.,/])(?P<day>{_DAY})(?P<sep>[/.-])(?P<month>{_MONTH})(?P=sep)(?P<year>\d{{4}})(?![\d/])"
)
# Two day/months joined by "đến" (the ranges rule reads "30/4-1/5" so) are both dates, the second with
# an optional year: "30/4-1/5" -> "ba mươi tháng tư đến mùng một tháng năm".
_DATE_RANGE = re.compile(
    rf"(?<![\d.,/])(?P<day>{_DAY})/(?P<month>{_MONTH})(?P<to>\s+đến\s+)"
    rf"(?P<day2>{_DAY})/(?P<month2>{_MONTH})(?:/(?P<year>\d{{4}}))?(?![\d/]|[.,]\d)"
)
_SHORT_DATE = re.compile(rf"(?<![\d.,/])(?P<day>{_DAY})/(?P<month>{_MONTH})(?![\d/]|[.,]\d)")
# m/yyyy is a month even without "tháng", except as a document number ("Quyết định số 12/2024").
_MONTH_YEAR = re.compile(
    rf"(?P<word>\b(?i:tháng)\s+)?(?<![\d.,/])(?<!số )(?<!Số )(?P<month>{_MONTH})/(?P<year>\d{{4}})(?![\d/])"
)
_QUARTER_YEAR = re.compile(r"(?P<word>\b(?i:quý)\s+)(?P<quarter>[1-4]|IV|I{1,3})/(?P<year>\d{4})(?![\d/])")
_MONTH_ALONE = re.compile(rf"(?P<word>\b(?i:tháng)\s+)(?P<month>{_MONTH})(?![\d/]|[.,]\d)")
# How far back the word introducing a date is looked for: more than any context word and its spaces.
_LOOK_BACK = 40


@cache
def _intro_pattern() -> re.Pattern[str]:
    """The word just before a date: "ngày", "mùng", "mồng" or a context word from ``data/date_contexts.txt``."""
    words = sorted(date_contexts(), key=len, reverse=True)
    context = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?i:ngày|(?P<mung>mùng|mồng)|{context})\s+$")


def _intro(m: re.Match[str]) -> re.Match[str] | None:
    """The word introducing the date matched by ``m``, if any."""
    return _intro_pattern().search(m.string, max(0, m.start() - _LOOK_BACK), m.start())


def _day(day: int, after_mung: bool = False) -> str:
    """Day words: days 1-10 take "mùng" (mùng tám tháng ba) unless it is already written before them."""
    if day <= 10 and not after_mung:
        return f"mùng {integer_words(day)}"
    return integer_words(day)


def _after_mung(m: re.Match[str]) -> bool:
    intro = _intro(m)
    return bool(intro and intro["mung"])


def _full_date(m: re.Match[str]) -> str:
    day = _day(int(m["day"]), _after_mung(m))
    return f"{day} tháng {month_words(int(m['month']))} năm {integer_words(int(m['year']))}"


def _date_range(m: re.Match[str]) -> str:
    first = f"{_day(int(m['day']), _after_mung(m))} tháng {month_words(int(m['month']))}"
    second = f"{_day(int(m['day2']))} tháng {month_words(int(m['month2']))}"
    year = f" năm {integer_words(int(m['year']))}" if m["year"] else ""
    return f"{first}{m['to']}{second}{year}"


def _short_date(m: re.Match[str]) -> str:
    intro = _intro(m)
    if not intro:
        return m.group()
    return f"{_day(int(m['day']), bool(intro['mung']))} tháng {month_words(int(m['month']))}"


def _month_year(m: re.Match[str]) -> str:
    word = m["word"] or "tháng "
    return f"{word}{month_words(int(m['month']))} năm {integer_words(int(m['year']))}"


def _quarter_year(m: re.Match[str]) -> str:
    quarter = roman_value(m["quarter"]) or int(m["quarter"])
    return f"{m['word']}{integer_words(quarter)} năm {integer_words(int(m['year']))}"


def expand_dates(text: str) -> str:
    """Read day/month ranges, full dates, context-marked day/month, month/year, quarter/year and "tháng N"."""
    if "/" not in text and "." not in text and "-" not in text:
        return _MONTH_ALONE.sub(lambda m: m["word"] + month_words(int(m["month"])), text)
    text = _DATE_RANGE.sub(_date_range, text)
    text = _FULL_DATE.sub(_full_date, text)
    text = _SHORT_DATE.sub(_short_date, text)
    text = _QUARTER_YEAR.sub(_quarter_year, text)
    text = _MONTH_YEAR.sub(_month_year, text)
    return _MONTH_ALONE.sub(lambda m: m["word"] + month_words(int(m["month"])), text)
