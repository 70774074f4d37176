"""Server-rendered pages in Vietnamese; they work without JavaScript on a cheap phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

import tts
from radio.accounts import authenticate
from radio.bulletins import BulletinDraft, check_text, validate_draft
from radio.config import Settings
from radio.dashboard import problem_broadcasts, upcoming_broadcasts, village_statuses
from radio.errors import Refusal
from radio.evidence import KIND_LABELS, STATUS_LABELS, note_label, recent_broadcasts
from radio.fleet import fleet
from radio.rendering import Reading, render_bulletin_audio, voice_catalogue
from radio.storage.models import Priority, Zone
from web.csrf import csrf_token, require_csrf
from web.deps import PageUser, SchedulerDep, SessionDep, SettingsDep, StationDep, agents_online, audit
from web.timefmt import as_utc, local_text

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
PRIORITY_LABELS = {
    "ordinary": "Thông thường",
    "priority": "Ưu tiên",
    "emergency": "Khẩn cấp (phát ngay, ngắt chương trình đang phát)",
}
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def render(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    context.setdefault("flash", request.session.pop("flash", None))
    context["local"] = lambda moment: local_text(moment, settings.tz)
    context["status_label"] = lambda value: STATUS_LABELS[value]
    context["kind_label"] = lambda value: KIND_LABELS[value]
    context["note"] = lambda text: note_label(text, settings.tz)
    context["csrf"] = csrf_token(request)
    return templates.TemplateResponse(request, name, context, status_code=code)


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html")


@router.post("/login")
async def login_submit(request: Request, session: SessionDep) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    settings = request.app.state.settings
    remote = request.client.host if request.client else ""
    try:
        user = authenticate(session, username, password, datetime.now(UTC), remote, settings.tz)
    except Refusal as refused:
        return render(request, "login.html", 401, error=refused.errors["login"], username=username)
    request.session["user_id"] = user.id
    return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: PageUser) -> Response:
    audit(request, session, user, "logout", "logged out")
    request.session.clear()
    return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/")
def dashboard(
    request: Request, session: SessionDep, station: StationDep, settings: SettingsDep, user: PageUser
) -> HTMLResponse:
    offline_after = timedelta(seconds=settings.speaker_offline_alert_s)
    return render(
        request,
        "dashboard.html",
        user=user,
        villages=village_statuses(session, station),
        upcoming=upcoming_broadcasts(session),
        problems=problem_broadcasts(session, datetime.now(UTC) - timedelta(days=7)),
        silent_speakers=[
            (village.name, speaker.name)
            for village in fleet(session, set(agents_online(request.app)), datetime.now(UTC), offline_after)
            for speaker in village.speakers
            if speaker.overdue
        ],
    )


SPEEDS = {"0.8": "Chậm", "0.9": "Hơi chậm", "1.0": "Bình thường", "1.1": "Hơi nhanh", "1.2": "Nhanh"}


def _compose_context(session: Session, settings: Settings, **values: Any) -> dict[str, Any]:
    zones = session.scalars(select(Zone).order_by(Zone.position)).all()
    values.setdefault(
        "form",
        {"voice": settings.default_voice, "when": "now", "zones": [], "priority": "ordinary", "speed": "1.0",
         "readings": "1", "chimes": True},
    )  # fmt: skip
    voices = [voice for voice in voice_catalogue(settings).voices() if voice.problem is None]
    return {
        "zones": zones, "voices": voices, "speeds": SPEEDS, "priorities": PRIORITY_LABELS, "errors": {}, **values,
    }  # fmt: skip


def _float(text: str, default: float) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return default


@router.get("/bulletins/new")
def compose_page(request: Request, session: SessionDep, settings: SettingsDep, user: PageUser) -> HTMLResponse:
    return render(request, "compose.html", user=user, **_compose_context(session, settings))


@router.post("/bulletins/new")
async def compose_submit(
    request: Request, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep, user: PageUser
) -> Response:
    raw = await request.form()
    form = {
        "title": str(raw.get("title", "")),
        "text": str(raw.get("text", "")),
        "voice": str(raw.get("voice", tts.DEFAULT_VOICE)),
        "when": str(raw.get("when", "now")),
        "air_at": str(raw.get("air_at", "")),
        "all_zones": bool(raw.get("all_zones")),
        "zones": [str(slug) for slug in raw.getlist("zones")],
        "priority": str(raw.get("priority", Priority.ordinary.value)),
        "speed": str(raw.get("speed", "1.0")),
        "readings": str(raw.get("readings", "1")),
        "chimes": bool(raw.get("chimes")),
    }
    reading = Reading(form["voice"], _float(form["speed"], 1.0), 2 if form["readings"] == "2" else 1, form["chimes"])
    if raw.get("action") == "preview":
        if errors := check_text(form["text"], reading, settings):
            context = _compose_context(session, settings, form=form, errors=errors)
            return render(request, "compose.html", 422, user=user, **context)
        preview = render_bulletin_audio(session, settings, form["text"], reading, user.commune_id)
        session.commit()
        return render(
            request, "compose.html", user=user, preview=preview, **_compose_context(session, settings, form=form)
        )
    if form["all_zones"]:
        form["zones"] = list(session.scalars(select(Zone.slug)))
    air_at, time_error = None, None
    if form["when"] == "at":
        try:
            air_at = as_utc(datetime.fromisoformat(form["air_at"]), settings.tz)
        except ValueError:
            time_error = "Hãy chọn ngày và giờ phát."
    priority = Priority(form["priority"]) if form["priority"] in Priority.__members__ else Priority.ordinary
    draft = BulletinDraft(
        form["title"], form["text"], reading.voice, form["zones"], air_at, priority, reading.speed, reading.readings,
        reading.chimes,
    )  # fmt: skip
    errors: dict[str, str] = {}
    try:
        if time_error:  # still check the rest, so the officer sees every problem at once
            validate_draft(session, settings, draft, datetime.now(UTC))
        else:
            bulletin = scheduler.submit(draft, user.id)
    except Refusal as error:
        errors = error.errors
    if time_error:
        errors["air_at"] = time_error
    if errors:
        return render(
            request, "compose.html", 422, user=user, **_compose_context(session, settings, form=form, errors=errors)
        )
    villages = ", ".join(form["zones"])
    detail = f"#{bulletin.id} “{bulletin.title}” {priority.value} to {villages} at {air_at or 'now'}"
    audit(request, session, user, "bulletin.schedule", detail)
    when = "ngay bây giờ" if air_at is None else f"lúc {local_text(air_at, settings.tz)}"
    request.session["flash"] = f"Đã lên lịch phát bản tin “{bulletin.title}” {when}."
    return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/log")
def log_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return render(request, "log.html", user=user, broadcasts=recent_broadcasts(session))
