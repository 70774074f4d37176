"""Quantities with a unit: money (đ, đồng), percentages, measurement units and rates (km/h, đồng/hộ).

The number and its unit are read together so that the unit's spoken form follows the number
("38°C" -> "ba mươi tám độ xê"); unit symbols come from ``data/units.tsv``.
"""

from __future__ import annotations

import re
from functools import cache

from tts.frontend.lexicon import units
from tts.frontend.spoken_numbers import NUMBER, number_words

_AMOUNT = rf"(?<![\w.,])(?P<number>{NUMBER})"
_MONEY = re.compile(rf"{_AMOUNT}\s?(?:đ|đồng)(?!\w)")


@cache
def _symbols() -> str:
    return "|".join(map(re.escape, sorted(units(), key=len, reverse=True)))


@cache
def _per() -> str:
    """A "/" before a noun or a unit symbol: "/tháng", "/ha" (read "một tháng", "một héc ta")."""
    return rf"(?P<per>\s?/\s?(?:(?P<per_unit>{_symbols()})(?!\w)|(?=[^\W\d_])))"


@cache
def _percent_pattern() -> re.Pattern[str]:
    """A percentage, optionally per something: "0,5%/tháng" -> "không phẩy năm phần trăm một tháng"."""
    return re.compile(rf"{_AMOUNT}\s?%{_per()}?")


@cache
def _noun_rate_pattern() -> re.Pattern[str]:
    """A count of something per something: "3 lần/ngày" -> "ba lần một ngày", "3 tấn/ha" -> "ba tấn một héc ta"."""
    return re.compile(rf"{_AMOUNT}\s(?P<noun>[^\W\d_]+){_per()}")


def _per_words(m: re.Match[str]) -> str:
    """ " một" and the spoken unit for a unit denominator, " một " before a noun (left as written), or nothing."""
    if m["per_unit"]:
        return f" một {units()[m['per_unit']]}"
    return " một " if m["per"] else ""


@cache
def _unit_pattern() -> re.Pattern[str]:
    per = rf"/(?:(?P<per_unit>{_symbols()})(?!\w)|(?P<per_noun>(?=\w)))"
    return re.compile(rf"{_AMOUNT}\s?(?P<unit>{_symbols()})(?!\w)(?:{per})?")


@cache
def _per_currency_pattern() -> re.Pattern[str]:
    """Per-unit money: "450.000 đồng/hộ" is read "đồng một hộ" (per household), "đồng/kg" "đồng một ki lô gam"."""
    return re.compile(rf"(?<!\w)đồng\s?/\s?(?:(?P<per_unit>{_symbols()})(?!\w)|(?=\w))")


def _with_unit(m: re.Match[str]) -> str:
    """Number, unit and optional rate: a unit denominator is "trên" (km/h), a noun one is "một" (kg/người)."""
    table = units()
    spoken = f"{number_words(m['number'])} {table[m['unit']]}"
    if m["per_unit"]:
        return f"{spoken} trên {table[m['per_unit']]}"
    if m["per_noun"] is not None:
        return f"{spoken} một "
    return spoken


def expand_money(text: str) -> str:
    """Read amounts of money in đồng; "/" after đồng means "per" (một)."""
    text = _MONEY.sub(lambda m: f"{number_words(m['number'])} đồng", text)
    return _per_currency_pattern().sub(lambda m: f"đồng một {units()[m['per_unit']] if m['per_unit'] else ''}", text)


def expand_percentages(text: str) -> str:
    """Read "68,5%" as "sáu mươi tám phẩy năm phần trăm", "%/tháng" as "phần trăm một tháng"."""
    return _percent_pattern().sub(lambda m: f"{number_words(m['number'])} phần trăm{_per_words(m)}", text)


def expand_units(text: str) -> str:
    """Read a number followed by a unit symbol, with an optional per-unit denominator."""
    return _unit_pattern().sub(_with_unit, text)


@cache
def _counted_unit_pattern() -> re.Pattern[str]:
    """A unit symbol of two or more characters after "mỗi"/"trên" with no number: "mỗi km2", "trên ha"."""
    symbols = "|".join(map(re.escape, sorted((s for s in units() if len(s) > 1), key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?P<word>[Mm]ỗi|[Tt]rên)\s(?P<unit>{symbols})(?!\w)")


def expand_units_without_number(text: str) -> str:
    """Read "mỗi km2" as "mỗi ki lô mét vuông"; one-letter symbols (m, g, l) are left, they may be words."""
    return _counted_unit_pattern().sub(lambda m: f"{m['word']} {units()[m['unit']]}", text)


def expand_rates(text: str) -> str:
    """Read "/" between a counted noun and another noun or a unit as "một" (per): "2 lần/tuần", "3 tấn/ha"."""
    return _noun_rate_pattern().sub(lambda m: f"{number_words(m['number'])} {m['noun']}{_per_words(m)}", text)
