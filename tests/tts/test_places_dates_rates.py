"""Forms a listener heard misread: dotted place prefixes, road codes, kilometre posts, rates, dates in
context and date ranges, and headlines in capitals (Northern broadcast readings)."""

from __future__ import annotations

import re

import pytest

from tts import normalize
from tts.frontend import rewrite

CASES = [
    # A unit with no number after "mỗi" / "trên", and a non-Vietnamese place name in a capitalised headline.
    ("300 người mỗi km2", "ba trăm người mỗi ki lô mét vuông"),
    ("năng suất trên ha tăng", "năng suất trên héc ta tăng"),
    ("mỗi m nhà", "mỗi m nhà"),
    ("THÀNH PHỐ PLEIKU", "THÀNH PHỐ Plây cu"),
    # Administrative prefixes with a dot, before a number or a capitalised name.
    ("Q.1", "quận một"),
    ("Q. Ba Đình", "quận Ba Đình"),
    ("Q.Ba Đình, Hà Nội", "quận Ba Đình, Hà Nội"),
    ("số 12 P.5, Q.10, TP.HCM", "số mười hai phường năm, quận mười, thành phố Hồ Chí Minh"),
    ("P. Trường Thi, TP. Vinh", "phường Trường Thi, thành phố Vinh"),
    ("H. Nam Đàn, tỉnh Nghệ An.", "huyện Nam Đàn, tỉnh Nghệ An."),
    ("Tại H. Đông Anh", "Tại huyện Đông Anh"),
    ("Tp. Hồ Chí Minh", "thành phố Hồ Chí Minh"),
    ("TX. Cửa Lò, TT. Quán Hành", "thị xã Cửa Lò, thị trấn Quán Hành"),
    # Road codes: quốc lộ, đường tỉnh, tỉnh lộ, đường huyện.
    ("QL1A", "quốc lộ một A"),
    ("QL.1A", "quốc lộ một A"),
    ("QL 14B", "quốc lộ mười bốn bê"),
    ("Tuyến ĐT.601 đoạn qua xã", "Tuyến đường tỉnh sáu trăm linh một đoạn qua xã"),
    ("ĐT601", "đường tỉnh sáu trăm linh một"),
    ("TL.8", "tỉnh lộ tám"),
    ("ĐH.12", "đường huyện mười hai"),
    ("HL.5", "hương lộ năm"),
    # Kilometre posts.
    ("km 15+200", "ki lô mét mười lăm cộng hai trăm"),
    ("Km15+200 QL1A", "ki lô mét mười lăm cộng hai trăm quốc lộ một A"),
    ("km 12", "ki lô mét mười hai"),
    ("từ Km 3 đến Km 5", "từ ki lô mét ba đến ki lô mét năm"),
    ("Km15+200 - Km16+500", "ki lô mét mười lăm cộng hai trăm đến ki lô mét mười sáu cộng năm trăm"),
    # A distance is still a distance.
    ("240 km", "hai trăm bốn mươi ki lô mét"),
    ("cách 240 km 12 m", "cách hai trăm bốn mươi ki lô mét mười hai mét"),
    ("1.000 km2", "một nghìn ki lô mét vuông"),
    # Rates: "/" before a unit or a noun is "per".
    ("3 tấn/ha", "ba tấn một héc ta"),
    ("năng suất 60 tạ/ha", "năng suất sáu mươi tạ một héc ta"),
    ("200 người/km2", "hai trăm người một ki lô mét vuông"),
    ("0,5%/tháng", "không phẩy năm phần trăm một tháng"),
    ("lãi 7 %/ năm", "lãi bảy phần trăm một năm"),
    ("183 km/h", "một trăm tám mươi ba ki lô mét trên giờ"),
    ("150 kg/ha", "một trăm năm mươi ki lô gam trên héc ta"),
    # Day/month after a word that introduces a date; days 1-10 take "mùng".
    ("ngày 8/3", "ngày mùng tám tháng ba"),
    ("lễ 8/3", "lễ mùng tám tháng ba"),
    ("dịp 8/3", "dịp mùng tám tháng ba"),
    ("từ 8/3", "từ mùng tám tháng ba"),
    ("kỷ niệm 2/9", "kỷ niệm mùng hai tháng chín"),
    ("Quốc tế Phụ nữ 8/3", "Quốc tế Phụ nữ mùng tám tháng ba"),
    ("chào mừng 20/11", "chào mừng hai mươi tháng mười một"),
    ("ngày mồng 5/9/2024", "ngày mồng năm tháng chín năm hai nghìn không trăm hai mươi bốn"),
    # Both ends of a day/month range are dates.
    ("30/4-1/5", "ba mươi tháng tư đến mùng một tháng năm"),
    ("dịp 30/4 - 1/5", "dịp ba mươi tháng tư đến mùng một tháng năm"),
    (
        "từ 30/4 đến 1/5/2025",
        "từ ba mươi tháng tư đến mùng một tháng năm năm hai nghìn không trăm hai mươi lăm",
    ),
    # Fractions stay fractions.
    ("tỷ lệ 1/2", "tỷ lệ một trên hai"),
    ("chiếm 1/3", "chiếm một trên ba"),
    # Headlines in capitals are read as words.
    ("CƠN BÃO SỐ 3", "CƠN BÃO SỐ ba"),
    ("TỈNH ĐẮK LẮK, HUYỆN KRÔNG BÔNG", "TỈNH ĐẮK LẮK, HUYỆN KRÔNG BÔNG"),
]

# Where the letter is a person's initial or the rest is not a place, nothing is expanded.
UNCHANGED = [
    ("Ông Nguyễn Văn H. Nam Định", "Ông Nguyễn Văn hát. Nam Định"),
    ("ông H. Ông ấy", "ông hát. Ông ấy"),
    ("ĐT: 0912 345 678", "điện thoại: không chín một hai, ba bốn năm, sáu bảy tám"),
]


@pytest.mark.parametrize(("written", "spoken"), CASES + UNCHANGED, ids=[c[0] for c in CASES + UNCHANGED])
def test_reads_like_an_announcer(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize("written", [c[0] for c in CASES])
def test_no_digits_are_left_and_a_second_pass_changes_nothing(written: str) -> None:
    spoken = normalize(written)
    assert not re.search(r"\d", spoken)
    assert normalize(spoken) == spoken


HEADLINES = [
    "THÔNG BÁO KHẨN CẤP VỀ PHÒNG CHỐNG BÃO LŨ",
    "CƠN BÃO SỐ 3 ĐỔ BỘ VÀO QUẢNG NINH, HẢI PHÒNG",
    "NGHIÊNG NGHỀ KHUYÊN QUYẾT KHUỶU KHUYA NGOẰN NGOÈO GIƯỜNG GÌN GIỮ QUYỂN HUẤN LUYỆN KHUẾCH",
    "ƯỚT ƯƠM YÊU ỐI OÁI OĂM ĐƯỜNG NGƯỜI TRUYỀN NGHIỆP TƯƠI HƯƠU CỨU NGOÀI KHOẺ",
    "LỊCH TIÊM CHỦNG MỞ RỘNG THÁNG MƯỜI HAI TẠI TỈNH ĐẮK LẮK, GIA LAI, KON TUM, PLEI KU",
]


@pytest.mark.parametrize("headline", HEADLINES)
def test_a_vietnamese_word_in_capitals_is_never_spelled(headline: str) -> None:
    assert rewrite(headline).spelled == []
