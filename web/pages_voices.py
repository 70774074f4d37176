"""The voice catalogue and the commune's pronunciation lexicon (từ điển phát âm), with a listen button."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

import tts
from radio.config import Settings
from radio.rendering import Reading, RenderedBulletin, render_bulletin_audio, voice_catalogue
from radio.storage.models import Commune, User
from web.api import refusal
from web.csrf import require_csrf
from web.deps import ApiSettings, ApiUser, PageSettings, SessionDep, SettingsDep, audit
from web.pages import render

router = APIRouter(dependencies=[Depends(require_csrf)])
LISTEN_EXAMPLE = "UBND xã đề nghị bà con cài ứng dụng VNeID trước ngày 15/12."


class LexiconIn(BaseModel):
    text: str


def save_lexicon(session: Session, user: User, text: str) -> None:
    """Store the entries if every one can be used (LexiconError names the first that cannot)."""
    tts.parse_lexicon(text)
    session.get_one(Commune, user.commune_id).lexicon = text
    session.commit()


@router.get("/voices", include_in_schema=False)
def voices_page(request: Request, settings: SettingsDep, user: PageSettings) -> HTMLResponse:
    return render(request, "voices.html", user=user, voices=voice_catalogue(settings).available())


@router.get("/lexicon", include_in_schema=False)
def lexicon_page(request: Request, session: SessionDep, user: PageSettings) -> HTMLResponse:
    text = session.get_one(Commune, user.commune_id).lexicon
    return render(request, "lexicon.html", user=user, text=text, phrase=LISTEN_EXAMPLE, errors={})


@router.post("/lexicon", include_in_schema=False)
async def lexicon_submit(request: Request, session: SessionDep, settings: SettingsDep, user: PageSettings) -> Response:
    form = await request.form()
    text, phrase = str(form.get("text", "")), str(form.get("phrase", "")) or LISTEN_EXAMPLE
    try:
        if form.get("action") == "listen":
            preview = _listen(session, settings, user, phrase, text)
            return render(request, "lexicon.html", user=user, text=text, phrase=phrase, preview=preview, errors={})
        save_lexicon(session, user, text)
        audit(request, session, user, "lexicon.save", f"{len(tts.parse_lexicon(text))} entries")
    except tts.LexiconError as error:
        errors = {"text": str(error)}
        return render(request, "lexicon.html", 422, user=user, text=text, phrase=phrase, errors=errors)
    request.session["flash"] = "Đã lưu từ điển phát âm; các bản tin soạn từ nay sẽ đọc theo từ điển mới."
    return RedirectResponse("/lexicon", status_code=status.HTTP_303_SEE_OTHER)


def _listen(session: Session, settings: Settings, user: User, phrase: str, lexicon_text: str) -> RenderedBulletin:
    rendered = render_bulletin_audio(session, settings, phrase, Reading(settings.default_voice), user.commune_id,
                                     lexicon_text)  # fmt: skip
    session.commit()
    return rendered


@router.get("/api/lexicon", tags=["api"], summary="The commune's pronunciation lexicon (TSV: written, tab, spoken)")
def get_lexicon(session: SessionDep, user: ApiUser) -> LexiconIn:
    return LexiconIn(text=session.get_one(Commune, user.commune_id).lexicon)


@router.put("/api/lexicon", tags=["api"], responses={422: {"description": "An entry cannot be used"}})
def put_lexicon(body: LexiconIn, session: SessionDep, user: ApiSettings) -> Response:
    try:
        save_lexicon(session, user, body.text)
    except tts.LexiconError as error:
        return refusal({"text": str(error)})
    return Response(status_code=204)
