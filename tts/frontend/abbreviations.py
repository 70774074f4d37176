"""Abbreviations and acronyms: expand the known ones, spell the rest letter by letter.

espeak-ng reads an unknown capitalised token such as "UBND" with English letter names, which
listeners do not understand; a Vietnamese reader either expands it or spells it with Vietnamese names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from tts.frontend.lexicon import abbreviations, letters

_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
# One Vietnamese syllable without its tone: onset, vowel cluster, final consonant. The clusters kr, pl, dr
# and the final k are those of Central Highlands names (KRÔNG, PLEI, ĐẮK LẮK), so that a headline in
# capitals is read as words, never spelled.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|kr|pl|dr|[bcdđghklmnpqrstvx])?[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnptk])?"
)
_UPPER_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")


@cache
def _abbreviation_pattern() -> re.Pattern[str]:
    keys = sorted(abbreviations(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, keys)) + r")(?!\w)")


def expand_abbreviations(text: str) -> str:
    """Replace whole-token abbreviations from ``data/abbreviations.tsv`` (UBND -> ủy ban nhân dân)."""
    table = abbreviations()
    return _abbreviation_pattern().sub(lambda m: table[m.group()], text)


def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` could be one written Vietnamese syllable (THÔNG, BÃO), false for VNPT or QR."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def spell(word: str) -> str:
    """Letter names of ``word``, as a reader spells an acronym."""
    names = letters()
    return " ".join(names.get(letter, letter) for letter in word)


def _needs_spelling(token: str) -> bool:
    return token.isupper() and not is_vietnamese_syllable(token)


def acronyms_to_spell(text: str) -> list[str]:
    """The tokens ``spell_acronyms`` would spell, in order."""
    return [m.group() for m in _UPPER_WORD.finditer(text) if _needs_spelling(m.group())]


def spell_acronyms(text: str) -> str:
    """Spell upper-case tokens that are not Vietnamese syllables with Vietnamese letter names (VTV -> vê tê vê)."""
    return _UPPER_WORD.sub(lambda m: spell(m.group()) if _needs_spelling(m.group()) else m.group(), text)
