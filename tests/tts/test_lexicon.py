"""The pronunciation lexicon: shipped defaults, a commune's own entries, and how they are checked."""

from __future__ import annotations

import time

import pytest

from tts import Lexicon, LexiconEntry, LexiconError, check_entry, format_lexicon, normalize, parse_lexicon
from tts.frontend.abbreviations import is_vietnamese_syllable
from tts.frontend.lexicon import abbreviations
from tts.frontend.pronunciation import default_lexicon


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Cài đặt VNeID", "Cài đặt vê en e ai đi"),
        ("nhắn Zalo, ZALO hay zalo", "nhắn da lô, da lô hay da lô"),
        ("COVID-19", "cô vít mười chín"),
        ("phát sóng Wi-Fi và wifi", "phát sóng oai phai và oai phai"),
        ("huyện Cư M’gar", "huyện Cư Mơ ga"),  # typographic apostrophe, as word processors type it
        ("huyện Cư  M'gar", "huyện Cư Mơ ga"),
    ],
)
def test_shipped_entries_apply_without_a_commune_lexicon(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_commune_entries_win_over_shipped_ones_and_over_abbreviations() -> None:
    lexicon = {"Zalo": "gia lô", "UBND": "ủy ban", "Bản Phủ": "bản phủ"}
    assert normalize("UBND thôn Bản Phủ dùng Zalo", lexicon) == "ủy ban thôn bản phủ dùng gia lô"
    assert normalize("UBND thôn Bản Phủ dùng Zalo") == "ủy ban nhân dân thôn Bản Phủ dùng da lô"


def test_pattern_entries_match_as_written() -> None:
    lexicon = Lexicon([LexiconEntry(r"Nà\s?Hang", "Nà Hang", pattern=True)])
    assert normalize("Xã NàHang và Nà Hang", lexicon) == "Xã Nà Hang và Nà Hang"
    assert normalize("Xã nàhang", lexicon) == "Xã nàhang"


def test_spoken_forms_are_final() -> None:
    # Without protection the later rules would spell "KÊ" (ca ê) and expand "TP" (thành phố).
    lexicon = {"ok": "Ô KÊ", "Tổ dân phố": "TP"}
    assert normalize("Mọi việc ok. Tổ dân phố 3.", lexicon) == "Mọi việc Ô KÊ. TP ba."


def test_matches_only_whole_words() -> None:
    assert normalize("Zalon", {"Zalo": "da lô"}) == "Zalon"
    assert normalize("COVIDX") != normalize("COVID")


def test_mapping_and_lexicon_forms_agree() -> None:
    mapping = {"Ea Súp": "Ia Súp", "/[Kk]'?[Bb]ang/": "Kơ bang"}
    lexicon = Lexicon([LexiconEntry("Ea Súp", "Ia Súp"), LexiconEntry("[Kk]'?[Bb]ang", "Kơ bang", pattern=True)])
    text = "Huyện Ea Súp và K'Bang"
    assert normalize(text, mapping) == normalize(text, lexicon) == "Huyện Ia Súp và Kơ bang"


@pytest.mark.parametrize(
    ("written", "spoken", "pattern", "problem"),
    [
        ("", "a", False, "Chưa nhập từ"),
        ("Zalo", " ", False, "Chưa nhập cách đọc"),
        ("Thôn 5", "thôn 5", False, "không dùng chữ số"),
        ("(unclosed", "x", True, "Mẫu không hợp lệ"),
        ("a*", "x", True, "chuỗi rỗng"),
        ("x" * 201, "x", False, "dài quá"),
    ],
)
def test_check_entry_explains_problems_in_vietnamese(written: str, spoken: str, pattern: bool, problem: str) -> None:
    problems = check_entry(written, spoken, pattern)
    assert any(problem in p for p in problems), problems


def test_bad_entries_are_refused() -> None:
    assert check_entry("Zalo", "da lô") == []
    with pytest.raises(LexiconError, match="chữ số"):
        Lexicon([LexiconEntry("Thôn 5", "thôn 5")])
    with pytest.raises(LexiconError, match="Mẫu không hợp lệ"):
        normalize("x", {"/(/": "y"})


def test_tsv_round_trip_and_line_numbers_in_errors() -> None:
    entries = [LexiconEntry("Zalo", "da lô"), LexiconEntry("Nà ?Hang", "Nà Hang", pattern=True)]
    text = format_lexicon(entries)
    assert text == "Zalo\tda lô\n/Nà ?Hang/\tNà Hang\n"
    assert parse_lexicon("# comment\n\n" + text) == entries
    with pytest.raises(LexiconError, match="Dòng 2: Hai cột phải cách nhau bằng dấu Tab"):
        parse_lexicon("Zalo\tda lô\nVNeID vê en")
    assert parse_lexicon("Nà Hin = Nà Hỉn") == [LexiconEntry("Nà Hin", "Nà Hỉn")]  # typed in a form, no Tab key


def test_shipped_spoken_forms_are_vietnamese_syllables() -> None:
    # The engines read Vietnamese syllables well; anything else in a spoken form is a typo in the data.
    for entry in default_lexicon().entries:
        for word in entry.spoken.split():
            assert is_vietnamese_syllable(word), f"{entry.written}: {word!r}"


def test_a_large_commune_lexicon_is_fast_enough() -> None:
    lexicon = Lexicon(LexiconEntry(f"Điểm {i}", "điểm" + " một" * (i % 3 + 1)) for i in range(2000))
    started = time.perf_counter()
    assert normalize("Họp ở Điểm 1999 và Điểm 6.", lexicon) == "Họp ở điểm một một và điểm một."
    assert time.perf_counter() - started < 1.0


def test_at_least_a_hundred_abbreviations_ship_as_data() -> None:
    assert len(abbreviations()) >= 100
    assert normalize("BCHQS xã, ngành NN&PTNT") == "ban chỉ huy quân sự xã, ngành nông nghiệp và phát triển nông thôn"
