"""The approval workflow in the JSON API: list, read, edit, approve, send back, review (same services as the pages)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from radio.approval import NoteDecision, decide_with_note
from radio.bulletins import BulletinDraft
from radio.errors import Refusal
from radio.storage.models import Bulletin, BulletinStatus
from web.api import BulletinIn, BulletinOut, bulletin_out, bulletins_out, refusal
from web.csrf import require_csrf
from web.deps import ApiApprover, ApiDrafter, ApiUser, SchedulerDep, SessionDep, SettingsDep, audit
from web.timefmt import as_utc
from web.validation import RowId

router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(require_csrf)])
REFUSED = {404: {"description": "Không có bản tin này"}, 422: {"description": "Bị từ chối; lý do bằng tiếng Việt"}}


class ApproveIn(BaseModel):
    sha256: str = Field(description="The sha256 of the audio you listened to (GET /audio/{sha256}.mp3).")


class NoteIn(BaseModel):
    note: str = ""


def _exists(session: SessionDep, bulletin_id: RowId) -> Bulletin:
    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có bản tin này.")
    return bulletin


@router.get("/bulletins", summary="Bulletins, newest first; filter by state (draft, pending, …) or needs_review")
def list_bulletins(
    session: SessionDep, _user: ApiUser, state: BulletinStatus | None = None, needs_review: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[BulletinOut]:  # fmt: skip
    query = select(Bulletin.id).order_by(Bulletin.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Bulletin.status == state)
    if needs_review is not None:
        query = query.where(Bulletin.needs_review.is_(needs_review))
    return bulletins_out(session, list(session.scalars(query)))


@router.get("/bulletins/{bulletin_id}", responses=REFUSED)
def get_bulletin(bulletin_id: RowId, session: SessionDep, _user: ApiUser) -> BulletinOut:
    _exists(session, bulletin_id)
    return bulletin_out(session, bulletin_id)


@router.put("/bulletins/{bulletin_id}", response_model=BulletinOut, responses=REFUSED)
def edit_bulletin(
    bulletin_id: RowId, body: BulletinIn, request: Request, session: SessionDep, settings: SettingsDep,
    scheduler: SchedulerDep, user: ApiDrafter,
) -> BulletinOut | JSONResponse:  # fmt: skip
    """Replace a bulletin not yet aired; its planned airings are called off and approval starts again."""
    _exists(session, bulletin_id)
    draft = BulletinDraft(
        body.title, body.text, body.voice, body.zones, as_utc(body.air_at, settings.tz) if body.air_at else None,
        body.priority, body.speed, body.readings, body.chimes, body.topic,
    )  # fmt: skip
    try:
        bulletin = scheduler.edit_bulletin(bulletin_id, draft, user.id, body.emergency_reason, body.send)
    except Refusal as error:
        return refusal(error.errors)
    audit(request, session, user, "bulletin.edit", f"#{bulletin_id} “{bulletin.title}” → {bulletin.status.value}")
    return bulletin_out(session, bulletin_id)


@router.post("/bulletins/{bulletin_id}/approve", response_model=BulletinOut, responses=REFUSED)
def approve_bulletin(
    bulletin_id: RowId, body: ApproveIn, request: Request, session: SessionDep, scheduler: SchedulerDep,
    user: ApiApprover,
) -> BulletinOut | JSONResponse:  # fmt: skip
    """Approve the audio you heard and plan the bulletin's airings."""
    _exists(session, bulletin_id)
    try:
        bulletin = scheduler.approve(bulletin_id, user.id, body.sha256)
    except Refusal as error:
        return refusal(error.errors)
    audit(request, session, user, "bulletin.approve", f"#{bulletin_id} “{bulletin.title}” audio {body.sha256}")
    return bulletin_out(session, bulletin_id)


@router.post("/bulletins/{bulletin_id}/{decision}", response_model=BulletinOut, responses=REFUSED)
def decide(
    bulletin_id: RowId, decision: NoteDecision, body: NoteIn, request: Request, session: SessionDep, user: ApiApprover
) -> BulletinOut | JSONResponse:
    """`return`: send a waiting bulletin back to its author as nháp, with the reason (required).
    `review`: close the review of a khẩn cấp bulletin that aired without approval."""
    bulletin = _exists(session, bulletin_id)
    try:
        decide_with_note(decision, bulletin, user, body.note, datetime.now(UTC))
    except Refusal as error:
        return refusal(error.errors)
    audit(request, session, user, f"bulletin.{decision}", f"#{bulletin_id} “{bulletin.title}”: {body.note}")
    return bulletin_out(session, bulletin_id)
