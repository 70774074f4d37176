"""Vietnamese words for the audit trail (Nhật ký thao tác).

The database keeps each action's English code and detail as written at the time: they are the evidence, and
scripts match on them. Officials read the same lines through this module: a label per action, and the detail
rewritten in Vietnamese where its shape is known (statuses, priorities, roles, villages by name, local times).
A detail of an unknown shape is shown as stored, never guessed at.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from radio.labels import BULLETIN_STATUS_LABELS, PRIORITY_NAMES
from radio.roles import ROLE_LABELS

ACTION_LABELS = {
    "login": "Đăng nhập",
    "login.failed": "Đăng nhập sai",
    "login.locked": "Đăng nhập khi tài khoản đang tạm khóa",
    "logout": "Đăng xuất",
    "password.change": "Đổi mật khẩu",
    "user.create": "Tạo tài khoản",
    "user.update": "Sửa tài khoản",
    "user.reset_password": "Cấp lại mật khẩu tạm",
    "user.set_password": "Đặt mật khẩu (dòng lệnh)",
    "bulletin.create": "Soạn bản tin",
    "bulletin.edit": "Sửa bản tin",
    "bulletin.approve": "Duyệt bản tin",
    "bulletin.return": "Trả lại bản tin",
    "bulletin.review": "Xem xét bản tin khẩn cấp",
    "programme.create": "Tạo chương trình",
    "programme.edit": "Sửa chương trình",
    "programme.cancel": "Hủy chương trình",
    "audio.upload": "Tải lên tệp âm thanh",
    "rules.save": "Lưu quy định phát",
    "lexicon.save": "Lưu từ điển phát âm",
    "speaker.add": "Thêm cụm loa",
    "speaker.rotate_token": "Cấp mã mới cho cụm loa",
    "speaker.revoke": "Thu hồi mã cụm loa",
    "speaker.volume": "Đặt âm lượng cụm loa",
    "speaker.mute": "Tắt tiếng cụm loa",
    "speaker.unmute": "Bật tiếng cụm loa",
    "speaker.test_tone": "Phát tiếng thử",
    "speaker.restart": "Khởi động lại cụm loa",
    "speaker.ack": "Cụm loa trả lời lệnh",
    "village.add": "Thêm thôn, xóm",
    "village.rename": "Đổi tên thôn, xóm",
    "live.start": "Bắt đầu phát trực tiếp",
    "live.end": "Kết thúc phát trực tiếp",
    "live.relay": "Tiếp sóng",
    "retention": "Xoá dữ liệu hết thời hạn lưu trữ",
}

_BULLETIN_STATUS = {str(status): label for status, label in BULLETIN_STATUS_LABELS.items()}
_PRIORITY = {str(priority): name.lower() for priority, name in PRIORITY_NAMES.items()}  # inside a sentence
_SPEAKER_KIND = {"agent": "cụm loa có phần mềm", "stream": "loa IP nghe kênh phát"}
_LIVE_END = {"stopped": "bấm Kết thúc", "disconnected": "mất kết nối", "silent": "không nhận được âm thanh"}
_COMMAND = {"mute": "tắt tiếng", "unmute": "bật tiếng", "test_tone": "phát tiếng thử", "restart": "khởi động lại"}
_ACK = {"played": "đã phát", "refused": "từ chối", "restarting": "đang khởi động lại"}
_FIXED = {
    "logged in": "Đăng nhập thành công",
    "logged out": "Đã đăng xuất",
    "wrong username or password": "Sai tên đăng nhập hoặc mật khẩu",
    "refused while locked": "Bị từ chối vì tài khoản đang tạm khóa",
    "changed own password": "Tự đổi mật khẩu của mình",
}
_RULE_FIELDS = {"quiet_hours": "giờ không phát", "weekdays": "ngày được phát",
                "max_session_minutes": "buổi phát tối đa (phút)", "volume_limits": "trần âm lượng"}  # fmt: skip


def action_label(action: str) -> str:
    """The Vietnamese name of an action; an action this version does not know keeps its code."""
    return ACTION_LABELS.get(action, action)


def person_label(username: str, full_name: str = "") -> str:
    """Who acted: the full name with the user name in brackets, or what the station itself calls the actor."""
    if full_name.strip():
        return f"{full_name.strip()} ({username})"
    if username == "station":
        return "Đài (tự động)"
    if username.startswith("cli:"):
        return f"Dòng lệnh trên máy đài ({username.removeprefix('cli:')})"
    if match := re.fullmatch(r"speaker #(\d+)", username):
        return f"Cụm loa #{match[1]}"
    return username


class DetailReader:
    """Rewrites stored details in Vietnamese; `villages` maps slugs to names, times are shown in `tz`."""

    def __init__(self, tz: ZoneInfo, villages: Mapping[str, str]) -> None:
        self.tz, self.villages = tz, villages
        self._rules: dict[str, list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]] = {
            "bulletin.create": [(_BULLETIN_FULL, self._bulletin_full)],
            "bulletin.edit": [(_BULLETIN_FULL, self._bulletin_full), (_BULLETIN_SHORT, self._bulletin_short)],
            "bulletin.approve": [(_APPROVE, lambda m: f"#{m['id']} “{m['title']}”, âm thanh đã nghe: {m['sha']}")],
            "bulletin.return": [(_NOTE, lambda m: f"#{m['id']} “{m['title']}”, lý do: {m['note']}")],
            "bulletin.review": [(_NOTE, lambda m: f"#{m['id']} “{m['title']}”, nhận xét: {m['note']}")],
            "programme.cancel": [(_CANCEL, lambda m: f"#{m['id']}, hủy {m['n']} lượt phát đã lên lịch")],
            "audio.upload": [(_UPLOAD, lambda m: f"tệp {m['file']} (sha256 {m['sha']})")],
            "lexicon.save": [(_LEXICON, lambda m: f"{m['n']} mục")],
            "user.create": [(_USER_CREATE, self._user)],
            "user.update": [(_USER_UPDATE, self._user)],
            "user.set_password": [(_SET_PASSWORD, lambda m: f"{m['user']} (đặt từ dòng lệnh)")],
            "speaker.add": [(_SPEAKER_ADD, self._speaker_add)],
            "speaker.rotate_token": [(_SPEAKER, lambda m: f"cụm loa #{m['id']} ({m['name']})")],
            "speaker.revoke": [(_SPEAKER, lambda m: f"cụm loa #{m['id']} ({m['name']})")],
            "speaker.ack": [(_ACK_DETAIL, self._ack)],
            "village.add": [(_VILLAGE_ADD, lambda m: f"{m['name']} (mã {m['slug']})")],
            "village.rename": [(_VILLAGE_RENAME, lambda m: f"mã {m['slug']}, tên mới: {m['name']}")],
            "live.start": [(_LIVE_START, lambda m: f"phiên #{m['id']} tới {self._places(m['zones'])}")],
            "live.end": [(_LIVE_END_DETAIL, self._live_end)],
            "live.relay": [(_RELAY, self._relay)],
            "retention": [(_RETENTION, self._retention)],
        }

    def __call__(self, action: str, detail: str) -> str:
        if detail in _FIXED:
            return _FIXED[detail]
        if action.startswith("speaker.") and (match := _COMMAND_DETAIL.fullmatch(detail)):
            return self._command(match)
        if action == "rules.save":
            return _rules(detail, self.villages)
        for pattern, rewrite in self._rules.get(action, []):
            if match := pattern.fullmatch(detail):
                return rewrite(match)
        return detail

    def _places(self, slugs: str) -> str:
        return ", ".join(self.villages.get(slug.strip(), slug.strip()) for slug in slugs.split(",") if slug.strip())

    def _moment(self, text: str) -> str:
        if text == "now":
            return "phát ngay"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return f"lúc {text}"
        local = moment.astimezone(self.tz) if moment.tzinfo else moment
        return f"lúc {local:%H:%M %d/%m/%Y}"

    def _bulletin_full(self, m: re.Match[str]) -> str:
        priority, status = _PRIORITY.get(m["priority"], m["priority"]), _BULLETIN_STATUS.get(m["status"], m["status"])
        text = (
            f"#{m['id']} “{m['title']}”, {priority}, tới {self._places(m['zones'])}, {self._moment(m['at'])} → {status}"
        )
        return text + (f"; lý do khẩn cấp: {m['reason']}" if m["reason"] is not None else "")

    def _bulletin_short(self, m: re.Match[str]) -> str:
        return f"#{m['id']} “{m['title']}” → {_BULLETIN_STATUS.get(m['status'], m['status'])}"

    def _user(self, m: re.Match[str]) -> str:
        role = ROLE_LABELS.get(m["role"], m["role"])  # type: ignore[call-overload]  # a StrEnum key is its str
        places = f", thôn: {self._places(m['zones'])}" if m["zones"] else ""
        return f"{m['user']}, vai trò {role}{places}" + (", đã khóa" if m.groupdict().get("disabled") else "")

    def _speaker_add(self, m: re.Match[str]) -> str:
        kind = _SPEAKER_KIND.get(m["kind"], m["kind"])
        return f"cụm loa #{m['id']} ({m['name']}), {kind}, tại {self._places(m['zone'])}"

    def _target(self, text: str) -> str:
        if match := re.fullmatch(r"village (\S+)", text):
            return f"cả {self._places(match[1])}"
        if match := re.fullmatch(r"speaker #(\d+) (.*) \((\S+)\)", text):
            return f"cụm loa #{match[1]} {match[2]} ({self._places(match[3])})"
        return text

    def _command(self, m: re.Match[str]) -> str:
        name, value = m["command"], m["value"]
        command = f"đặt âm lượng {value} %" if name == "volume" else _COMMAND.get(name, name)

        def speakers(text: str) -> str:
            return "không có" if text == "none" else text

        text = f"{command}, nhắm tới {self._target(m['target'])}; đã nhận: {speakers(m['reached'])}; " \
            f"mất kết nối: {speakers(m['offline'])}"  # fmt: skip
        if m["later"] == "gets it on reconnect":
            text += " (sẽ nhận khi kết nối lại)"
        elif m["later"] == "not sent":
            text += " (không gửi được)"
        return text

    def _ack(self, m: re.Match[str]) -> str:
        command = _COMMAND.get(m["command"], m["command"])
        reason = f": {m['reason']}" if m["reason"] else ""
        return (
            f"cụm loa #{m['id']} {m['name']} ({self._places(m['zone'])}), lệnh {command} #{m['cmd']}: "
            f"{_ACK.get(m['outcome'], m['outcome'])}{reason}, {self._moment(m['at'])}"
        )

    def _live_end(self, m: re.Match[str]) -> str:
        sha = "không lưu bản ghi" if m["sha"] == "none" else f"sha256 {m['sha']}"
        return (
            f"phiên #{m['id']} kết thúc ({_LIVE_END.get(m['reason'], m['reason'])}) sau "
            f"{m['seconds'].replace('.', ',')} giây âm thanh; {sha}"
        )

    def _relay(self, m: re.Match[str]) -> str:
        text = f"chương trình #{m['id']}: tiếp sóng {m['url']} trong {m['minutes']} phút"
        return text + (f" tới {self._places(m['zones'])}" if m["zones"] else "")

    def _retention(self, m: re.Match[str]) -> str:
        verb = "Sẽ xoá" if m["verb"] == "would remove" else "Đã xoá"
        text = (
            f"{verb} mọi thứ trước {self._moment(m['cutoff']).removeprefix('lúc ')}: {m['entries']} mục nhật ký phát "
            f"sóng, {m['airings']} lượt phát, {m['receipts']} xác nhận của cụm loa, {m['programmes']} chương trình, "
            f"{m['bulletins']} bản tin, {m['files']} tệp âm thanh ({m['mb'].replace('.', ',')} MB), "
            f"{m['audit']} dòng nhật ký thao tác"
        )
        return text + (f"; nhật ký phát sóng nay bắt đầu từ mốc {m['checkpoint']}" if m["checkpoint"] else "")


_BULLETIN_FULL = re.compile(
    r"#(?P<id>\d+) “(?P<title>.*)” (?P<priority>ordinary|priority|emergency) to (?P<zones>.*) at (?P<at>.+?)"
    r" → (?P<status>\w+)(?:; emergency reason: (?P<reason>.*))?",
    re.DOTALL,
)
_BULLETIN_SHORT = re.compile(r"#(?P<id>\d+) “(?P<title>.*)” → (?P<status>\w+)", re.DOTALL)
_APPROVE = re.compile(r"#(?P<id>\d+) “(?P<title>.*)” audio (?P<sha>\S+)", re.DOTALL)
_NOTE = re.compile(r"#(?P<id>\d+) “(?P<title>.*?)”: (?P<note>.*)", re.DOTALL)
_CANCEL = re.compile(r"#(?P<id>\d+), (?P<n>\d+) planned airings called off")
_UPLOAD = re.compile(r"(?P<file>.*) → (?P<sha>[0-9a-f]{64})", re.DOTALL)
_LEXICON = re.compile(r"(?P<n>\d+) entries")
_USER_CREATE = re.compile(r"(?P<user>\S+) as (?P<role>\w+) \((?P<zones>[^)]*)\)")
_USER_UPDATE = re.compile(r"(?P<user>\S+): (?P<role>\w+) \((?P<zones>[^)]*)\)(?P<disabled> disabled)?")
_SET_PASSWORD = re.compile(r"(?P<user>\S+) \(console\)")
_SPEAKER_ADD = re.compile(r"(?P<kind>\w+) speaker (?P<id>\d+) \((?P<name>.*)\) in (?P<zone>\S+)", re.DOTALL)
_SPEAKER = re.compile(r"speaker (?P<id>\d+) \((?P<name>.*)\)", re.DOTALL)
_COMMAND_DETAIL = re.compile(
    r"(?P<command>volume|mute|unmute|test_tone|restart)(?:=(?P<value>\d+))? to (?P<target>.*?); "
    r"reached: (?P<reached>.*?); offline: (?P<offline>.*?)(?: \((?P<later>gets it on reconnect|not sent)\))?",
    re.DOTALL,
)
_ACK_DETAIL = re.compile(
    r"#(?P<id>\d+) (?P<name>.*) \((?P<zone>\S+)\) (?P<command>\w+) #(?P<cmd>\d+) (?P<outcome>\w+)"
    r"(?:: (?P<reason>.*))? at (?P<at>\S+)",
    re.DOTALL,
)
_VILLAGE_ADD = re.compile(r"(?P<slug>\S+) \((?P<name>.*)\)", re.DOTALL)
_VILLAGE_RENAME = re.compile(r"(?P<slug>\S+) → (?P<name>.*)", re.DOTALL)
_LIVE_START = re.compile(r"live session #(?P<id>\d+) to (?P<zones>.*)")
_LIVE_END_DETAIL = re.compile(
    r"live session #(?P<id>\d+) ended \((?P<reason>\w+)\) after (?P<seconds>[\d.]+) s of audio; sha256 (?P<sha>\S+)"
)
_RELAY = re.compile(r"programme #(?P<id>\d+): (?P<url>\S+) for (?P<minutes>\S+) min(?: to (?P<zones>.*))?")
_RETENTION = re.compile(
    r"(?P<verb>would remove|removed) everything older than (?P<cutoff>\S+): (?P<entries>\d+) chain entries, "
    r"(?P<airings>\d+) airings, (?P<receipts>\d+) receipts, (?P<programmes>\d+) programmes, (?P<bulletins>\d+) "
    r"bulletins, (?P<files>\d+) audio files \((?P<mb>[\d.]+) MB\), (?P<audit>\d+) audit lines"
    r"(?:; the chain now starts from checkpoint (?P<checkpoint>\S+))?"
)


def _rules(detail: str, villages: Mapping[str, str]) -> str:
    """`rules.save` stores the forms as a Python dict literal: one "place: field value" line per place."""
    try:
        changed = ast.literal_eval(detail)
    except (ValueError, SyntaxError):
        return detail
    if not isinstance(changed, dict):
        return detail
    parts = []
    for place, fields in changed.items():
        if not isinstance(fields, dict):
            return detail
        name = "Cả xã" if place == "commune" else villages.get(str(place), str(place))
        values = ", ".join(f"{_RULE_FIELDS.get(key, key)} {value}" for key, value in fields.items() if value)
        parts.append(f"{name}: {values}")
    return "; ".join(parts) or "không có quy định nào"
