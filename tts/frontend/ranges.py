"""What a hyphen next to a number means: a range ("14-15" -> "14 đến 15") or a minus sign ("-5°C").

Runs after phone numbers (whose hyphens group digits) and before dates, so that "14-15/12/2024"
becomes "14 đến 15/12/2024" and each side is read by the ordinary rules.
"""

from __future__ import annotations

import re

# Left side: a number, time (7h, 7h30, 8:15), date part (14/12) or percentage; right side starts with a digit.
# Not a range when the hyphens separate a date (24-12-2023).
_RANGE = re.compile(r"(?<![\w.,/:-])(\d[\d.,:/]*(?:h\d{0,2})?%?)\s*-\s*(?=\d)(?!\d{1,2}-\d{4}(?!\d))")
_MINUS = re.compile(r"(?<![\w.,)%-])-(?=\d)")


def expand_ranges(text: str) -> str:
    """Read a hyphen between two numbers as "đến" (from ... to ...)."""
    return _RANGE.sub(r"\1 đến ", text)


def expand_negative_numbers(text: str) -> str:
    """Read a hyphen directly before a number (and not after a word) as "âm" (minus)."""
    return _MINUS.sub("âm ", text)
