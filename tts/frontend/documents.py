"""Codes of official documents: "348/KH-UBND", "12/2024/NĐ-CP", "05/TB-UBND".

A code is its number, an optional year and the kind and issuer of the document; those parts are read
from ``data/document_codes.tsv`` first, because inside a code "TB" means "thông báo" and "CT" "chỉ thị",
which would be wrong guesses anywhere else. The number and year are read here too: "12/2024" inside a
code is never a month.
"""

from __future__ import annotations

import re
from functools import cache

from tts.frontend.lexicon import abbreviations, document_codes
from tts.frontend.spoken_numbers import integer_words

_PART = r"[A-ZĐ][A-Za-zĐđ&]+"
_CODE = re.compile(rf"(?<![\w/.,])(?P<number>\d+)(?:/(?P<year>\d{{4}}))?/(?P<code>{_PART}(?:-{_PART})*)(?![\w/])")


@cache
def _parts() -> dict[str, str]:
    return {**abbreviations(), **document_codes()}


def _read_code(m: re.Match[str]) -> str:
    year = f" trên {integer_words(int(m['year']))}" if m["year"] else ""
    parts = " ".join(_parts().get(part, part) for part in m["code"].split("-"))
    return f"{integer_words(int(m['number']))}{year} {parts}"


def expand_document_codes(text: str) -> str:
    """Read a document code as its number, year, kind and issuer."""
    return _CODE.sub(_read_code, text)
