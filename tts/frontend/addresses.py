"""Web and e-mail addresses read aloud the way an announcer dictates them.

"dichvucong.gov.vn" -> "dich vu cong chấm gốp chấm vê en", "ubnd.xa@gmail.com" -> "u bê en đê chấm xa
a còng giê meo chấm com". The scheme (https://) is not read, as announcers leave it out. Known parts come
from ``data/web_words.tsv``; other parts are split into unaccented syllables when they can be, so that
a listener hears words, and spelled with Vietnamese letter names otherwise.
"""

from __future__ import annotations

import re
from functools import cache

from tts.frontend.abbreviations import spell
from tts.frontend.lexicon import address_marks, top_level_domains, web_words
from tts.frontend.placeholders import Held
from tts.frontend.spoken_numbers import digit_words

_LABEL = r"[\w-]+"
_PATH = r"(?:/[\w\-./%?=&#~+]*[\w/])?"
_EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+@{_LABEL}(?:\.{_LABEL})+(?!\w)")
_PART = re.compile(r"[^\W\d_]+|\d+|\W|_")
# An unaccented syllable as addresses spell them. Stricter than the acronym rule's pattern (which any
# vowel cluster satisfies), because here it must split "nghean" into "nghe an", not keep it whole.
_NUCLEI = (
    "uye|uya|uyu|uoi|uou|oai|oay|oeo|ieu|yeu|ua|uo|ui|uu|uy|ue|oa|oe|oi|oo|ai|ao|au|ay|eo|eu|ia|ie|iu|ye|a|e|i|o|u|y"
)
_PLAIN_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?(?:{_NUCLEI})(?:ch|ng|nh|[cmnpt])?"
)
# Word costs for splitting a run of letters: a syllable costs 1, one starting with a vowel a little more
# (so "hanoi" is "ha noi", not "han oi"), a letter that has to be spelled much more.
_SYLLABLE_COST, _VOWEL_START_COST, _LETTER_COST = 1.0, 1.5, 3.0
_LONGEST_SYLLABLE = 7


@cache
def _url_pattern() -> re.Pattern[str]:
    endings = "|".join(map(re.escape, top_level_domains()))
    host = rf"{_LABEL}(?:\.{_LABEL})+"
    bare = rf"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{endings})"
    return re.compile(
        rf"(?<![\w@./-])(?:https?://(?P<host>{host})|(?P<bare>www\.{host}|{bare}))(?P<path>{_PATH})(?![\w@])"
    )


def _split(letters: str) -> list[str]:
    """Cheapest split of a lower-case run into toneless syllables and single letters (dynamic programming).

    Hand-written: a dozen lines; no library splits unaccented Vietnamese run together.
    """
    best: list[tuple[float, list[str]]] = [(0.0, [])] + [(float("inf"), [])] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            piece = letters[start:end]
            if _PLAIN_SYLLABLE.fullmatch(piece):
                cost = _VOWEL_START_COST if piece[0] in "aeiouy" else _SYLLABLE_COST
            elif end - start == 1:
                cost = _LETTER_COST
            else:
                continue
            if best[start][0] + cost < best[end][0]:
                best[end] = (best[start][0] + cost, [*best[start][1], piece])
    return best[-1][1]


def _read_letters(run: str) -> str:
    known = web_words().get(run.casefold())
    if known:
        return known
    pieces = _split(run.casefold())
    return " ".join(spell(p.upper()) if len(p) == 1 and not _PLAIN_SYLLABLE.fullmatch(p) else p for p in pieces)


def read_address(address: str) -> str:
    """The spoken form of a web or e-mail address (without its scheme)."""
    marks = address_marks()
    words = []
    for part in _PART.findall(re.sub(r"^https?://", "", address)):
        if part.isdigit():
            words.append(digit_words(part))
        elif part.isalpha():
            words.append(_read_letters(part))
        elif part in marks:
            words.append(marks[part])
    return " ".join(words)


def protect_addresses(text: str, held: Held) -> str:
    """Replace e-mail and web addresses by placeholders holding their spoken forms."""
    text = _EMAIL.sub(lambda m: held.hold(read_address(m.group())), text)
    return _url_pattern().sub(lambda m: held.hold(read_address(m.group())), text)
