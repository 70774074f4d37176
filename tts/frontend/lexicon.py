"""Word lists the front end reads from ``tts/data``.

They are data, not code, so that editors can extend them (a new abbreviation, a new unit) without
touching the rules; each file is loaded once and cached.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files


def data_text(name: str) -> str:
    """The whole text of a data file, in NFC whatever editor saved it."""
    return unicodedata.normalize("NFC", (files("tts") / "data" / name).read_text(encoding="utf-8"))


def _lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    lines = (line for line in data_text(name).splitlines() if line.strip() and not line.startswith("#"))
    return list(lines)


def _table(name: str) -> dict[str, str]:
    """A two-column TSV (written form, spoken form) as a dict."""
    pairs = (line.split("\t", 1) for line in _lines(name))
    return {written: spoken.strip() for written, spoken in pairs}


@cache
def abbreviations() -> dict[str, str]:
    """Abbreviation -> expansion, e.g. ``UBND`` -> ``ủy ban nhân dân``."""
    return _table("abbreviations.tsv")


@cache
def units() -> dict[str, str]:
    """Unit symbol -> spoken unit, e.g. ``km`` -> ``ki lô mét``."""
    return _table("units.tsv")


@cache
def letters() -> dict[str, str]:
    """Upper-case letter -> its spoken name, for spelling acronyms."""
    return _table("letters.tsv")


@cache
def symbols() -> dict[str, str]:
    """Meaningful symbol -> spoken word, e.g. ``&`` -> ``và``."""
    return _table("symbols.tsv")


@cache
def roman_contexts() -> tuple[str, ...]:
    """Words after which an upper-case Roman numeral is a number (``quý III``)."""
    return tuple(line.strip() for line in _lines("roman_contexts.txt"))


@cache
def web_words() -> dict[str, str]:
    """Parts of web and e-mail addresses with a known reading, e.g. ``gov`` -> ``gốp``."""
    return _table("web_words.tsv")


@cache
def address_marks() -> dict[str, str]:
    """Punctuation inside an address -> its spoken name, e.g. ``.`` -> ``chấm``."""
    return _table("address_marks.tsv")


@cache
def top_level_domains() -> tuple[str, ...]:
    """Endings that make a dotted word a web address (``vn``, ``com``…)."""
    return tuple(line.strip() for line in _lines("top_level_domains.txt"))


@cache
def document_codes() -> dict[str, str]:
    """Parts of document codes read differently inside a code (``TB`` -> ``thông báo`` in ``05/TB-UBND``)."""
    return _table("document_codes.tsv")


@cache
def place_prefixes() -> dict[str, tuple[str, frozenset[str]]]:
    """Dotted administrative prefix -> (spoken form, what may follow), e.g. ``Q`` -> (``quận``, {number, name})."""
    rows = (line.split("\t") for line in _lines("place_prefixes.tsv"))
    return {row[0]: (row[1].strip(), frozenset(row[2].split())) for row in rows}


@cache
def road_codes() -> dict[str, str]:
    """Road code written before a road number -> spoken form, e.g. ``QL`` -> ``quốc lộ``."""
    return _table("road_codes.tsv")


@cache
def date_contexts() -> tuple[str, ...]:
    """Words after which a bare day/month is a date (``lễ 8/3``)."""
    return tuple(line.strip() for line in _lines("date_contexts.txt"))
