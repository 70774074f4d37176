"""Text front end: written Vietnamese bulletin text -> the words a reader would say.

``normalize`` runs an ordered list of rewriting passes. Legacy encodings are converted first. Web and
e-mail addresses, then the pronunciation lexicon, are read before the rules and their spoken forms are
final (see ``placeholders``). Then the order matters: document codes and places before abbreviations
(inside a code "TB" is "thông báo", before a road number "ĐT" is "đường tỉnh"), phone numbers before
ranges (their hyphens group digits), ranges before dates ("14-15/12/2024"), dates and times before units
and plain numbers, acronym spelling last so it only sees what no rule claimed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tts.frontend.abbreviations import acronyms_to_spell, expand_abbreviations, spell_acronyms
from tts.frontend.addresses import protect_addresses
from tts.frontend.cleanup import prepare, tidy
from tts.frontend.dates import expand_dates
from tts.frontend.documents import expand_document_codes
from tts.frontend.encodings import to_unicode
from tts.frontend.measures import (
    expand_money,
    expand_percentages,
    expand_rates,
    expand_units,
    expand_units_without_number,
)
from tts.frontend.numbers import expand_leftover_digits, expand_numbers, expand_ordinals
from tts.frontend.phones import expand_phone_numbers
from tts.frontend.placeholders import Held, strip_placeholders
from tts.frontend.places import expand_places
from tts.frontend.pronunciation import Lexicon, protect
from tts.frontend.ranges import expand_negative_numbers, expand_ranges
from tts.frontend.roman import expand_roman_numerals
from tts.frontend.sentences import split_paragraphs
from tts.frontend.times import expand_times

__all__ = ["normalize", "split_paragraphs"]

_RULES: tuple[Callable[[str], str], ...] = (
    expand_document_codes,
    expand_places,
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
    expand_units_without_number,
    expand_rates,
    expand_ordinals,
    expand_numbers,
    expand_leftover_digits,
)


@dataclass(frozen=True)
class Rewriting:
    """What the front end did to a text: the spoken form and the evidence ``analyze`` reports from."""

    spoken: str
    encoding: str | None
    """The legacy encoding the text was converted from (``"tcvn3"``, ``"vni"``…), or None."""
    spelled: list[str]
    """Upper-case tokens no rule or lexicon entry knew, spelled letter by letter."""
    untidy: str
    """The text just before the last pass, which drops or replaces whatever symbols are left."""


def rewrite(text: str, lexicon: Lexicon | Mapping[str, str] | None = None) -> Rewriting:
    """Run every pass over ``text`` (see ``normalize``) and keep what happened along the way."""
    text, encoding = to_unicode(text)
    held = Held()
    text = protect(protect_addresses(prepare(strip_placeholders(text)), held), lexicon, held)
    for rule in _RULES:
        text = rule(text)
    spelled = acronyms_to_spell(text)
    untidy = held.restore(spell_acronyms(text))
    return Rewriting(unicodedata.normalize("NFC", tidy(untidy)), encoding, spelled, untidy)


def normalize(text: str, lexicon: Lexicon | Mapping[str, str] | None = None) -> str:
    """Rewrite written Vietnamese into its spoken form (NFC), keeping sentence punctuation and paragraphs.

    ``lexicon`` holds the commune's own pronunciations (a ``Lexicon`` or ``{written: spoken}``, a key
    written ``/.../`` being a regular expression); they are applied before the shipped ones and every rule.
    Raises ``LegacyEncodingError`` for text that looks legacy-encoded but cannot be converted with confidence.
    """
    return rewrite(text, lexicon).spoken
