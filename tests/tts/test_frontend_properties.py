"""Properties of the text front end on text nobody wrote on purpose: arbitrary Unicode, digits and punctuation
glued together, mixed scripts, huge numbers, bulletin-length strings. The front end never crashes (text that
looks legacy-encoded but cannot be converted is refused with LegacyEncodingError, as documented), leaves no
digit of any script for the voice to guess, keeps its output tidy, and reading its own output changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tts import LegacyEncodingError, analyze, normalize

PROPERTY = settings(max_examples=400, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
NUMBERISH = "0123456789.,-/:%+()hgđkmVNĐQLTP "
WORDS = ["ngày", "lúc", "từ", "đến", "km", "ha", "kg", "%", "đ", "m2", "QL", "P.", "TP.", "UBND", "thứ", "tháng",
         "H5N1", "-", "/", ".", ",", ":", "\n", "\n\n", " ", "(", ")", "…", "!", "?", "³", "½", "Ⅻ", "٣", "３",
         "—"]  # fmt: skip

numbers = st.one_of(
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.integers(min_value=0, max_value=10**12).map(lambda n: f"{n:,}".replace(",", ".")),
    st.from_regex(r"\A[0-9]{1,80}([.,][0-9]{1,20})?\Z"),
)
tokens = st.one_of(numbers, st.sampled_from(WORDS), st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), max_size=8))
bulletin_like = st.lists(tokens, max_size=40).map(" ".join)
glued = st.lists(st.one_of(numbers, st.sampled_from(list(NUMBERISH))), max_size=20).map("".join)
anything = st.text(max_size=300)  # every code point but lone surrogates, which the web layer refuses
other_scripts = st.text(alphabet=st.characters(categories=["Lo", "Nd", "No", "Nl", "So", "Sm", "Pd"]), max_size=6)
mixed_scripts = st.lists(st.one_of(tokens, other_scripts), max_size=30).map(" ".join)
texts = st.one_of(anything, bulletin_like, glued, mixed_scripts)

DIGIT = re.compile(r"\d")  # a decimal digit of any script: 0-9, ٣, ３…


def _spoken(text: str) -> str | None:
    try:
        return normalize(text)
    except LegacyEncodingError:
        return None  # documented refusal: it looks like TCVN3/VNI but cannot be converted with confidence


def _is_tidy(spoken: str) -> bool:
    return (
        spoken == unicodedata.normalize("NFC", spoken)
        and spoken == spoken.strip()
        and "  " not in spoken
        and not re.search(r"[ \t][.,!?;:…]", spoken)
        and not re.search(r"[.,!?;:…]\w", spoken)
        and "\n\n\n" not in spoken
    )


@PROPERTY
@given(texts)
def test_never_crashes_and_leaves_no_digit(text: str) -> None:
    spoken = _spoken(text)
    if spoken is None:
        return
    assert not DIGIT.search(spoken), spoken
    assert _is_tidy(spoken), spoken


@PROPERTY
@given(st.one_of(bulletin_like, glued))
def test_reading_its_own_output_changes_nothing(text: str) -> None:
    spoken = normalize(text)  # Vietnamese letters, digits and punctuation never look legacy-encoded
    assert normalize(spoken) == spoken


@PROPERTY
@given(st.integers(min_value=-(10**200), max_value=10**200))
def test_any_integer_is_read_in_words(value: int) -> None:
    spoken = normalize(f"Có {value} hộ.")
    assert spoken.startswith("Có ") and spoken.endswith(" hộ.")
    assert not DIGIT.search(spoken)
    assert all(word.isalpha() for word in spoken.removesuffix(".").split()), spoken


@settings(max_examples=10, derandomize=True, deadline=None, database=None)
@given(st.lists(tokens, min_size=200, max_size=400).map(" ".join))
def test_bulletin_length_text(text: str) -> None:
    text = (text * (10_000 // max(len(text), 1) + 1))[:10_000]  # the longest bulletin accepted
    spoken = _spoken(text)
    assert spoken is None or not DIGIT.search(spoken)


@PROPERTY
@given(texts)
def test_preview_reads_what_will_be_spoken(text: str) -> None:
    """`analyze` (behind the compose preview) gives the same words as `normalize`, with warnings for the rest."""
    try:
        spoken, warnings = analyze(text)
    except LegacyEncodingError:
        return
    assert spoken == normalize(text)
    assert all(w.kind and w.message for w in warnings)
