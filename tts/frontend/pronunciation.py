"""The pronunciation lexicon: words a commune teaches the front end (place names, brands, new terms).

Entries are applied before the other rules, and what they produce is final: it is held out of
reach of the later rules (numbers, acronym spelling) as a placeholder (see ``placeholders``) until
the rules have run. So "Zalo" -> "da lô" stays "da lô", and an entry for "COVID" still lets
"COVID-19" read its number.

A commune's entries are applied first, so they win over the shipped defaults in ``data/lexicon.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property

from tts.frontend.cleanup import prepare
from tts.frontend.lexicon import data_text
from tts.frontend.placeholders import Held

_MAX_WRITTEN_CHARS = 200
_PATTERN_SYNTAX = re.compile(r"^/(?P<pattern>.+)/$", re.DOTALL)


class LexiconError(ValueError):
    """An entry that cannot be used; the message is Vietnamese, for the officer who typed it."""


@dataclass(frozen=True)
class LexiconEntry:
    """One way of saying something: ``written`` (a word, or a regular expression if ``pattern``) -> ``spoken``."""

    written: str
    spoken: str
    pattern: bool = False


def check_entry(written: str, spoken: str, pattern: bool = False) -> list[str]:
    """Problems with an entry an officer typed, in Vietnamese; an empty list means it can be saved."""
    problems = []
    if not written.strip():
        problems.append("Chưa nhập từ cần đọc.")
    elif len(written) > _MAX_WRITTEN_CHARS:
        problems.append(f"Từ cần đọc dài quá {_MAX_WRITTEN_CHARS} ký tự.")
    elif pattern:
        try:
            compiled = re.compile(written)
        except re.error as error:
            problems.append(f"Mẫu không hợp lệ: {error}.")
        else:
            if compiled.fullmatch(""):
                problems.append("Mẫu khớp cả chuỗi rỗng; hãy viết mẫu cụ thể hơn.")
    if not spoken.strip():
        problems.append("Chưa nhập cách đọc.")
    elif any(c.isdigit() for c in spoken):
        problems.append("Cách đọc phải viết bằng chữ, không dùng chữ số (ví dụ: “hai”, không phải “2”).")
    return problems


def parse_lexicon(text: str) -> list[LexiconEntry]:
    """Entries from lexicon text: ``written<TAB>spoken``, or ``written = spoken`` as typed in a web form, where
    the Tab key leaves the text box; ``/regex/`` marks a pattern; ``#`` starts a comment.

    Raises LexiconError naming the line of the first entry that cannot be used.
    """
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        written, tab, spoken = line.partition("\t") if "\t" in line else line.rpartition(" = ")
        written, spoken = written.strip(), spoken.strip()
        syntax = _PATTERN_SYNTAX.match(written)
        entry = LexiconEntry(syntax["pattern"], spoken, True) if syntax else LexiconEntry(written, spoken)
        missing_separator = ["Hai cột phải cách nhau bằng dấu Tab hoặc “ = ”."]
        problems = check_entry(entry.written, entry.spoken, entry.pattern) if tab else missing_separator
        if problems:
            raise LexiconError(f"Dòng {number}: {' '.join(problems)}")
        entries.append(entry)
    return entries


def format_lexicon(entries: Iterable[LexiconEntry]) -> str:
    """TSV text that ``parse_lexicon`` reads back into the same entries (for export and backup)."""
    return "".join(f"/{e.written}/\t{e.spoken}\n" if e.pattern else f"{e.written}\t{e.spoken}\n" for e in entries)


class Lexicon:
    """A commune's entries. Patterns are tried first, in order, then all words at once, longest first."""

    def __init__(self, entries: Iterable[LexiconEntry] = ()) -> None:
        self.entries = tuple(entries)
        for entry in self.entries:
            if problems := check_entry(entry.written, entry.spoken, entry.pattern):
                raise LexiconError(f"{entry.written}: {' '.join(problems)}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> Lexicon:
        """Entries from ``{written: spoken}``; a key written ``/.../`` is a regular expression."""
        return cls(
            LexiconEntry(m["pattern"], spoken, True) if (m := _PATTERN_SYNTAX.match(key)) else LexiconEntry(key, spoken)
            for key, spoken in mapping.items()
        )

    @cached_property
    def _rules(self) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
        rules: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = []
        words: dict[str, str] = {}
        for entry in self.entries:
            if entry.pattern:
                rules.append((re.compile(entry.written), lambda _m, spoken=entry.spoken: spoken))
            else:
                words.setdefault(_word_key(prepare(entry.written)), entry.spoken)
        if words:
            alternatives = (r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
            rules.append((pattern, lambda m: words[_word_key(m.group())]))
        return rules

    def protect(self, text: str, held: Held) -> str:
        """Replace every match by a placeholder holding its spoken form."""
        for pattern, speak in self._rules:
            text = pattern.sub(lambda m, speak=speak: held.hold(speak(m)), text)
        return text


def _word_key(written: str) -> str:
    return " ".join(written.casefold().split())


@cache
def default_lexicon() -> Lexicon:
    """The shipped entries of ``data/lexicon.tsv``."""
    return Lexicon(parse_lexicon(data_text("lexicon.tsv")))


def as_lexicon(entries: Lexicon | Mapping[str, str] | None) -> Lexicon:
    """A commune's entries given as a Lexicon or a ``{written: spoken}`` dict (None: no entries)."""
    if entries is None:
        return Lexicon()
    return entries if isinstance(entries, Lexicon) else Lexicon.from_mapping(entries)


def protect(text: str, lexicon: Lexicon | Mapping[str, str] | None, held: Held) -> str:
    """Apply the commune's entries, then the shipped ones, leaving placeholders."""
    for layer in (as_lexicon(lexicon), default_lexicon()):
        text = layer.protect(text, held)
    return text
