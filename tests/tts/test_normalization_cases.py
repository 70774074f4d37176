"""Scores ``tts.normalize`` on the shared corpus's normalization_cases.tsv, one test per case.

The folding and equivalence rules are those of corpus/README.md ("How a case is scored").
"""

from __future__ import annotations

import unicodedata

import pytest

from tests.corpus import corpus_path
from tts import normalize

CASES_FILE = corpus_path("normalization_cases.tsv")

# Inputs not yet read right; a later issue requires every case, so keep this short and honest.
KNOWN_FAILURES: set[str] = set()

_SAME_WORD = {"ngàn": "nghìn", "lẻ": "linh", "nhăm": "lăm", "uỷ": "ủy", "mồng": "mùng"}


def fold(text: str) -> str:
    """README step 2 and 3: lower case, hyphens and non-alphanumerics to spaces, equivalent spellings."""
    text = text.lower().replace("-", " ")
    text = "".join(c if c.isalnum() or c.isspace() else " " for c in text)
    words = text.split()
    folded = []
    for i, word in enumerate(words):
        if word == "tư" and i > 0 and words[i - 1] == "mươi":
            word = "bốn"
        folded.append(_SAME_WORD.get(word, word))
    return " ".join(folded)


def _cases() -> list[pytest.param]:
    cases = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, expected = line.split("\t", 1)
        marks = [pytest.mark.xfail(strict=True, reason="not handled yet")] if written in KNOWN_FAILURES else []
        cases.append(pytest.param(written, expected.split(" | "), id=written, marks=marks))
    return cases


def test_fold_follows_the_readme() -> None:
    assert fold("Hai mươi tư, Uỷ-ban") == "hai mươi bốn ủy ban"
    assert fold("thứ tư") == "thứ tư"


@pytest.mark.parametrize(("written", "alternatives"), _cases())
def test_case(written: str, alternatives: list[str]) -> None:
    spoken = normalize(written)
    assert unicodedata.is_normalized("NFC", spoken), "output must already be NFC"
    assert fold(spoken) in {fold(a) for a in alternatives}, f"{written!r} -> {spoken!r}"
