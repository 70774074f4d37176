"""Planning: programmes and their recurrences become concrete airings (Broadcast rows) per village.

Materialising is idempotent (a row is keyed by programme, village, occurrence and item), so it can
run at every start, every hour and after every change without ever planning an airing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from radio.bulletins import BulletinDraft, create_bulletin
from radio.config import Settings
from radio.storage.models import (
    Broadcast,
    BroadcastStatus,
    Bulletin,
    ItemKind,
    Priority,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    User,
)
from schedules.rules import check_programme, recurrence_of

PRIORITY_RANK = {Priority.emergency: 0, Priority.priority: 1, Priority.ordinary: 2}


def session_order(programme: Programme) -> list[ProgrammeItem]:
    """Ưu tiên bulletins go ahead of ordinary ones within a session; otherwise the order the officer set."""

    def rank(item: ProgrammeItem) -> int:
        return PRIORITY_RANK[item.bulletin.priority] if item.bulletin else PRIORITY_RANK[Priority.ordinary]

    return sorted(programme.items, key=lambda item: (rank(item), item.position))


def airings_of(programme: Programme, occurrence: datetime) -> list[Broadcast]:
    """The rows of one session of a programme in each of its villages, items back to back."""
    rows = []
    for zone in programme.zones:
        at = occurrence
        for item in session_order(programme):
            rows.append(
                Broadcast(
                    programme_id=programme.id,
                    occurrence_at=occurrence,
                    item_position=item.position,
                    kind=item.kind,
                    title=item.title,
                    priority=programme.priority,
                    bulletin_id=item.bulletin_id,
                    zone_id=zone.id,
                    planned_at=at,
                    audio_sha256=item.audio_sha256,
                )  # fmt: skip
            )
            at += timedelta(seconds=item.duration_s)
    return rows


def materialize(session: Session, tz: ZoneInfo, start: datetime, end: datetime) -> list[Broadcast]:
    """Add the airings of every active programme whose sessions begin in [start, end); return the new rows."""
    programmes = session.scalars(
        select(Programme)
        .where(Programme.status == ProgrammeStatus.active)
        .where((Programme.one_off_at.is_(None)) | ((Programme.one_off_at >= start) & (Programme.one_off_at < end)))
        .options(selectinload(Programme.zones), selectinload(Programme.items).selectinload(ProgrammeItem.bulletin))
    ).all()
    existing = set(
        session.execute(
            select(Broadcast.programme_id, Broadcast.zone_id, Broadcast.occurrence_at, Broadcast.item_position).where(
                Broadcast.occurrence_at >= start, Broadcast.occurrence_at < end
            )
        ).all()
    )
    added = []
    for programme in programmes:
        for occurrence in recurrence_of(programme).occurrences(tz, start, end):
            for row in airings_of(programme, occurrence):
                if (row.programme_id, row.zone_id, row.occurrence_at, row.item_position) not in existing:
                    added.append(row)
    session.add_all(added)
    session.flush()
    return added


def add_programme(
    session: Session, programme: Programme, tz: ZoneInfo, now: datetime, horizon: timedelta
) -> list[Broadcast]:
    """Check the programme against the rules, store it, and plan its airings within the horizon."""
    session.add(programme)
    session.flush()
    check_programme(session, programme, tz, now)
    end = now + horizon
    if programme.one_off_at is not None:  # a one-off is planned at once, however far ahead
        end = max(end, programme.one_off_at + timedelta(seconds=1))
    return materialize_programme(session, programme, tz, now, end)


def materialize_programme(
    session: Session, programme: Programme, tz: ZoneInfo, start: datetime, end: datetime
) -> list[Broadcast]:
    rows = [row for at in recurrence_of(programme).occurrences(tz, start, end) for row in airings_of(programme, at)]
    session.add_all(rows)
    session.flush()
    return rows


def cancel_programme(session: Session, programme: Programme) -> int:
    """Stop a programme: its future planned airings are cancelled (kept in the log, never aired)."""
    programme.status = ProgrammeStatus.cancelled
    planned = session.scalars(
        select(Broadcast).where(Broadcast.programme_id == programme.id, Broadcast.status == BroadcastStatus.planned)
    ).all()
    for row in planned:
        row.status = BroadcastStatus.cancelled
        row.note = "programme cancelled"
    return len(planned)


def replace_programme(
    session: Session, programme: Programme, edited: Programme, tz: ZoneInfo, now: datetime, horizon: timedelta
) -> list[Broadcast]:
    """Edit in place: future planned airings are dropped and re-planned from the new content and times."""
    for row in session.scalars(
        select(Broadcast).where(Broadcast.programme_id == programme.id, Broadcast.status == BroadcastStatus.planned)
    ):
        session.delete(row)
    for name in ("title", "priority", "one_off_at", "start_time", "rrule", "valid_from", "valid_until", "skip_dates"):
        setattr(programme, name, getattr(edited, name))
    programme.zones = list(edited.zones)
    if edited in session:  # built only to carry the new values; it must not be stored itself
        session.expunge(edited)
    programme.items.clear()
    session.flush()
    programme.items.extend(item.copy() for item in edited.items)
    session.flush()
    check_programme(session, programme, tz, now)
    end = now + horizon
    if programme.one_off_at is not None:
        end = max(end, programme.one_off_at + timedelta(seconds=1))
    return materialize(session, tz, now, end)


def bulletin_item(bulletin: Bulletin, duration_s: float, position: int = 0) -> ProgrammeItem:
    return ProgrammeItem(
        position=position, kind=ItemKind.bulletin, title=bulletin.title, bulletin=bulletin,
        audio_sha256=bulletin.audio_sha256, duration_s=duration_s,
    )  # fmt: skip


def plan_bulletin(
    session: Session, settings: Settings, draft: BulletinDraft, author: User, now: datetime
) -> tuple[Bulletin, list[Broadcast]]:
    """A bulletin aired now or at a time is a one-off programme of one item in the chosen villages."""
    bulletin, zones = create_bulletin(session, settings, draft, author, now)
    assert bulletin.audio is not None
    programme = Programme(
        commune_id=bulletin.commune_id, title=bulletin.title, priority=bulletin.priority,
        one_off_at=draft.air_at or now, zones=zones, items=[bulletin_item(bulletin, bulletin.audio.duration_s)],
        created_by_id=author.id,
    )  # fmt: skip
    broadcasts = add_programme(session, programme, settings.tz, now, timedelta(days=1))
    return bulletin, broadcasts
