"""Planning: programmes and their recurrences become concrete airings (Broadcast rows) per village.

Materialising is idempotent (a row is keyed by programme, village, occurrence and item), so it can
run at every start, every hour and after every change without ever planning an airing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from radio.approval import submit_bulletin
from radio.bulletins import BulletinDraft
from radio.config import Settings
from radio.storage.models import (
    Broadcast,
    BroadcastStatus,
    Bulletin,
    BulletinStatus,
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


def cancel_programme(session: Session, programme: Programme, note: str = "programme cancelled") -> int:
    """Stop a programme: its future planned airings are cancelled (kept in the log, never aired)."""
    programme.status = ProgrammeStatus.cancelled
    planned = session.scalars(
        select(Broadcast).where(Broadcast.programme_id == programme.id, Broadcast.status == BroadcastStatus.planned)
    ).all()
    for row in planned:
        row.status = BroadcastStatus.cancelled
        row.note = note
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


def schedule_bulletin(session: Session, settings: Settings, bulletin: Bulletin, now: datetime) -> list[Broadcast]:
    """An approved bulletin airs as a one-off programme of one item in its villages (đã duyệt → đã lên lịch)."""
    assert bulletin.status is BulletinStatus.approved and bulletin.audio is not None
    programme = Programme(
        commune_id=bulletin.commune_id, title=bulletin.title, priority=bulletin.priority,
        one_off_at=bulletin.air_at or now, zones=list(bulletin.zones),
        items=[bulletin_item(bulletin, bulletin.audio.duration_s)], created_by_id=bulletin.created_by_id,
    )  # fmt: skip
    bulletin.status = BulletinStatus.scheduled
    return add_programme(session, programme, settings.tz, now, timedelta(days=1))


def check_schedulable(session: Session, settings: Settings, bulletin: Bulletin, now: datetime) -> None:
    """Refuse now (Refusal) a bulletin that the airing rules would refuse when it is approved later."""
    with session.begin_nested() as savepoint:
        status = bulletin.status
        bulletin.status = BulletinStatus.approved
        try:
            schedule_bulletin(session, settings, bulletin, now)
        finally:
            savepoint.rollback()
            bulletin.status = status


def unschedule_bulletin(session: Session, bulletin: Bulletin) -> int:
    """Call off the planned airings of a bulletin about to change; returns how many were planned."""
    programmes = session.scalars(
        select(Programme).join(ProgrammeItem).where(
            ProgrammeItem.bulletin_id == bulletin.id, Programme.one_off_at.is_not(None),
            Programme.status == ProgrammeStatus.active,
        )
    ).all()  # fmt: skip
    return sum(cancel_programme(session, programme, "bulletin edited") for programme in programmes)


def plan_bulletin(
    session: Session, settings: Settings, draft: BulletinDraft, author: User, now: datetime,
    emergency_reason: str = "", send: bool = True,
) -> tuple[Bulletin, list[Broadcast]]:  # fmt: skip
    """Store a new bulletin and, when sent on, plan it if cleared to air (else it waits, already checked)."""
    bulletin = submit_bulletin(session, settings, draft, author, now, emergency_reason=emergency_reason, send=send)
    if bulletin.status is BulletinStatus.draft:
        return bulletin, []
    if bulletin.status is BulletinStatus.approved:
        return bulletin, schedule_bulletin(session, settings, bulletin, now)
    check_schedulable(session, settings, bulletin, now)
    return bulletin, []
