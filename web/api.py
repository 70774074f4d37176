"""The JSON API: the same services as the pages, for scripts and other systems (docs at /docs)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

import tts
from radio.accounts import authenticate
from radio.bulletins import BulletinDraft, check_text
from radio.errors import Refusal
from radio.evidence import broadcasts_csv, recent_broadcasts
from radio.rendering import Reading, render_bulletin_audio, voice_catalogue
from radio.storage.models import Broadcast, Bulletin, Priority, Receipt, Zone
from radio.topics import DEFAULT_TOPIC, Topic
from web.csrf import HEADER as CSRF_HEADER
from web.csrf import csrf_token, require_csrf
from web.deps import ApiDrafter, ApiUser, SchedulerDep, SessionDep, SettingsDep, audit
from web.timefmt import as_utc
from web.validation import Moment, RowCount

router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(require_csrf)])
# Logging in needs no CSRF token (a JSON body cannot be sent cross-site without a preflight) and hands one out.
auth_router = APIRouter(prefix="/api", tags=["api"])


class LoginIn(BaseModel):
    username: str
    password: str


class ZoneOut(BaseModel):
    slug: str
    name: str
    stream_url: str


class ReadingIn(BaseModel):
    voice: str = Field(tts.DEFAULT_VOICE, description="A voice id from GET /api/voices.")
    speed: float = Field(1.0, description="1.0 is the voice's normal rate.")
    readings: int = Field(1, description="2 reads the bulletin twice, with a gap.")
    chimes: bool = Field(False, description="Intro and outro chimes.")

    def reading(self) -> Reading:
        return Reading(self.voice, self.speed, self.readings, self.chimes)


class PreviewIn(ReadingIn):
    text: str


class WarningOut(BaseModel):
    kind: str
    message: str
    token: str


class PreviewOut(BaseModel):
    sha256: str
    audio_url: str
    duration_s: float
    spoken_text: str
    warnings: list[WarningOut]


class VoiceOut(BaseModel):
    id: str
    label: str
    engine: str
    source: str
    licence: str
    installed: bool
    problem: str | None


class BulletinIn(ReadingIn):
    title: str = ""
    text: str
    zones: list[str] = Field(description="Village slugs; see GET /api/zones.")
    air_at: Moment | None = Field(None, description="When to air; without a zone it is commune time. Empty: now.")
    priority: Priority = Field(
        Priority.ordinary, description="khẩn cấp (emergency) cuts in at once, ignoring quiet hours."
    )
    emergency_reason: str = Field(
        "", description="Required for khẩn cấp from a role that cannot approve: it then airs unapproved, flagged."
    )
    topic: Topic = Field(DEFAULT_TOPIC, description="What it is about; the monthly report counts bulletins by topic.")
    send: bool = Field(True, description="false: keep as nháp. true: send on (approved at once if you may approve).")


class ReceiptOut(BaseModel):
    speaker: str
    outcome: str = Field(description="started, ended or interrupted, as the speaker agent reported it")
    started_at: datetime | None
    ended_at: datetime | None
    audio_sha256: str


class BroadcastOut(BaseModel):
    id: int
    bulletin_id: int | None
    programme_id: int | None
    title: str
    kind: str
    priority: str
    zone: str
    planned_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    status: str
    audio_sha256: str | None
    note: str
    receipts: list[ReceiptOut] = Field(description="What each speaker agent of the village said it played")

    @classmethod
    def of(cls, row: Broadcast) -> BroadcastOut:
        return cls(
            id=row.id,
            bulletin_id=row.bulletin_id,
            programme_id=row.programme_id,
            title=row.title,
            kind=row.kind.value,
            priority=row.priority.value,
            zone=row.zone.slug,
            planned_at=row.planned_at,
            started_at=row.started_at,
            ended_at=row.ended_at,
            status=row.status.value,
            audio_sha256=row.audio_sha256,
            note=row.note,
            receipts=[
                ReceiptOut(speaker=r.speaker.name, outcome=r.outcome, started_at=r.started_at, ended_at=r.ended_at,
                           audio_sha256=r.audio_sha256)
                for r in row.receipts
            ],
        )  # fmt: skip


class BulletinOut(BaseModel):
    id: int
    title: str
    status: str = Field(description="draft (nháp), pending (chờ duyệt), approved, scheduled, aired")
    audio_sha256: str | None
    approved_sha256: str | None
    approved_by: str | None
    needs_review: bool
    topic: Topic
    zones: list[str]
    air_at: datetime | None
    broadcasts: list[BroadcastOut]

    @classmethod
    def of(cls, bulletin: Bulletin, broadcasts: Iterable[Broadcast]) -> BulletinOut:
        return cls(
            id=bulletin.id, title=bulletin.title, status=bulletin.status.value, audio_sha256=bulletin.audio_sha256,
            approved_sha256=bulletin.approved_sha256,
            approved_by=bulletin.approved_by.username if bulletin.approved_by else None,
            needs_review=bulletin.needs_review, topic=bulletin.topic, air_at=bulletin.air_at,
            zones=[zone.slug for zone in bulletin.zones],
            broadcasts=[BroadcastOut.of(row) for row in broadcasts],
        )  # fmt: skip


def refusal(errors: dict[str, str]) -> JSONResponse:
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": [{"field": name, "message": message} for name, message in errors.items()]},
    )


class LoginOut(BaseModel):
    csrf_token: str = Field(description=f"Send it as the {CSRF_HEADER} header with every other POST, PUT or DELETE.")


@auth_router.post("/login")
def login(body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep) -> LoginOut:
    remote = request.client.host if request.client else ""
    try:
        user = authenticate(session, body.username, body.password, datetime.now(UTC), remote, settings.tz)
    except Refusal as refused:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, refused.errors["login"]) from refused
    request.session["user_id"] = user.id
    return LoginOut(csrf_token=csrf_token(request))


@auth_router.post("/logout", status_code=204)
def logout(request: Request) -> Response:
    request.session.clear()
    return Response(status_code=204)


@router.get("/zones")
def zones(session: SessionDep, _user: ApiUser) -> list[ZoneOut]:
    rows = session.scalars(select(Zone).order_by(Zone.position))
    return [ZoneOut(slug=z.slug, name=z.name, stream_url=f"/zones/{z.slug}/live.mp3") for z in rows]


@router.get("/voices", summary="The voice catalogue: installed voices and those that can be installed")
def voices(settings: SettingsDep, _user: ApiUser) -> list[VoiceOut]:
    return [VoiceOut(**vars(voice)) for voice in voice_catalogue(settings).available()]


@router.post("/preview", response_model=PreviewOut, responses={422: {"description": "Nội dung không hợp lệ"}})
def preview(body: PreviewIn, session: SessionDep, settings: SettingsDep, user: ApiDrafter) -> PreviewOut | JSONResponse:
    if errors := check_text(body.text, body.reading(), settings):
        return refusal(errors)
    rendered = render_bulletin_audio(session, settings, body.text, body.reading(), user.commune_id)
    session.commit()
    return PreviewOut(
        sha256=rendered.asset.sha256, audio_url=f"/audio/{rendered.asset.sha256}.mp3",
        duration_s=rendered.asset.duration_s, spoken_text=rendered.spoken,
        warnings=[WarningOut(kind=w.kind, message=w.message, token=w.token) for w in rendered.warnings],
    )  # fmt: skip


@router.post(
    "/bulletins",
    status_code=201,
    response_model=BulletinOut,
    responses={422: {"description": "Bản tin không hợp lệ; không có gì được lưu"}},
)
def create_bulletin(
    request: Request,
    body: BulletinIn,
    settings: SettingsDep,
    scheduler: SchedulerDep,
    user: ApiDrafter,
    session: SessionDep,
) -> BulletinOut | JSONResponse:
    draft = BulletinDraft(
        title=body.title,
        text=body.text,
        voice=body.voice,
        zone_slugs=body.zones,
        air_at=as_utc(body.air_at, settings.tz) if body.air_at else None,
        priority=body.priority,
        speed=body.speed,
        readings=body.readings,
        chimes=body.chimes,
        topic=body.topic,
    )
    try:
        bulletin = scheduler.submit(draft, user.id, body.emergency_reason, body.send)
    except Refusal as error:
        return refusal(error.errors)
    detail = (
        f"#{bulletin.id} “{bulletin.title}” {body.priority.value} to {', '.join(body.zones)} at {body.air_at or 'now'}"
        f" → {bulletin.status.value}"
    )
    if body.emergency_reason:
        detail += f"; emergency reason: {body.emergency_reason}"
    audit(request, session, user, "bulletin.create", detail)
    return bulletin_out(session, bulletin.id)


def bulletins_out(session: Session, bulletin_ids: list[int]) -> list[BulletinOut]:
    """Bulletins with their airings, in the order given, in three queries however many there are."""
    bulletins = {
        b.id: b
        for b in session.scalars(
            select(Bulletin).where(Bulletin.id.in_(bulletin_ids))
            .options(selectinload(Bulletin.zones), selectinload(Bulletin.approved_by))
        )
    }  # fmt: skip
    airings: dict[int, list[Broadcast]] = {bulletin_id: [] for bulletin_id in bulletin_ids}
    for row in session.scalars(
        select(Broadcast).where(Broadcast.bulletin_id.in_(bulletin_ids)).order_by(Broadcast.id)
        .options(joinedload(Broadcast.zone), selectinload(Broadcast.receipts).joinedload(Receipt.speaker))
    ):  # fmt: skip
        airings[row.bulletin_id].append(row)  # type: ignore[index]  # selected by bulletin id
    return [BulletinOut.of(bulletins[i], airings[i]) for i in bulletin_ids]


def bulletin_out(session: Session, bulletin_id: int) -> BulletinOut:
    return bulletins_out(session, [bulletin_id])[0]


@router.get("/broadcasts", summary="The as-run log, newest first (plans included), with speaker receipts")
def broadcasts(session: SessionDep, _user: ApiUser, limit: RowCount = 500) -> list[BroadcastOut]:
    return [BroadcastOut.of(row) for row in recent_broadcasts(session, limit)]


@router.get("/broadcasts.csv", summary="The as-run log as CSV: airings due so far", response_class=Response)
def broadcasts_as_csv(session: SessionDep, settings: SettingsDep, _user: ApiUser) -> Response:
    return Response(
        broadcasts_csv(recent_broadcasts(session, limit=100_000, until=datetime.now(UTC)), settings.tz),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="nhat-ky-phat-song.csv"'},
    )
