"""Text pasted from old documents typed in the legacy TCVN3 (ABC) or VNI encodings.

Such text arrives as Latin-1 look-alikes ("Céng hoµ x· héi", "Coäng hoøa xaõ hoäi"), which no voice
can read. Detection and the conversion tables come from ``viparse`` (MIT, tables checked against
real government documents); this module only decides when to trust it and when to refuse.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import viparse
from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import convert

from tts.frontend.abbreviations import is_vietnamese_syllable

# The two encodings Vietnamese offices typed in. viparse also names VISCII, but on short fragments it
# guesses VISCII for what is TCVN3, so such a verdict is treated as unsure.
ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}
# Two words that each become a Vietnamese syllable under a legacy table are no coincidence; one may be.
_LEGACY_WORDS = 2
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


class LegacyEncodingError(ValueError):
    """Text that looks legacy-encoded but cannot be converted safely; the message tells the officer what to do."""


def _is_vietnamese_letter(char: str) -> bool:
    base, *marks = unicodedata.normalize("NFD", char)
    return (base.isascii() and base.isalpha() or base in "đĐ") and set(marks) <= _VIETNAMESE_MARKS


@cache
def _legacy_marks() -> frozenset[str]:
    """Characters of the TCVN3 and VNI tables that Vietnamese written in Unicode never uses."""
    sources = "".join(source for name in ("tcvn3", "vni") for source, _ in CHARMAPS[name].pairs)
    return frozenset(c for c in sources if not c.isascii() and not _is_vietnamese_letter(c))


@cache
def _legacy_word() -> re.Pattern[str]:
    marks = "".join(map(re.escape, sorted(_legacy_marks())))
    return re.compile(rf"[A-Za-z{marks}]*[{marks}][A-Za-z{marks}]*")


def _legacy_words(text: str) -> list[str]:
    """Words holding legacy characters that a TCVN3 or VNI table turns into a Vietnamese syllable.

    A bullet (·), quotes (« ») or a brand mark (Zalo®) use the same characters but do not convert
    into syllables, so a Unicode text with such symbols is not taken for a legacy one.
    """
    return [
        word
        for word in _legacy_word().findall(text)
        if any(c.isascii() for c in word)
        and any(is_vietnamese_syllable(convert(word, CHARMAPS[name])) for name in ("tcvn3", "vni"))
    ]


def to_unicode(text: str) -> tuple[str, str | None]:
    """``text`` in Unicode and the legacy encoding it was in (``"tcvn3"`` or ``"vni"``), or None if it already was.

    Raises LegacyEncodingError when the text holds legacy words but cannot be converted with
    confidence: mixed with Unicode Vietnamese, or too unlike Vietnamese for the detector to name.
    """
    if not any(c in _legacy_marks() for c in text):
        return text, None
    legacy = _legacy_words(text)
    if not legacy:
        return text, None
    # Unicode Vietnamese letters beyond Latin-1 (ă, đ, ơ, ư, ạ…) never occur in legacy text.
    modern = any(ord(c) > 0xFF and _is_vietnamese_letter(c) for c in text)
    encoding = None if modern else viparse.detect_text_encoding(text)
    if encoding in ENCODING_NAMES:
        return viparse.fix(text, encoding=encoding), encoding
    if len(legacy) < _LEGACY_WORDS:
        return text, None
    sample = ", ".join(dict.fromkeys(legacy[:4]))
    problem = "lẫn giữa Unicode và bảng mã cũ" if modern else "có vẻ gõ bằng bảng mã cũ (TCVN3 hoặc VNI)"
    raise LegacyEncodingError(
        f"Văn bản {problem} (các chữ như: {sample}) nên máy không đọc chắc chắn được. "
        "Hãy chuyển văn bản sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi dán lại."
    )
