"""Upper-case Roman numerals after words that number things (quý III, Chương II, thế kỷ XXI)."""

from __future__ import annotations

import re
from functools import cache

from tts.frontend.lexicon import roman_contexts
from tts.frontend.spoken_numbers import integer_words

# Hand-written: the standard-form check and value are a few lines, not worth a dependency.
_VALID = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(numeral: str) -> int | None:
    """Value of a well-formed upper-case Roman numeral, or None (so "MC" in a name stays a name)."""
    if not numeral or not _VALID.fullmatch(numeral):
        return None
    values = [_VALUES[c] for c in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0], strict=True))


@cache
def _pattern() -> re.Pattern[str]:
    words = sorted(roman_contexts(), key=len, reverse=True)
    context = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?P<context>\b(?i:{context})\s+)(?P<numeral>[IVXLCDM]+)(?!\w)")


def _replace(m: re.Match[str]) -> str:
    value = roman_value(m["numeral"])
    return m.group() if value is None else m["context"] + integer_words(value)


def expand_roman_numerals(text: str) -> str:
    """Read Roman numerals as numbers where a context word shows they are numbers."""
    return _pattern().sub(_replace, text)
