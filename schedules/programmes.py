"""Building programmes from what an official fills in: items, villages, recurrence, with Vietnamese refusals.

Everything is checked before anything is stored; `AirScheduler.add` then applies the airing rules
(quiet hours, session length, overlaps) and plans the airings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

import tts
from radio.errors import Refusal
from radio.storage.models import AudioAsset, Bulletin, ItemKind, Priority, Programme, ProgrammeItem, Zone
from schedules.recurrence import RecurrenceError, SubDailyRule, daily_rule, parse_rrule, require_whole_days, weekly_rule

MAX_RELAY_MINUTES = 120
MAX_GAP_SECONDS = 600


@cache
def chime_seconds() -> float:
    return tts.chime().duration_s


@dataclass
class ItemSpec:
    """One step as the form or API gives it; only the fields of its kind are used."""

    kind: ItemKind
    bulletin_id: int | None = None
    audio_sha256: str | None = None
    relay_url: str | None = None
    minutes: float | None = None
    seconds: float | None = None
    title: str = ""


@dataclass
class ProgrammeSpec:
    title: str
    zone_slugs: list[str]
    items: list[ItemSpec]
    priority: Priority = Priority.ordinary
    one_off_at: datetime | None = None  # aware; None means recurring
    start_time: time | None = None
    repeat: str = "daily"  # daily | weekdays | rrule
    weekdays: list[int] = field(default_factory=list)  # ISO 1-7, for repeat == "weekdays"
    rrule: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    skip_dates: list[date] = field(default_factory=list)


def _item(session: Session, spec: ItemSpec, position: int) -> tuple[ProgrammeItem | None, str | None]:
    """The stored item for a spec, or the reason it cannot be built."""
    if spec.kind == ItemKind.chime:
        return ProgrammeItem(kind=spec.kind, position=position, title="Nhạc hiệu", duration_s=chime_seconds()), None
    if spec.kind == ItemKind.bulletin:
        known = spec.bulletin_id is not None and 0 < spec.bulletin_id < 2**63  # beyond, SQLite cannot even look
        bulletin = session.get(Bulletin, spec.bulletin_id) if known else None
        if bulletin is None or bulletin.audio is None:
            return None, f"Mục {position + 1}: không có bản tin số {spec.bulletin_id}."
        if bulletin.approved_sha256 is None or bulletin.approved_sha256 != bulletin.audio_sha256:
            return None, f"Mục {position + 1}: bản tin số {spec.bulletin_id} chưa được duyệt."
        return ProgrammeItem(
            kind=spec.kind, position=position, title=bulletin.title, bulletin=bulletin,
            audio_sha256=bulletin.audio_sha256, duration_s=bulletin.audio.duration_s,
        ), None  # fmt: skip
    if spec.kind == ItemKind.audio:
        asset = session.scalar(select(AudioAsset).where(AudioAsset.sha256 == spec.audio_sha256))
        if asset is None:
            return None, f"Mục {position + 1}: không có tệp âm thanh này."
        return ProgrammeItem(
            kind=spec.kind, position=position, title=spec.title or "Tệp âm thanh", audio_sha256=asset.sha256,
            duration_s=asset.duration_s,
        ), None  # fmt: skip
    if spec.kind == ItemKind.relay:
        url = (spec.relay_url or "").strip()
        if urlparse(url).scheme not in {"http", "https"} or not urlparse(url).netloc:
            return None, f"Mục {position + 1}: địa chỉ tiếp sóng phải bắt đầu bằng http:// hoặc https://."
        if not spec.minutes or not 0 < spec.minutes <= MAX_RELAY_MINUTES:
            return None, f"Mục {position + 1}: thời lượng tiếp sóng phải từ 1 đến {MAX_RELAY_MINUTES} phút."
        return ProgrammeItem(
            kind=spec.kind, position=position, title=spec.title or f"Tiếp sóng {urlparse(url).netloc}",
            relay_url=url, duration_s=spec.minutes * 60,
        ), None  # fmt: skip
    if spec.kind == ItemKind.gap:
        if not spec.seconds or not 0 < spec.seconds <= MAX_GAP_SECONDS:
            return None, f"Mục {position + 1}: khoảng lặng phải từ 1 đến {MAX_GAP_SECONDS} giây."
        return ProgrammeItem(kind=spec.kind, position=position, title="Khoảng lặng", duration_s=spec.seconds), None
    return None, f"Mục {position + 1}: loại mục không hợp lệ."


def build_programme(session: Session, spec: ProgrammeSpec, commune_id: int, author_id: int, now: datetime) -> Programme:
    """A Programme (not yet added to the session) from a spec, or Refusal naming every problem."""
    errors: dict[str, str] = {}
    if not spec.title.strip():
        errors["title"] = "Hãy đặt tên cho chương trình."
    slugs = list(dict.fromkeys(spec.zone_slugs))
    zones = list(session.scalars(select(Zone).where(Zone.slug.in_(slugs)).order_by(Zone.position))) if slugs else []
    if not slugs:
        errors["zones"] = "Hãy chọn ít nhất một thôn, xóm để phát."
    elif unknown := sorted(set(slugs) - {zone.slug for zone in zones}):
        errors["zones"] = f"Không có thôn, xóm: {', '.join(unknown)}."
    items, problems = [], []
    for position, item_spec in enumerate(spec.items):
        item, problem = _item(session, item_spec, position)
        items.append(item)
        problems += [problem] if problem else []
    if not spec.items:
        errors["items"] = "Chương trình cần ít nhất một mục."
    elif problems:
        errors["items"] = " ".join(problems)
    rrule = None
    if spec.one_off_at is not None:
        if spec.one_off_at < now:
            errors["when"] = "Thời điểm phát đã qua."
    elif spec.start_time is None:
        errors["when"] = "Hãy chọn giờ bắt đầu của buổi phát."
    else:
        try:
            rrule = {"daily": daily_rule, "weekdays": lambda: weekly_rule(spec.weekdays)}.get(
                spec.repeat, lambda: spec.rrule.strip()
            )()
            require_whole_days(rrule)
            parse_rrule(rrule, datetime.combine(now.date(), spec.start_time))
        except SubDailyRule as error:
            errors["when"] = str(error)
        except RecurrenceError:
            errors["when"] = "Hãy chọn ít nhất một ngày trong tuần, hoặc nhập quy tắc lặp (RRULE) hợp lệ."
    if spec.valid_from and spec.valid_until and spec.valid_until < spec.valid_from:
        errors["when"] = "Ngày kết thúc phải sau ngày bắt đầu."
    if errors:
        raise Refusal(errors)
    return Programme(
        commune_id=commune_id, title=spec.title.strip(), priority=spec.priority, one_off_at=spec.one_off_at,
        start_time=spec.start_time if spec.one_off_at is None else None, rrule=rrule, valid_from=spec.valid_from,
        valid_until=spec.valid_until, skip_dates=",".join(sorted(d.isoformat() for d in spec.skip_dates)),
        zones=zones, items=[item for item in items if item is not None], created_by_id=author_id,
    )  # fmt: skip


def clone_programme(programme: Programme, author_id: int) -> Programme:
    """A copy to edit and add as new (the original keeps its history in the log)."""
    return Programme(
        commune_id=programme.commune_id, title=f"{programme.title} (bản sao)", priority=programme.priority,
        one_off_at=programme.one_off_at, start_time=programme.start_time, rrule=programme.rrule,
        valid_from=programme.valid_from, valid_until=programme.valid_until, skip_dates=programme.skip_dates,
        zones=list(programme.zones), created_by_id=author_id,
        items=[item.copy() for item in programme.items],
    )  # fmt: skip


def morning_template(vov_url: str, district_url: str) -> list[ItemSpec]:
    """'Buổi sáng: VOV → huyện → xã': chime, national relay, district relay, then the commune's bulletins."""
    return [
        ItemSpec(ItemKind.chime),
        ItemSpec(ItemKind.relay, relay_url=vov_url, minutes=15, title="Tiếp sóng VOV"),
        ItemSpec(ItemKind.relay, relay_url=district_url, minutes=10, title="Tiếp sóng Đài huyện"),
    ]
