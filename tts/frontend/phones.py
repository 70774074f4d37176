"""Telephone numbers: read digit by digit, with a pause (comma) between the groups as written.

A phone number read as a quantity ("chín trăm mười hai...") is useless to a listener who wants to
dial it, so phone numbers must be recognised before the generic number rules see them.
"""

from __future__ import annotations

import re

from tts.frontend.spoken_numbers import digit_words

# Vietnamese numbers: 0 or +84 then more digits, optionally grouped by spaces, dots or hyphens;
# 1800/1900 hotlines (always printed with a break, unlike 18000000 đồng). The digit count is checked later.
_PHONE = re.compile(
    r"(?<![\w.,+])(?:(?:\+84|0\d{1,3})(?:[ .-]?\d{2,4}){1,4}|1[89]00[ .-]\d{2,4}(?:[ .-]?\d{2,4})?)(?!\w|[.,]\d)"
)
# Three-digit public service numbers (113 police, 114 fire, 115 ambulance) are said digit by digit.
_SERVICE = re.compile(r"\b((?i:số|gọi) )(11[1-6])(?!\w|[.,]\d)")
# National significant digits: 9-10 after the 0 or +84, 8 for 1800/1900 hotlines (4 + 4).
_SIGNIFICANT = {"0": (9, 10), "+": (9, 10), "1": (4, 6)}


def _group(digits: str, head_size: int) -> list[str]:
    """Split an unbroken run the way numbers are printed: a prefix, then threes (0912 345 678)."""
    head, rest = digits[:head_size], digits[head_size:]
    first = 4 if len(rest) % 3 == 1 else 3
    return [head] + [part for part in [rest[:first]] + [rest[i : i + 3] for i in range(first, len(rest), 3)] if part]


def _read_phone(match: re.Match[str]) -> str:
    number = match.group()
    prefix, head_size = "", 4
    if number.startswith("+84"):
        prefix, number, head_size = "cộng tám tư, ", number[3:].lstrip(" .-"), 3
        significant = len(re.sub(r"\D", "", number))
    else:
        significant = len(re.sub(r"\D", "", number)) - (1 if number.startswith("0") else 4)
    low, high = _SIGNIFICANT[match.group()[0]]
    if not low <= significant <= high:
        return match.group()
    groups = re.findall(r"\d+", number)
    if len(groups) == 1:
        groups = _group(groups[0], head_size)
    return prefix + ", ".join(digit_words(group) for group in groups)


def expand_phone_numbers(text: str) -> str:
    """Read phone and service numbers digit by digit, groups separated by commas."""
    text = _PHONE.sub(_read_phone, text)
    return _SERVICE.sub(lambda m: m.group(1) + digit_words(m.group(2)), text)
