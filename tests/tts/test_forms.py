"""Forms from the issue beyond the shared cases: web and e-mail addresses, document codes, Roman numerals."""

from __future__ import annotations

import re

import pytest

from tts import normalize

CASES = [
    # Web addresses: the scheme is left out, known parts have fixed readings, the rest is split into syllables.
    ("Truy cập dichvucong.gov.vn.", "Truy cập dich vu cong chấm gốp chấm vê en."),
    (
        "Xem https://www.baohiemxahoi.gov.vn/tra-cuu ngay",
        "Xem vê kép vê kép vê kép chấm bao hiem xa hoi chấm gốp chấm vê en gạch chéo tra gạch ngang cuu ngay",
    ),
    ("trang hanoi.gov.vn", "trang ha noi chấm gốp chấm vê en"),
    ("web www.nghean.vn", "web vê kép vê kép vê kép chấm nghe an chấm vê en"),
    ("vào http://xa.vn/tin?id=12", "vào xa chấm vê en gạch chéo tin dấu hỏi i dê bằng một hai"),
    # E-mail addresses: letters that make no syllable are spelled, digits read one by one.
    ("Gửi về ubnd.xa@gmail.com.", "Gửi về u bê en dê chấm xa a còng giê meo chấm com."),
    ("thư: tuyenquang2024@yahoo.com", "thư: tuyen quang hai không hai bốn a còng da hu chấm com"),
    # Dotted words that are not addresses stay as they were.
    ("TP.HCM, công nghiệp 4.0, v.v.", "thành phố Hồ Chí Minh, công nghiệp bốn chấm không, vân vân."),
    # Document codes: number, year, kind and issuer.
    ("Kế hoạch số 348/KH-UBND", "Kế hoạch số ba trăm bốn mươi tám kế hoạch ủy ban nhân dân"),
    ("Nghị định 12/2024/NĐ-CP", "Nghị định mười hai trên hai nghìn không trăm hai mươi bốn nghị định chính phủ"),
    ("Thông báo số 05/TB-UBND", "Thông báo số năm thông báo ủy ban nhân dân"),
    ("Chỉ thị 01/CT-TTg", "Chỉ thị một chỉ thị thủ tướng"),
    ("Công văn 123/UBND-VP", "Công văn một trăm hai mươi ba ủy ban nhân dân văn phòng"),
    ("Thông tư 15/2023/TT-BTC", "Thông tư mười lăm trên hai nghìn không trăm hai mươi ba thông tư bộ tài chính"),
    # Outside a code the same letters keep their usual reading.
    ("TT y tế", "tê tê y tế"),
    # Roman numerals and ordinals in context.
    ("Đại hội XIII của Đảng", "Đại hội mười ba của Đảng"),
    ("thế kỷ XXI", "thế kỷ hai mươi mốt"),
    ("Hội nghị lần thứ 4", "Hội nghị lần thứ tư"),
    ("kỳ họp thứ 7, khóa XV", "kỳ họp thứ bảy, khóa mười lăm"),
]


@pytest.mark.parametrize(("written", "spoken"), CASES, ids=[c[0] for c in CASES])
def test_reads_like_an_announcer(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize("written", [c[0] for c in CASES])
def test_no_digits_are_left_and_a_second_pass_changes_nothing(written: str) -> None:
    spoken = normalize(written)
    assert not re.search(r"\d", spoken)
    assert normalize(spoken) == spoken
