"""The audit trail in Vietnamese: every action the code records has a label, and each stored detail shape is
rewritten (statuses, priorities, roles, villages by name, commune time) while unknown shapes stay as stored."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from radio.audit_labels import _BULLETIN_STATUS, ACTION_LABELS, DetailReader, action_label, person_label
from radio.labels import BULLETIN_STATUS_LABELS as STATUS_LABELS
from radio.remote_control import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
READ = DetailReader(ZoneInfo("Asia/Ho_Chi_Minh"), {"thon-dong": "Thôn Đông", "thon-tay": "Thôn Tây"})
# audit(request, session, user, "x.y", …), record(session, "x.y", …), the console's _audit(session, "x.y", …)
CALL = re.compile(r"""\b(?:audit\(request, session, user|record\(session|_audit\(session), ["']([\w.]+)["']""")
DOTTED = re.compile(
    r"""["']((?:bulletin|programme|user|speaker|village|live|rules|lexicon|login|password|audio)"""
    r"""\.[a-z_]+)(?<!\.html)["']"""
)  # codes chosen before the call: verb = "bulletin.edit" if …


def recorded_actions() -> set[str]:
    found = set()
    for package in ("radio", "web", "schedules"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "audit_labels.py" and CALL.search(text):
                found.update(CALL.findall(text), DOTTED.findall(text))
    return found


def test_every_recorded_action_has_a_vietnamese_label() -> None:
    actions = recorded_actions() | {f"speaker.{command}" for command in COMMANDS}  # f"speaker.{command.name}"
    assert {"login", "login.failed", "logout", "bulletin.create", "bulletin.edit", "retention", "live.end"} <= actions
    missing = sorted(action for action in actions if action not in ACTION_LABELS)
    assert missing == []
    assert action_label("bulletin.approve") == "Duyệt bản tin" and action_label("future.thing") == "future.thing"
    assert {str(key): value for key, value in STATUS_LABELS.items()} == _BULLETIN_STATUS


def test_details_read_in_vietnamese() -> None:
    cases = {
        ("login", "logged in"): "Đăng nhập thành công",
        ("login.failed", "wrong username or password"): "Sai tên đăng nhập hoặc mật khẩu",
        ("bulletin.create", "#7 “Họp thôn” ordinary to thon-dong, thon-tay at now → pending"):
            "#7 “Họp thôn”, thông thường, tới Thôn Đông, Thôn Tây, phát ngay → Chờ duyệt",
        ("bulletin.create", "#8 “Lũ” emergency to thon-dong at 2026-03-02 22:00:00+00:00 → scheduled; "
                            "emergency reason: nước lên nhanh"):
            "#8 “Lũ”, khẩn cấp, tới Thôn Đông, lúc 05:00 03/03/2026 → Đã lên lịch; lý do khẩn cấp: nước lên nhanh",
        ("bulletin.edit", "#7 “Họp thôn” → approved"): "#7 “Họp thôn” → Đã duyệt",
        ("bulletin.return", "#7 “Họp thôn”: sai ngày"): "#7 “Họp thôn”, lý do: sai ngày",
        ("programme.cancel", "#3, 12 planned airings called off"): "#3, hủy 12 lượt phát đã lên lịch",
        ("user.create", "bientap as editor ()"): "bientap, vai trò Biên tập",
        ("user.update", "truong: village_head (thon-tay) disabled"):
            "truong, vai trò Trưởng thôn, thôn: Thôn Tây, đã khóa",
        ("speaker.add", "agent speaker 4 (Loa chợ) in thon-dong"):
            "cụm loa #4 (Loa chợ), cụm loa có phần mềm, tại Thôn Đông",
        ("speaker.volume", "volume=40 to village thon-dong; reached: #4 Loa chợ; offline: #5 Loa đình (gets it on "
                           "reconnect)"):
            "đặt âm lượng 40 %, nhắm tới cả Thôn Đông; đã nhận: #4 Loa chợ; mất kết nối: #5 Loa đình "
            "(sẽ nhận khi kết nối lại)",
        ("speaker.ack", "#4 Loa chợ (thon-dong) test_tone #9 played at 2026-03-02T01:00:00+00:00"):
            "cụm loa #4 Loa chợ (Thôn Đông), lệnh phát tiếng thử #9: đã phát, lúc 08:00 02/03/2026",
        ("live.end", "live session #2 ended (silent) after 12.5 s of audio; sha256 none"):
            "phiên #2 kết thúc (không nhận được âm thanh) sau 12,5 giây âm thanh; không lưu bản ghi",
        ("rules.save", "{'commune': {'quiet_hours': '21:00-05:00', 'weekdays': '', 'max_session_minutes': '45', "
                       "'volume_limits': ''}}"): "Cả xã: giờ không phát 21:00-05:00, buổi phát tối đa (phút) 45",
        ("retention", "removed everything older than 2025-04-05T00:00+07:00: 6 chain entries, 6 airings, 4 receipts, "
                      "3 programmes, 2 bulletins, 3 audio files (1.2 MB), 1 audit lines"):
            "Đã xoá mọi thứ trước 00:00 05/04/2025: 6 mục nhật ký phát sóng, 6 lượt phát, 4 xác nhận của cụm loa, "
            "3 chương trình, 2 bản tin, 3 tệp âm thanh (1,2 MB), 1 dòng nhật ký thao tác",
        ("bulletin.create", "a shape this version does not know"): "a shape this version does not know",
    }  # fmt: skip
    for (action, detail), expected in cases.items():
        assert READ(action, detail) == expected, (action, detail)


def test_people_by_full_name_with_the_user_name_in_brackets() -> None:
    assert person_label("bientap", "Nguyễn Thị Lan") == "Nguyễn Thị Lan (bientap)"
    assert person_label("bientap", "") == "bientap"
    assert person_label("station") == "Đài (tự động)" and person_label("speaker #3") == "Cụm loa #3"
    assert person_label("cli:root") == "Dòng lệnh trên máy đài (root)"
