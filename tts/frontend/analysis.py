"""Warnings before airing: what the front end was unsure of, so the officer can fix the text or the lexicon.

Each warning names the written token and where it stands in the text (offsets into the text as given,
after Unicode NFC), so that a page can highlight it; messages are Vietnamese, for the officer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from tts.frontend import normalize, rewrite
from tts.frontend.abbreviations import spell
from tts.frontend.encodings import ENCODING_NAMES, to_unicode
from tts.frontend.lexicon import symbols
from tts.frontend.pronunciation import Lexicon
from tts.frontend.sentences import SENTENCE_END

# Past about 20 s (80 syllables) a sentence is hard to follow on a loudspeaker, and past about 45
# syllables without a comma the reader runs out of breath. Measured on spoken forms, because
# "19/12/2023" alone is ten syllables. The shared corpus's longest sentences are 78 and 54.
LONG_SENTENCE_WORDS = 80
LONG_RUN_WORDS = 45
_PAUSE = re.compile(r"[,;:]")
# Characters the last pass turns into something sensible: sentence punctuation, a pause or a space.
_HANDLED = frozenset(".,!?;:…()[]{}-/'")
_PREVIEW_WORDS = 8


@dataclass(frozen=True)
class TextWarning:
    """One thing to check before airing."""

    kind: str
    """``legacy_encoding``, ``unknown_acronym``, ``leftover`` (a digit or symbol the reader would skip or
    misread) or ``long_sentence``."""
    message: str
    token: str
    spans: tuple[tuple[int, int], ...]
    """(start, end) offsets of every occurrence in the text; empty when it cannot be located."""
    replacement: str | None = None
    """For ``legacy_encoding``: the whole text converted to Unicode, to put in place of what was typed."""


def _spans(text: str, pattern: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in re.finditer(pattern, text))


def _converted(text: str, encoding: str | None) -> Iterator[TextWarning]:
    if encoding:
        name = ENCODING_NAMES[encoding]
        yield TextWarning(
            "legacy_encoding",
            f"Văn bản được gõ bằng bảng mã {name}; máy đã chuyển sang Unicode. Hãy kiểm tra và dùng bản đã chuyển.",
            name,
            (),
            replacement=text,
        )


def _unknown_acronyms(text: str, spelled: list[str]) -> Iterator[TextWarning]:
    """Upper-case tokens of two letters or more that were spelled: single letters (khu A) are meant so."""
    for token in dict.fromkeys(t for t in spelled if len(t) > 1):
        yield TextWarning(
            "unknown_acronym",
            f"Chưa biết cách đọc “{token}”, máy sẽ đánh vần “{spell(token)}”. "
            "Hãy viết đầy đủ, hoặc thêm vào từ điển phát âm.",
            token,
            _spans(text, rf"(?<![^\W\d_]){re.escape(token)}(?![^\W\d_])"),
        )


def _leftovers(text: str, untidy: str, spoken: str) -> Iterator[TextWarning]:
    """Digits still in the spoken text, and symbols the last pass would silently drop."""
    meaningful = set(symbols())
    dropped = (c for c in untidy if not (c.isalnum() or c.isspace() or c in _HANDLED or c in meaningful))
    for char in dict.fromkeys([c for c in spoken if c.isnumeric()] + list(dropped)):
        yield TextWarning(
            "leftover",
            f"Máy không biết đọc ký tự “{char}” nên sẽ bỏ qua hoặc đọc sai. Hãy viết nó bằng chữ.",
            char,
            _spans(text, re.escape(char)),
        )


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for end in [*SENTENCE_END.finditer(text), None]:
        stop = end.start() if end else len(text)
        if text[start:stop].strip():
            yield start, stop
        start = end.end() if end else stop


def _long_sentences(text: str, lexicon: Lexicon | Mapping[str, str] | None) -> Iterator[TextWarning]:
    for start, stop in _sentences(text):
        spoken = normalize(text[start:stop], lexicon)
        count = len(spoken.split())
        run = max(len(part.split()) for part in _PAUSE.split(spoken))
        if count > LONG_SENTENCE_WORDS:
            message = f"Câu dài {count} tiếng, người nghe khó theo dõi. Nên tách thành các câu ngắn hơn."
        elif run > LONG_RUN_WORDS:
            message = f"Câu có đoạn dài {run} tiếng không có chỗ ngắt hơi. Nên thêm dấu phẩy hoặc tách câu."
        else:
            continue
        words = text[start:stop].split()
        preview = " ".join(words[:_PREVIEW_WORDS]) + ("…" if len(words) > _PREVIEW_WORDS else "")
        yield TextWarning("long_sentence", message, preview, ((start, stop),))


def analyze(text: str, lexicon: Lexicon | Mapping[str, str] | None = None) -> tuple[str, list[TextWarning]]:
    """The spoken form of ``text`` (as ``normalize`` gives it) and the warnings an officer should see first.

    Text in a legacy encoding is converted first and the other warnings' offsets refer to the converted
    text, given in the ``legacy_encoding`` warning. Raises ``LegacyEncodingError`` like ``normalize``.
    """
    text, encoding = to_unicode(unicodedata.normalize("NFC", text))
    done = rewrite(text, lexicon)
    warnings = [
        *_converted(text, encoding),
        *_unknown_acronyms(text, done.spelled),
        *_leftovers(text, done.untidy, done.spoken),
        *_long_sentences(text, lexicon),
    ]
    return done.spoken, warnings
