"""First and last passes of the front end: make the text regular before the rules, tidy it after.

``prepare`` gives every later rule one spelling of each character (NFC, one kind of dash and space);
``tidy`` turns what is left of the written layout (brackets, slashes, stray symbols) into what a
reader would do with it: a pause, a word, or nothing.
"""

from __future__ import annotations

import re
import unicodedata

from tts.frontend.lexicon import symbols

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"[^\S\n]+")
_QUOTES = re.compile(r"[\"“”„«»]")
# Typographic apostrophes become the plain one, which names such as Cư M'gar are written with.
_APOSTROPHES = re.compile(r"[‘’ʼ`]")
_BULLET = re.compile(r"^[ \t]*[-+*•·▪●◦][ \t]+", re.MULTILINE)

_BRACKETS = re.compile(r"\s*[()\[\]{}]\s*")
_SPACED_DASH = re.compile(r"\s+-+\s+|\s+-+$|^-+\s+", re.MULTILINE)
_JOINING = re.compile(r"(?<=\w)[-/.,:](?=\w)")
_UNSPOKEN = re.compile(r"[^\w\s.,!?;:…]")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[.,!?;:…])")
_GLUED_TO_NEXT = re.compile(r"(?<=[.,!?;:…])(?=\w)")  # "chín .en" gives "chín.en": a pause, then a word
_REPEATED_COMMA = re.compile(r",(?:\s*,)+")
_COMMA_BEFORE_STOP = re.compile(r",\s*(?=[.!?;:…])")
_COMMA_AT_LINE_START = re.compile(r"^[ \t]*[,;:]+[ \t]*", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def prepare(text: str) -> str:
    """NFC, one kind of dash and apostrophe, quote marks and list bullets removed, plain spaces, LF line ends."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _DASHES.sub("-", text)
    text = _QUOTES.sub("", text)
    text = _APOSTROPHES.sub("'", text)
    text = _BULLET.sub("", text)
    return _SPACES.sub(" ", text)


def tidy(text: str) -> str:
    """Replace leftover layout by pauses or words and normalise spacing, keeping paragraph breaks."""
    for symbol, word in symbols().items():
        text = text.replace(symbol, f" {word} ")
    text = _BRACKETS.sub(", ", text)
    text = _SPACED_DASH.sub(", ", text)
    text = _JOINING.sub(" ", text)
    text = _UNSPOKEN.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _GLUED_TO_NEXT.sub(" ", _SPACE_BEFORE_PUNCT.sub("", text))
    text = _REPEATED_COMMA.sub(",", text)
    text = _COMMA_BEFORE_STOP.sub("", text)
    text = _COMMA_AT_LINE_START.sub("", text)
    text = "\n".join(line.strip(" ,") for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()
