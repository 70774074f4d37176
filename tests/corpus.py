"""The shared corpus (realistic bulletins, the written→spoken case list): the copy beside the checkout when there
is one (the product owner edits it), else the copy kept in tests/fixtures/corpus so a clean clone tests it too."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
KEPT = Path(__file__).resolve().parent / "fixtures" / "corpus"


def corpus_path(name: str) -> Path:
    return SHARED / name if (SHARED / name).exists() else KEPT / name


def bulletins() -> list[Path]:
    return sorted(corpus_path("bulletins").glob("*.txt"))
