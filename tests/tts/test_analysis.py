"""``tts.analyze``: the spoken form plus warnings that name what the officer should check, and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import bulletins
from tts import analyze, normalize
from tts.frontend.analysis import LONG_RUN_WORDS, LONG_SENTENCE_WORDS

BULLETINS = bulletins()


def _kinds(text: str, lexicon: dict[str, str] | None = None) -> dict[str, list[tuple[str, tuple]]]:
    kinds: dict[str, list[tuple[str, tuple]]] = {}
    for warning in analyze(text, lexicon)[1]:
        kinds.setdefault(warning.kind, []).append((warning.token, warning.spans))
    return kinds


def test_clean_text_has_no_warnings_and_the_same_spoken_form_as_normalize() -> None:
    text = "UBND xã thông báo: từ 7h30 ngày 6/9/2024, thôn 4 họp tại nhà văn hóa."
    spoken, warnings = analyze(text)
    assert spoken == normalize(text)
    assert warnings == []


def test_unknown_capitals_are_named_with_their_positions_and_spelling() -> None:
    text = "Liên hệ XYZ hoặc khu A, mã XYZ123."
    spoken, warnings = analyze(text)
    [warning] = warnings
    assert warning.kind == "unknown_acronym"
    assert warning.token == "XYZ"
    assert warning.spans == ((8, 11), (27, 30))
    assert "ích i dài dét" in warning.message and "từ điển" in warning.message
    assert "ích i dài dét" in spoken


def test_teaching_the_lexicon_silences_the_warning() -> None:
    assert "unknown_acronym" in _kinds("Gọi cho XYZ.")
    assert _kinds("Gọi cho XYZ.", {"XYZ": "công ty ích"}) == {}


def test_leftover_symbols_and_digits_are_named() -> None:
    text = "Giá 5€ # loại ½ kg, nhiệt độ °."
    kinds = _kinds(text)
    assert set(kinds) == {"leftover"}
    assert {token for token, _ in kinds["leftover"]} == {"€", "#", "½", "°"}
    for token, spans in kinds["leftover"]:
        assert [text[a:b] for a, b in spans] == [token]


def test_symbols_the_front_end_reads_are_not_warned_about() -> None:
    assert _kinds("Tăng 5% (so với 2023) & giảm 2°C - đạt 100 m2/hộ.") == {}


def test_long_sentences_are_flagged_with_their_span() -> None:
    long_sentence = "Bà con " + ", ".join(["chú ý giữ gìn vệ sinh chung"] * 14) + "."
    text = "Thông báo ngắn. " + long_sentence + " Hết."
    [(preview, spans)] = _kinds(text)["long_sentence"]
    assert text[spans[0][0] : spans[0][1]] == long_sentence
    assert preview.startswith("Bà con chú ý") and preview.endswith("…")
    assert len(normalize(long_sentence).split()) > LONG_SENTENCE_WORDS


def test_a_long_stretch_without_a_pause_is_flagged() -> None:
    run = "Bà con " + " ".join(["chú ý giữ gìn vệ sinh chung"] * 7) + "."
    assert LONG_RUN_WORDS < len(run.split()) <= LONG_SENTENCE_WORDS
    [warning] = analyze(run)[1]
    assert warning.kind == "long_sentence" and "dấu phẩy" in warning.message


def test_positions_refer_to_the_composed_text() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Ủy ban gửi XYZ.")
    [warning] = analyze(text)[1]
    composed = unicodedata.normalize("NFC", text)
    assert composed[warning.spans[0][0] : warning.spans[0][1]] == "XYZ"


@pytest.mark.skipif(not BULLETINS, reason="shared corpus bulletins not found")
@pytest.mark.parametrize("path", BULLETINS, ids=[p.stem for p in BULLETINS])
def test_corpus_bulletins_preview_without_unknown_abbreviations_or_leftovers(path: Path) -> None:
    kinds = _kinds(path.read_text(encoding="utf-8"))
    assert "unknown_acronym" not in kinds and "leftover" not in kinds, kinds
