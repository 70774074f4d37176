"""Speaker tokens from the office: rotate (a new token shown once, the old one refused at once) or revoke.

The same functions as `radio speakers rotate|revoke`; an agent holding the old token is disconnected at
its next schedule check and refused from then on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from radio.fleet import revoke_speaker, rotate_token
from radio.storage.models import Speaker, User
from web.csrf import require_csrf
from web.deps import ApiController, PageController, SessionDep, audit
from web.validation import RowId

page_router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
api_router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(require_csrf)])
NOT_FOUND = "Không có cụm loa có mã này, hoặc cụm loa đã bị thu hồi."


class TokenOut(BaseModel):
    speaker_id: int
    token: str


def _rotated(request: Request, session: Session, user: User, speaker_id: int) -> tuple[Speaker, str]:
    try:
        speaker, token = rotate_token(session, speaker_id)
    except ValueError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from error
    audit(request, session, user, "speaker.rotate_token", f"speaker {speaker.id} ({speaker.name})")
    return speaker, token


def _revoked(request: Request, session: Session, user: User, speaker_id: int) -> Speaker:
    try:
        speaker = revoke_speaker(session, speaker_id, datetime.now(UTC))
    except ValueError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from error
    audit(request, session, user, "speaker.revoke", f"speaker {speaker.id} ({speaker.name})")
    return speaker


@api_router.post("/speakers/{speaker_id}/token", responses={404: {"description": NOT_FOUND}})
def rotate(speaker_id: RowId, request: Request, session: SessionDep, user: ApiController) -> TokenOut:
    """A new token for the speaker, returned only in this answer; configure the box with it."""
    speaker, token = _rotated(request, session, user, speaker_id)
    return TokenOut(speaker_id=speaker.id, token=token)


@api_router.post("/speakers/{speaker_id}/revoke", status_code=204, responses={404: {"description": NOT_FOUND}})
def revoke(speaker_id: RowId, request: Request, session: SessionDep, user: ApiController) -> Response:
    """Refuse the speaker's token from now on (a stolen box); it cannot be undone, add a new speaker instead."""
    _revoked(request, session, user, speaker_id)
    return Response(status_code=204)


@page_router.post("/fleet/speakers/{speaker_id}/token")
def rotate_form(speaker_id: RowId, request: Request, session: SessionDep, user: PageController) -> Response:
    speaker, token = _rotated(request, session, user, speaker_id)
    request.session["flash"] = (
        f"Mã truy cập mới của “{speaker.name}” (chỉ hiện một lần, mã cũ đã hết hiệu lực): {token}"
    )
    return RedirectResponse("/fleet", status_code=status.HTTP_303_SEE_OTHER)


@page_router.post("/fleet/speakers/{speaker_id}/revoke")
def revoke_form(speaker_id: RowId, request: Request, session: SessionDep, user: PageController) -> Response:
    speaker = _revoked(request, session, user, speaker_id)
    request.session["flash"] = f"Đã thu hồi mã truy cập của “{speaker.name}”; cụm loa này không nhận được gì nữa."
    return RedirectResponse("/fleet", status_code=status.HTTP_303_SEE_OTHER)
