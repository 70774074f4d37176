"""Splitting spoken text into paragraphs and sentences, the units between which a reader pauses."""

from __future__ import annotations

import re

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence ends at . ! ? or … followed by a space; a line break inside a paragraph (a title,
# a list item) also ends one.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")


def split_paragraphs(text: str) -> list[list[str]]:
    """Paragraphs, each a list of its sentences; pieces with nothing to pronounce are dropped."""
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        sentences = [s.strip() for s in SENTENCE_END.split(block) if any(c.isalnum() for c in s)]
        if sentences:
            paragraphs.append(sentences)
    return paragraphs
