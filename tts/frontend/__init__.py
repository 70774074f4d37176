"""Text front end: written Vietnamese bulletin text -> the words a reader would say.

``normalize`` runs an ordered list of rewriting passes. The order matters: phone numbers before
ranges (their hyphens group digits), ranges before dates ("14-15/12/2024"), dates and times
before units and plain numbers, acronym spelling last so it only sees what no rule claimed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from tts.frontend.abbreviations import expand_abbreviations, spell_acronyms
from tts.frontend.cleanup import prepare, tidy
from tts.frontend.dates import expand_dates
from tts.frontend.measures import expand_money, expand_percentages, expand_rates, expand_units
from tts.frontend.numbers import expand_numbers, expand_ordinals
from tts.frontend.phones import expand_phone_numbers
from tts.frontend.ranges import expand_negative_numbers, expand_ranges
from tts.frontend.roman import expand_roman_numerals
from tts.frontend.sentences import split_paragraphs
from tts.frontend.times import expand_times

__all__ = ["normalize", "split_paragraphs"]

_PASSES: tuple[Callable[[str], str], ...] = (
    prepare,
    expand_abbreviations,
    expand_phone_numbers,
    expand_ranges,
    expand_negative_numbers,
    expand_dates,
    expand_times,
    expand_roman_numerals,
    expand_money,
    expand_percentages,
    expand_units,
    expand_rates,
    expand_ordinals,
    expand_numbers,
    spell_acronyms,
    tidy,
)


def normalize(text: str) -> str:
    """Rewrite written Vietnamese into its spoken form (NFC), keeping sentence punctuation and paragraphs."""
    for rewrite in _PASSES:
        text = rewrite(text)
    return unicodedata.normalize("NFC", text)
