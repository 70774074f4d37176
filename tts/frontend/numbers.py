"""Numbers left after the specialised rules: ordinals (thứ 4), dotted versions (4.0), plain numbers."""

from __future__ import annotations

import re

from tts.frontend.spoken_numbers import NUMBER, digit_words, integer_words, number_words, ordinal_words

_ORDINAL = re.compile(r"(?P<word>\b(?i:thứ)\s+)(?P<number>\d+)(?![\d.,]\d|\w)")
# A dot followed by one or two digits is not a thousands separator: "4.0" is read "bốn chấm không".
_DOTTED = re.compile(r"(?<![\d.,])(?P<whole>\d+)\.(?P<part>\d{1,2})(?![\d]|[.,]\d)")
_NUMBER = re.compile(rf"(?<![\d.,])(?:{NUMBER})(?!\d)")
# A slash left between two numbers (ratios, document numbers such as 39/2020) is read "trên".
_NUMBER_SLASH = re.compile(r"(?<=\d)/(?=\d)")
_DIGITS = re.compile(r"\d+")


def expand_ordinals(text: str) -> str:
    """Read "thứ 1" as "thứ nhất", "thứ 4" as "thứ tư", other ordinals as numbers."""
    return _ORDINAL.sub(lambda m: m["word"] + ordinal_words(int(m["number"])), text)


def expand_numbers(text: str) -> str:
    """Read every remaining number (Vietnamese thousands dots and decimal comma).

    Spaces around the words keep them apart from letters written against the digits (H5N1, F0).
    """
    text = _NUMBER_SLASH.sub(" trên ", text)
    text = _DOTTED.sub(lambda m: f" {integer_words(int(m['whole']))} chấm {digit_words(m['part'])} ", text)
    return _NUMBER.sub(lambda m: f" {number_words(m.group())} ", text)


def expand_leftover_digits(text: str) -> str:
    """Last rule: digits no rule claimed (",5", ".6143", digits of another script, numbers beyond a trillion
    written against punctuation) are read as a number or digit by digit, never left for the voice to guess."""
    return _DIGITS.sub(lambda m: f" {number_words(m.group())} ", text)
