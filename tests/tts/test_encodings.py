"""Text pasted in the legacy TCVN3 (ABC) and VNI encodings: converted when sure, refused when not."""

from __future__ import annotations

import pytest

from tts import LegacyEncodingError, analyze, normalize, to_unicode

UNICODE = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. UBND xã thông báo lịch tiêm chủng."
# The same sentence as bytes typed with .VnTime (TCVN3) and VNI-Times fonts, read back as Latin-1 text.
TCVN3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc. UBND x· th«ng b¸o lÞch tiªm chñng."
VNI = (
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc. "
    "UBND xaõ thoâng baùo lòch tieâm chuûng."
)


@pytest.mark.parametrize(("legacy", "encoding"), [(TCVN3, "tcvn3"), (VNI, "vni")])
def test_legacy_text_is_converted(legacy: str, encoding: str) -> None:
    assert to_unicode(legacy) == (UNICODE, encoding)
    assert normalize(legacy) == normalize(UNICODE)


@pytest.mark.parametrize(
    "text",
    [
        UNICODE,
        "Hello 123",
        "",
        "Müller fährt über die Brücke, schön.",  # foreign letters that are also TCVN3/VNI characters
        "· Thôn Đông họp · Xã có «Zalo» và Zalo® · ống Ø60 · 1½ kg · § 2",  # symbols that are too
    ],
    ids=["unicode", "ascii", "empty", "german", "symbols"],
)
def test_unicode_and_plain_text_pass_unchanged(text: str) -> None:
    assert to_unicode(text) == (text, None)


def test_a_short_legacy_phrase_is_converted() -> None:
    assert to_unicode("Hµ Néi") == ("Hà Nội", "tcvn3")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (UNICODE + " " + TCVN3, "lẫn giữa Unicode và bảng mã cũ"),
        ("OK x· ®i", "có vẻ gõ bằng bảng mã cũ"),  # too short for the detector to tell TCVN3 from VISCII
        ("Hello x· th«ng world and more english words here", "x·, th«ng"),
    ],
    ids=["mixed", "short", "mostly-english"],
)
def test_unsure_text_is_refused_with_advice(text: str, reason: str) -> None:
    with pytest.raises(LegacyEncodingError, match=reason) as refused:
        normalize(text)
    assert "Unicode" in str(refused.value) and "Unikey" in str(refused.value)


def test_analyze_reports_the_conversion_and_the_converted_text() -> None:
    spoken, warnings = analyze(TCVN3 + " Gäi XYZ.")
    legacy, acronym = warnings
    assert legacy.kind == "legacy_encoding" and "TCVN3" in legacy.message
    assert legacy.replacement == UNICODE + " Gọi XYZ."
    assert acronym.token == "XYZ"
    assert legacy.replacement[acronym.spans[0][0] : acronym.spans[0][1]] == "XYZ"
    assert spoken == normalize(UNICODE + " Gọi XYZ.")
