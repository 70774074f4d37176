"""Places and roads: dotted administrative prefixes (Q.1, P. Trường Thi), road codes (QL1A, ĐT.601)
and kilometre posts (Km 15+200).

espeak-ng and the acronym rule read "Q.1" as "quy 1" and "QL1A" as "quy lờ một A"; a reader says "quận
một" and "quốc lộ một A". These run before the abbreviations, since "ĐT" before a road number is "đường
tỉnh", not "điện thoại", and before phone numbers and ranges, which would claim "15+200" and "Km 15 - Km 16".
The prefixes and codes are data (``data/place_prefixes.tsv``, ``data/road_codes.tsv``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from tts.frontend.lexicon import abbreviations, place_prefixes, road_codes, units
from tts.frontend.spoken_numbers import integer_words

# Up to two words after a prefix, to check that a name follows (Q. Ba Đình).
_NAME = re.compile(r"[^\W\d_]+(?: ([^\W\d_]+))?")
# The word just before a prefix, and what comes before that word: "Nguyễn Văn H." is an initial.
_WORD_BEFORE = re.compile(r"(?:^|(?P<stop>[.!?:;\n] *)|.)(?P<word>[^\W\d_]+) $", re.DOTALL)
_NUMBER_BEFORE = re.compile(r"\d ?$")
# A kilometre post: "Km 15+200", "km15", "km 12". Not after a number ("240 km 12 m" is a distance) and
# "km2"/"km3" written together with no "+" are square and cubic kilometres.
_MILESTONE = re.compile(
    r"(?<!\w)[Kk]m(?P<space> ?)(?P<number>\d{1,4})(?: ?\+ ?(?P<metres>\d{1,4}))?(?!\w|[.,]\d)"
    r"(?P<to> *- *(?=[Kk]m ?\d))?"
)


def _alternatives(keys: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))


@cache
def _prefix_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w.])(?P<key>{_alternatives(place_prefixes())})\. ?"
        r"(?:(?P<number>(?=\d{1,2}(?!\d|[.,]\d)))|(?=[^\W\d_]))"
    )


@cache
def _road_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w.])(?P<code>{_alternatives(road_codes())})(?P<sep>\. ?| )?"
        r"(?P<number>[1-9]\d{0,3})(?P<suffix>-?[A-Z])?(?!\w|[.,]\d)"
    )


def _after_initial(text: str, start: int) -> bool:
    """True when the word before ``start`` is capitalised and does not open a sentence (a person's name)."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return bool(before and before["word"][0].isupper() and before.start("word") > 0 and not before["stop"])


def _prefix(m: re.Match[str]) -> str:
    spoken, follows = place_prefixes()[m["key"]]
    if m["number"] is not None:
        return f"{spoken} " if "number" in follows else m.group()
    name = _NAME.match(m.string, m.end())
    if "name" not in follows or not name or not name.group()[0].isupper():
        return m.group()
    if len(m["key"]) == 1 and (not name[1] or not name[1][0].isupper() or _after_initial(m.string, m.start())):
        return m.group()
    return f"{spoken} "


def _road(m: re.Match[str]) -> str:
    if m["sep"] == " " and m["code"] in abbreviations():
        return m.group()
    suffix = f" {m['suffix'].lstrip('-')}" if m["suffix"] else ""
    return f"{road_codes()[m['code']]} {integer_words(int(m['number']))}{suffix}"


def _milestone(m: re.Match[str]) -> str:
    after_number = _NUMBER_BEFORE.search(m.string, max(0, m.start() - 2), m.start())
    if after_number or (not m["space"] and not m["metres"] and m["number"] in ("2", "3")):
        return m.group()
    metres = f" cộng {integer_words(int(m['metres']))}" if m["metres"] else ""
    to = " đến " if m["to"] else ""
    return f"{units()['km']} {integer_words(int(m['number']))}{metres}{to}"


def expand_places(text: str) -> str:
    """Read dotted administrative prefixes, road codes and kilometre posts."""
    if "." in text:
        text = _prefix_pattern().sub(_prefix, text)
    text = _road_pattern().sub(_road, text)
    return _MILESTONE.sub(_milestone, text)
