"""Remote control of speaker agents from the office: volume, mute, test tone and restart.

Volume and mute are a desired state kept on the speaker's row: an agent offline now gets it when it
reconnects (its heartbeat then confirms what it applied). A test tone or a restart only means something
now, so only connected agents get them; each is a SpeakerCommand row that the agent's acknowledgement
completes (tone played at…, refused because…, restarting), shown on the fleet page and in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from radio.errors import Refusal
from radio.storage.models import Speaker, SpeakerCommand, Zone

COMMANDS = ("volume", "mute", "unmute", "test_tone", "restart")
PERSISTENT = ("volume", "mute", "unmute")  # kept on the row and sent again on every (re)connect
ACKNOWLEDGED = ("test_tone", "restart")  # one-off: the agent answers what became of it
ACK_OUTCOMES = ("played", "refused", "restarting")
OFFLINE = "offline"  # the outcome of a one-off command no connection took
BAD_COMMAND = "Lệnh không hợp lệ; chọn một trong: âm lượng (volume), tắt tiếng (mute), bật tiếng (unmute), " \
    "phát tiếng thử (test_tone), khởi động lại (restart)."  # fmt: skip
BAD_VOLUME = "Âm lượng phải là số nguyên từ 0 đến 100."


class NotFound(LookupError):
    """No such agent speaker or village; the message is shown to the official."""


@dataclass(frozen=True)
class Command:
    name: str
    value: int | None = None

    def describe(self) -> str:
        return f"{self.name}={self.value}" if self.name == "volume" else self.name


def parse_command(command: object, value: object) -> Command:
    """The command an official asked for, or Refusal with a Vietnamese message (forms send strings)."""
    if command not in COMMANDS:
        raise Refusal({"command": BAD_COMMAND})
    if command != "volume":
        return Command(str(command))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise Refusal({"value": BAD_VOLUME})
    return Command("volume", value)


def speakers_of_speaker(session: Session, speaker_id: int) -> list[Speaker]:
    speaker = session.get(Speaker, speaker_id)
    if speaker is None or speaker.kind != "agent":
        raise NotFound(f"Không có cụm loa nối mạng số {speaker_id}.")
    if speaker.revoked_at is not None:
        raise NotFound(f"Cụm loa {speaker.name} đã bị thu hồi.")
    return [speaker]


def speakers_of_zone(session: Session, slug: str) -> tuple[Zone, list[Speaker]]:
    """The village's agent speakers that are not revoked (maybe none)."""
    zone = session.scalar(select(Zone).where(Zone.slug == slug))
    if zone is None:
        raise NotFound(f"Không có thôn, xóm “{slug}”.")
    speakers = session.scalars(
        select(Speaker)
        .where(Speaker.zone_id == zone.id, Speaker.kind == "agent", Speaker.revoked_at.is_(None))
        .order_by(Speaker.id)
    ).all()  # fmt: skip
    return zone, list(speakers)


def apply_desired(speakers: list[Speaker], command: Command) -> None:
    """Keep volume and mute on the rows, so an agent offline now gets them on its next connection."""
    for speaker in speakers:
        if command.name == "volume":
            speaker.desired_volume = command.value
        elif command.name in ("mute", "unmute"):
            speaker.desired_muted = command.name == "mute"


def control_message(volume: int | None, muted: bool | None) -> dict[str, Any] | None:
    """What an agent is sent on connecting and after a volume or mute command; None when nothing was ever set."""
    if volume is None and muted is None:
        return None
    return {"type": "control", "volume": volume, "muted": muted}


def command_message(command: Command, command_id: int | None = None) -> dict[str, Any]:
    return {"type": "command", "command": command.name, "id": command_id}


def open_commands(session: Session, speaker_ids: list[int], command: Command, user_id: int) -> dict[int, int]:
    """A row per speaker for a one-off command, before it is sent (the agent echoes its id); speaker id → row id."""
    if command.name not in ACKNOWLEDGED:
        return {}
    rows = {speaker_id: SpeakerCommand(speaker_id=speaker_id, command=command.name, sent_by_id=user_id)
            for speaker_id in speaker_ids}  # fmt: skip
    session.add_all(rows.values())
    session.flush()
    return {speaker_id: row.id for speaker_id, row in rows.items()}


def mark_offline(session: Session, command_ids: list[int]) -> None:
    for command_id in command_ids:
        session.get_one(SpeakerCommand, command_id).outcome = OFFLINE


def record_ack(session: Session, speaker_id: int, ack: dict[str, Any], now: datetime) -> str:
    """Complete the command's row from the agent's answer; returns the audit detail (ValueError: not its command)."""
    row = session.get(SpeakerCommand, int(ack["id"]))
    if row is None or row.speaker_id != speaker_id:
        raise ValueError(f"command {ack['id']} was not sent to this speaker")
    outcome = str(ack.get("outcome"))
    if outcome not in ACK_OUTCOMES:
        raise ValueError(f"unknown command outcome {outcome!r}")
    at = datetime.fromisoformat(str(ack["at"])) if ack.get("at") else now
    if at.tzinfo is None:
        raise ValueError(f"acknowledgement instant {ack['at']!r} has no UTC offset")
    row.outcome, row.acked_at, row.detail = outcome, at, str(ack.get("detail") or "")[:500]
    speaker = session.get_one(Speaker, speaker_id)
    reason = f": {row.detail}" if row.detail else ""
    target = f"#{speaker.id} {speaker.name} ({speaker.zone.slug})"
    return f"{target} {row.command} #{row.id} {outcome}{reason} at {at.isoformat()}"


def latest_commands(session: Session) -> dict[int, SpeakerCommand]:
    """Each speaker's latest one-off command and what became of it, for the fleet page."""
    latest = select(func.max(SpeakerCommand.id)).group_by(SpeakerCommand.speaker_id)
    rows = session.scalars(select(SpeakerCommand).where(SpeakerCommand.id.in_(latest)))
    return {row.speaker_id: row for row in rows}


@dataclass(frozen=True)
class Targeted:
    """A speaker a command is aimed at, detached from the session (the sending happens after it closes)."""

    id: int
    name: str
    village: str
    volume: int | None
    muted: bool | None

    @classmethod
    def of(cls, speaker: Speaker) -> Targeted:
        return cls(speaker.id, speaker.name, speaker.zone.slug, speaker.desired_volume, speaker.desired_muted)

    def message(self, command: Command, command_id: int | None = None) -> dict[str, Any] | None:
        if command.name in PERSISTENT:
            return control_message(self.volume, self.muted)
        return command_message(command, command_id)


LABELS = {"volume": "đặt âm lượng {value} %", "mute": "tắt tiếng", "unmute": "bật tiếng",
          "test_tone": "phát tiếng thử", "restart": "khởi động lại"}  # fmt: skip
ACK_LABELS = {"": "chờ cụm loa xác nhận", "played": "cụm loa xác nhận đã phát", "refused": "cụm loa từ chối",
              "restarting": "cụm loa xác nhận đang khởi động lại", OFFLINE: "không gửi được (mất kết nối)"}  # fmt: skip


def summary(command: Command, reached: list[Targeted], offline: list[Targeted]) -> str:
    """The Vietnamese answer to the official: who got it now, who will get it later, who will not."""
    label = LABELS[command.name].format(value=command.value)
    if not reached and not offline:
        return f"Lệnh {label}: không có cụm loa nối mạng nào."
    text = f"Đã gửi lệnh {label} tới {len(reached)} cụm loa"
    text += f" ({', '.join(target.name for target in reached)})." if reached else "."
    if offline:
        names = ", ".join(target.name for target in offline)
        later = "sẽ nhận khi kết nối lại" if command.name in PERSISTENT else "không nhận được lệnh này"
        text += f" {len(offline)} cụm loa đang mất kết nối ({names}) {later}."
    return text


def audit_detail(command: Command, target: str, reached: list[Targeted], offline: list[Targeted]) -> str:
    def names(targets: list[Targeted]) -> str:
        return ", ".join(f"#{target.id} {target.name}" for target in targets) or "none"

    later = " (gets it on reconnect)" if command.name in PERSISTENT else " (not sent)"
    return f"{command.describe()} to {target}; reached: {names(reached)}; offline: {names(offline)}" + (
        later if offline else ""
    )
