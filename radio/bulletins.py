"""Composing a bulletin: validation with messages an official can act on, and rendering its audio.

Messages are Vietnamese because they are shown as-is on the form and in API errors; nothing is
written to the database unless the whole bulletin is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import tts
from radio.config import Settings
from radio.errors import Refusal
from radio.rendering import Reading, render_bulletin_audio, voice_catalogue
from radio.storage.models import Bulletin, BulletinStatus, Priority, User, Zone
from radio.topics import DEFAULT_TOPIC, Topic

TITLE_MAX_CHARS = 300


class BulletinError(Refusal):
    """The bulletin cannot be accepted as written."""


@dataclass
class BulletinDraft:
    """What an official submits; `air_at` is an aware instant, or None for "air now"."""

    title: str
    text: str
    voice: str
    zone_slugs: list[str] = field(default_factory=list)
    air_at: datetime | None = None
    priority: Priority = Priority.ordinary
    speed: float = 1.0
    readings: int = 1
    chimes: bool = False
    topic: Topic = DEFAULT_TOPIC

    @property
    def reading(self) -> Reading:
        return Reading(self.voice, self.speed, self.readings, self.chimes)


def vietnamese_number(value: int) -> str:
    """12000 → "12.000": Vietnamese groups thousands with dots."""
    return f"{value:,}".replace(",", ".")


def check_text(text: str, reading: Reading, settings: Settings) -> dict[str, str]:
    """The checks a preview needs too (no villages or time yet)."""
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Nội dung bản tin không được để trống."
    elif len(text) > settings.max_text_chars:
        errors["text"] = (
            f"Nội dung dài {vietnamese_number(len(text))} ký tự, "
            f"vượt quá giới hạn {vietnamese_number(settings.max_text_chars)} ký tự."
        )
    elif not any(character.isalnum() for character in text):
        errors["text"] = "Nội dung không có chữ hay số nào để đọc."
    else:
        try:
            tts.to_unicode(text)  # TCVN3/VNI pasted from old documents is converted; only doubtful text is refused
        except tts.LegacyEncodingError as error:
            errors["text"] = str(error)
    voices = {voice.id: voice for voice in voice_catalogue(settings).voices()}
    if reading.voice not in voices:
        errors["voice"] = f"Giọng đọc “{reading.voice}” không có trong hệ thống."
    elif problem := voices[reading.voice].problem:
        errors["voice"] = problem
    if not tts.MIN_SPEED <= reading.speed <= tts.MAX_SPEED:
        low, high = (f"{bound:g}".replace(".", ",") for bound in (tts.MIN_SPEED, tts.MAX_SPEED))
        errors["speed"] = f"Tốc độ đọc phải từ {low} đến {high} lần."
    if reading.readings not in (1, 2):
        errors["readings"] = "Chỉ đọc một hoặc hai lần."
    return errors


def validate_draft(session: Session, settings: Settings, draft: BulletinDraft, now: datetime) -> list[Zone]:
    """Check everything and return the target zones in display order, or raise BulletinError."""
    errors = check_text(draft.text, draft.reading, settings)
    if len(draft.title) > TITLE_MAX_CHARS:
        errors["title"] = f"Tiêu đề dài quá {TITLE_MAX_CHARS} ký tự."
    zones: list[Zone] = []
    slugs = list(dict.fromkeys(draft.zone_slugs))
    if not slugs:
        errors["zones"] = "Hãy chọn ít nhất một thôn, xóm để phát."
    else:
        zones = list(session.scalars(select(Zone).where(Zone.slug.in_(slugs)).order_by(Zone.position)))
        unknown = sorted(set(slugs) - {zone.slug for zone in zones})
        if unknown:
            errors["zones"] = f"Không có thôn, xóm: {', '.join(unknown)}."
    if draft.air_at is not None and draft.air_at < now:
        shown = draft.air_at.astimezone(settings.tz).strftime("%H:%M ngày %d/%m/%Y")
        errors["air_at"] = f"Thời điểm phát {shown} đã qua. Hãy chọn một thời điểm sắp tới hoặc “Phát ngay”."
    if errors:
        raise BulletinError(errors)
    return zones


def title_or_first_line(title: str, text: str) -> str:
    """An untitled bulletin is listed by the start of its first line, as officials name them aloud."""
    if title.strip():
        return title.strip()
    first_line = text.strip().splitlines()[0]
    return first_line if len(first_line) <= 80 else first_line[:79].rstrip() + "…"


def _fill(session: Session, settings: Settings, bulletin: Bulletin, draft: BulletinDraft, now: datetime) -> list[Zone]:
    """Validate the draft and write it, with freshly rendered audio, into `bulletin`."""
    zones = validate_draft(session, settings, draft, now)
    asset = render_bulletin_audio(session, settings, draft.text, draft.reading, bulletin.commune_id).asset
    text = tts.to_unicode(draft.text)[0]  # stored readable, whatever encoding it was pasted in
    bulletin.title, bulletin.text = title_or_first_line(draft.title, text), text
    bulletin.voice, bulletin.speed, bulletin.readings, bulletin.chimes = (
        draft.voice, draft.speed, draft.readings, draft.chimes,
    )  # fmt: skip
    bulletin.priority, bulletin.air_at, bulletin.zones, bulletin.topic = (
        draft.priority,
        draft.air_at,
        zones,
        draft.topic,
    )
    bulletin.audio_sha256 = asset.sha256
    return zones


def create_bulletin(
    session: Session, settings: Settings, draft: BulletinDraft, author: User, now: datetime
) -> tuple[Bulletin, list[Zone]]:
    """Validate, render the audio and add the bulletin as nháp (not yet committed) with its target zones."""
    bulletin = Bulletin(commune_id=author.commune_id, status=BulletinStatus.draft, created_by=author)
    zones = _fill(session, settings, bulletin, draft, now)
    session.add(bulletin)
    session.flush()
    return bulletin, zones


def rerender_bulletin(
    session: Session, settings: Settings, bulletin: Bulletin, draft: BulletinDraft, now: datetime
) -> list[Zone]:
    """Replace a bulletin's content (validated, audio rendered anew); its state is the caller's business."""
    zones = _fill(session, settings, bulletin, draft, now)
    session.flush()
    return zones


def draft_of(bulletin: Bulletin) -> BulletinDraft:
    """The form values of a stored bulletin, for editing it."""
    return BulletinDraft(
        bulletin.title, bulletin.text, bulletin.voice, [zone.slug for zone in bulletin.zones], bulletin.air_at,
        bulletin.priority, bulletin.speed, bulletin.readings, bulletin.chimes, bulletin.topic,
    )  # fmt: skip
