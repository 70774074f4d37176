"""Spoken forms that later rules must not touch, held in the text as one placeholder letter each.

The lexicon and the reader of web addresses decide a whole reading at once ("Zalo" -> "da lô",
"dichvucong.gov.vn" -> "dich vu cong chấm gốp chấm vê en"); the number, date and acronym rules that run
after them would otherwise rewrite parts of it. Placeholders are Tangut letters: word characters to every
rule (so "COVID-19" is not read with a minus sign), never upper case (so never spelled), and never
found in a Vietnamese bulletin.
"""

from __future__ import annotations

import re

_BASE = 0x17000
_COUNT = 0x17FF
_PLACEHOLDER = re.compile(f"[{chr(_BASE)}-{chr(_BASE + _COUNT - 1)}]")


def strip_placeholders(text: str) -> str:
    """Drop characters that would be mistaken for placeholders (a Tangut letter here could only be a stray)."""
    return _PLACEHOLDER.sub("", text)


class Held:
    """The spoken forms held so far for one text."""

    def __init__(self) -> None:
        self._said: list[str] = []

    def hold(self, spoken: str) -> str:
        """A placeholder for ``spoken``; past the 6,143rd the spoken form is returned as is, to be rewritten."""
        if len(self._said) >= _COUNT:
            return spoken
        self._said.append(spoken)
        return chr(_BASE + len(self._said) - 1)

    def restore(self, text: str) -> str:
        """Put the spoken forms back in place of their placeholders."""
        return _PLACEHOLDER.sub(lambda m: self._said[ord(m.group()) - _BASE], text)
