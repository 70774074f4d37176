"""JSON API for programmes, airings and uploaded audio (same services as the pages)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from radio.audio_upload import UploadRefused, store_upload
from radio.errors import Refusal
from radio.storage.models import Broadcast, ItemKind, Priority, Programme, Zone
from schedules.programmes import ItemSpec, ProgrammeSpec
from web.api import BroadcastOut, refusal
from web.csrf import require_csrf
from web.deps import ApiProgrammer, ApiUser, SchedulerDep, SessionDep, SettingsDep
from web.timefmt import as_utc
from web.validation import CommuneTime, Day, Moment, RowId

router = APIRouter(prefix="/api", tags=["programmes"], dependencies=[Depends(require_csrf)])


class ItemIn(BaseModel):
    kind: ItemKind
    bulletin_id: RowId | None = None
    audio_sha256: str | None = None
    relay_url: str | None = None
    minutes: float | None = Field(None, description="Relay length in minutes.")
    seconds: float | None = Field(None, description="Gap length in seconds.")
    title: str = ""


class ProgrammeIn(BaseModel):
    title: str
    zones: list[str]
    items: list[ItemIn]
    priority: Priority = Priority.ordinary
    one_off_at: Moment | None = Field(None, description="Set for a single airing; without a zone it is commune time.")
    start_time: CommuneTime | None = Field(
        None, description="Commune time of day of each session, for recurring programmes."
    )
    repeat: Literal["daily", "weekdays", "rrule"] = "daily"
    weekdays: list[int] = Field(default_factory=list, description="ISO weekdays, Monday = 1.")
    rrule: str = Field("", description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1MO.")
    valid_from: Day | None = None
    valid_until: Day | None = None
    skip_dates: list[Day] = Field(default_factory=list)


class ItemOut(BaseModel):
    position: int
    kind: str
    title: str
    duration_s: float
    bulletin_id: int | None
    audio_sha256: str | None
    relay_url: str | None


class ProgrammeOut(BaseModel):
    id: int
    title: str
    priority: str
    status: str
    one_off_at: datetime | None
    start_time: time | None
    rrule: str | None
    valid_from: date | None
    valid_until: date | None
    skip_dates: list[date]
    zones: list[str]
    items: list[ItemOut]

    @classmethod
    def of(cls, p: Programme) -> ProgrammeOut:
        return cls(
            id=p.id, title=p.title, priority=p.priority.value, status=p.status.value, one_off_at=p.one_off_at,
            start_time=p.start_time, rrule=p.rrule, valid_from=p.valid_from, valid_until=p.valid_until,
            skip_dates=[date.fromisoformat(d) for d in p.skip_dates.split(",") if d],
            zones=[z.slug for z in p.zones],
            items=[
                ItemOut(position=i.position, kind=i.kind.value, title=i.title, duration_s=i.duration_s,
                        bulletin_id=i.bulletin_id, audio_sha256=i.audio_sha256, relay_url=i.relay_url)
                for i in p.items
            ],
        )  # fmt: skip


class AudioOut(BaseModel):
    sha256: str
    duration_s: float
    loudness_lufs: float


def spec_of(body: ProgrammeIn, tz: object) -> ProgrammeSpec:
    return ProgrammeSpec(
        title=body.title, zone_slugs=body.zones, priority=body.priority,
        items=[ItemSpec(**item.model_dump()) for item in body.items],
        one_off_at=as_utc(body.one_off_at, tz) if body.one_off_at else None,  # type: ignore[arg-type]
        start_time=body.start_time, repeat=body.repeat, weekdays=body.weekdays, rrule=body.rrule,
        valid_from=body.valid_from, valid_until=body.valid_until, skip_dates=body.skip_dates,
    )  # fmt: skip


def _load(session: SessionDep, programme_id: RowId) -> Programme:
    programme = session.scalar(
        select(Programme)
        .where(Programme.id == programme_id)
        .options(selectinload(Programme.zones), selectinload(Programme.items))
    )
    if programme is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Không có chương trình số {programme_id}.")
    return programme


@router.get("/programmes")
def list_programmes(session: SessionDep, _user: ApiUser) -> list[ProgrammeOut]:
    rows = session.scalars(
        select(Programme).options(selectinload(Programme.zones), selectinload(Programme.items)).order_by(Programme.id)
    )
    return [ProgrammeOut.of(p) for p in rows]


@router.post("/programmes", status_code=201, response_model=ProgrammeOut, responses={422: {"description": "Refused"}})
def create_programme(
    body: ProgrammeIn, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep, user: ApiProgrammer
) -> ProgrammeOut | JSONResponse:
    try:
        programme_id = scheduler.add(spec_of(body, settings.tz), user.id)
    except Refusal as error:
        return refusal(error.errors)
    return ProgrammeOut.of(_load(session, programme_id))


@router.put("/programmes/{programme_id}", response_model=ProgrammeOut, responses={422: {"description": "Refused"}})
def edit_programme(
    programme_id: RowId, body: ProgrammeIn, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep,
    user: ApiProgrammer,
) -> ProgrammeOut | JSONResponse:  # fmt: skip
    _load(session, programme_id)
    try:
        scheduler.edit(programme_id, spec_of(body, settings.tz), user.id)
    except Refusal as error:
        return refusal(error.errors)
    return ProgrammeOut.of(_load(session, programme_id))


@router.post("/programmes/{programme_id}/cancel")
def cancel(programme_id: RowId, session: SessionDep, scheduler: SchedulerDep, _user: ApiProgrammer) -> dict[str, int]:
    _load(session, programme_id)
    return {"cancelled_airings": scheduler.cancel(programme_id)}


@router.post("/programmes/{programme_id}/clone", status_code=201, response_model=ProgrammeOut)
def clone(
    programme_id: RowId, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep, user: ApiProgrammer,
    start_time: CommuneTime | None = None, one_off_at: Moment | None = None,
) -> ProgrammeOut | JSONResponse:  # fmt: skip
    """Copy a programme, optionally at another time (a copy at the same time in the same villages would clash)."""
    _load(session, programme_id)
    try:
        new_id = scheduler.clone(
            programme_id, user.id, start_time, as_utc(one_off_at, settings.tz) if one_off_at else None
        )
    except Refusal as error:
        return refusal(error.errors)
    return ProgrammeOut.of(_load(session, new_id))


@router.get("/airings", summary="Planned and past airings of a village, in commune time")
def airings(
    session: SessionDep, settings: SettingsDep, _user: ApiUser, zone: str, start: Day | None = None, days: int = 7
) -> list[BroadcastOut]:
    zone_row = session.scalar(select(Zone).where(Zone.slug == zone))
    if zone_row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Không có thôn, xóm “{zone}”.")
    first = datetime.combine(start or datetime.now(settings.tz).date(), time(0), settings.tz)
    rows = session.scalars(
        select(Broadcast)
        .where(Broadcast.zone_id == zone_row.id, Broadcast.planned_at >= first,
               Broadcast.planned_at < first + timedelta(days=min(days, 62)))
        .order_by(Broadcast.planned_at, Broadcast.id)
    )  # fmt: skip
    return [BroadcastOut.of(row) for row in rows]


@router.post("/audio", status_code=201, response_model=AudioOut, responses={413: {}, 422: {}})
async def upload_audio(file: UploadFile, session: SessionDep, settings: SettingsDep, _user: ApiProgrammer) -> AudioOut:
    """A pre-recorded file (MP3, WAV, OGG…): decoded to check it, loudness-normalised, stored by sha256."""
    try:
        asset = await store_upload(session, settings, file)
    except UploadRefused as error:
        raise HTTPException(error.status_code, error.message) from error
    session.commit()
    return AudioOut(sha256=asset.sha256, duration_s=asset.duration_s, loudness_lufs=asset.loudness_lufs)
