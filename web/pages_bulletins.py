"""Bulletin pages: compose, preview, edit, the list by state, approval and the review of emergencies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import tts
from radio.approval import NoteDecision, decide_with_note
from radio.bulletins import BulletinDraft, check_text, draft_of, validate_draft
from radio.config import Settings
from radio.errors import Refusal
from radio.labels import BULLETIN_STATUS_LABELS, PRIORITY_NAMES
from radio.rendering import Reading, render_bulletin_audio, voice_catalogue
from radio.roles import Permission, can, limited_to_own_villages
from radio.storage.models import Broadcast, Bulletin, BulletinStatus, Priority, User, Zone
from radio.topics import DEFAULT_TOPIC, TOPIC_LABELS, Topic
from web.csrf import require_csrf
from web.deps import PageApprover, PageDrafter, PageUser, SchedulerDep, SessionDep, SettingsDep, audit
from web.pages import PRIORITY_LABELS, render
from web.timefmt import as_utc, local_text
from web.validation import RowId

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])

SPEEDS = {"0.8": "Chậm", "0.9": "Hơi chậm", "1.0": "Bình thường", "1.1": "Hơi nhanh", "1.2": "Nhanh"}


def _zones_for(session: Session, user: User) -> list[Zone]:
    """The villages a user may pick: a village head sees only their own."""
    if limited_to_own_villages(user):
        return list(user.zones)
    return list(session.scalars(select(Zone).order_by(Zone.position)))


def _compose_context(session: Session, settings: Settings, user: User, **values: Any) -> dict[str, Any]:
    values.setdefault(
        "form",
        {"voice": settings.default_voice, "when": "now", "zones": [], "priority": "ordinary", "speed": "1.0",
         "readings": "1", "chimes": True, "topic": DEFAULT_TOPIC.value},
    )  # fmt: skip
    voices = [voice for voice in voice_catalogue(settings).voices() if voice.problem is None]
    return {
        "zones": _zones_for(session, user), "voices": voices, "speeds": SPEEDS, "priorities": PRIORITY_LABELS,
        "errors": {}, "may_approve": can(user, Permission.approve), "topics": TOPIC_LABELS,
        "form_action": "/bulletins/new", **values,
    }  # fmt: skip


def _float(text: str, default: float) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return default


def _form_of(raw: FormData) -> dict[str, Any]:
    return {
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
        "emergency_reason": str(raw.get("emergency_reason", "")),
        "topic": str(raw.get("topic", DEFAULT_TOPIC.value)),
    }


def _form_values(bulletin: Bulletin, tz: Any) -> dict[str, Any]:
    draft = draft_of(bulletin)
    air_at = draft.air_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if draft.air_at else ""
    return {
        "title": draft.title, "text": draft.text, "voice": draft.voice, "when": "at" if air_at else "now",
        "air_at": air_at, "zones": draft.zone_slugs, "priority": draft.priority.value, "speed": f"{draft.speed:.1f}",
        "readings": str(draft.readings), "chimes": draft.chimes, "emergency_reason": bulletin.emergency_reason,
        "topic": draft.topic.value,
    }  # fmt: skip


def _reading(form: dict[str, Any]) -> Reading:
    return Reading(form["voice"], _float(form["speed"], 1.0), 2 if form["readings"] == "2" else 1, form["chimes"])


def _draft(form: dict[str, Any], settings: Settings) -> tuple[BulletinDraft, str | None]:
    """The draft the form describes, and the error of an unreadable time (reported with the others)."""
    air_at, time_error = None, None
    if form["when"] == "at":
        try:
            air_at = as_utc(datetime.fromisoformat(form["air_at"]), settings.tz)
        except ValueError:
            time_error = "Hãy chọn ngày và giờ phát."
    priority = Priority(form["priority"]) if form["priority"] in Priority.__members__ else Priority.ordinary
    reading = _reading(form)
    topic = Topic(form["topic"]) if form["topic"] in Topic.__members__ else DEFAULT_TOPIC
    draft = BulletinDraft(
        form["title"], form["text"], reading.voice, form["zones"], air_at, priority, reading.speed, reading.readings,
        reading.chimes, topic,
    )  # fmt: skip
    return draft, time_error


def _flash_for(bulletin: Bulletin, tz: Any) -> str:
    if bulletin.status is BulletinStatus.scheduled:
        when = "ngay bây giờ" if bulletin.air_at is None else f"lúc {local_text(bulletin.air_at, tz)}"
        return f"Đã lên lịch phát bản tin “{bulletin.title}” {when}."
    if bulletin.status is BulletinStatus.pending:
        return f"Đã gửi bản tin “{bulletin.title}” chờ duyệt. Bản tin chỉ được phát sau khi được duyệt."
    return f"Đã lưu nháp bản tin “{bulletin.title}”."


async def _compose_or_edit(
    request: Request, session: Session, settings: Settings, scheduler: Any, user: User, bulletin_id: int | None
) -> Response:
    """One handler for a new bulletin and an edit: preview, save as nháp, or send on."""
    raw = await request.form()
    form = _form_of(raw)
    action = "/bulletins/new" if bulletin_id is None else f"/bulletins/{bulletin_id}/edit"
    if form["all_zones"]:
        form["zones"] = [zone.slug for zone in _zones_for(session, user)]
    if raw.get("action") == "preview":
        if errors := check_text(form["text"], _reading(form), settings):
            context = _compose_context(session, settings, user, form=form, errors=errors, form_action=action)
            return render(request, "compose.html", 422, user=user, **context)
        preview = render_bulletin_audio(session, settings, form["text"], _reading(form), user.commune_id)
        session.commit()
        context = _compose_context(session, settings, user, form=form, form_action=action)
        return render(request, "compose.html", user=user, preview=preview, **context)
    send = raw.get("action") != "save"
    draft, time_error = _draft(form, settings)
    errors: dict[str, str] = {}
    try:
        if time_error:  # still check the rest, so the officer sees every problem at once
            validate_draft(session, settings, draft, datetime.now(UTC))
        elif bulletin_id is None:
            bulletin = scheduler.submit(draft, user.id, form["emergency_reason"], send)
        else:
            bulletin = scheduler.edit_bulletin(bulletin_id, draft, user.id, form["emergency_reason"], send)
    except Refusal as error:
        errors = error.errors
    if time_error:
        errors["air_at"] = time_error
    if errors:
        context = _compose_context(session, settings, user, form=form, errors=errors, form_action=action)
        return render(request, "compose.html", 422, user=user, **context)
    verb = "bulletin.edit" if bulletin_id else "bulletin.create"
    detail = (
        f"#{bulletin.id} “{bulletin.title}” {draft.priority.value} to {', '.join(form['zones'])} "
        f"at {draft.air_at or 'now'} → {bulletin.status.value}"
    )
    if bulletin.emergency_reason:
        detail += f"; emergency reason: {bulletin.emergency_reason}"
    audit(request, session, user, verb, detail)
    request.session["flash"] = _flash_for(bulletin, settings.tz)
    return RedirectResponse(f"/bulletins/{bulletin.id}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/bulletins/new")
def compose_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: PageDrafter, copy: RowId | None = None
) -> HTMLResponse:
    """A blank form, or (`copy`) one filled from an earlier bulletin to air again: new time, new approval."""
    values: dict[str, Any] = {}
    if copy is not None:
        form = _form_values(_bulletin(session, copy), settings.tz)
        values["form"] = form | {"when": "now", "air_at": "", "emergency_reason": ""}
    return render(request, "compose.html", user=user, **_compose_context(session, settings, user, **values))


@router.post("/bulletins/new")
async def compose_submit(
    request: Request, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep, user: PageDrafter
) -> Response:
    return await _compose_or_edit(request, session, settings, scheduler, user, None)


def _bulletin(session: Session, bulletin_id: RowId) -> Bulletin:
    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có bản tin này.")
    return bulletin


@router.get("/bulletins/{bulletin_id}/edit")
def edit_page(
    request: Request, bulletin_id: RowId, session: SessionDep, settings: SettingsDep, user: PageDrafter
) -> HTMLResponse:
    bulletin = _bulletin(session, bulletin_id)
    if bulletin.status is BulletinStatus.aired:  # its audio is evidence now; a copy can air again
        return RedirectResponse(f"/bulletins/new?copy={bulletin_id}", status_code=status.HTTP_303_SEE_OTHER)
    context = _compose_context(
        session, settings, user, form=_form_values(bulletin, settings.tz), form_action=f"/bulletins/{bulletin_id}/edit"
    )
    return render(request, "compose.html", user=user, editing=bulletin, **context)


@router.post("/bulletins/{bulletin_id}/edit")
async def edit_submit(
    request: Request, bulletin_id: RowId, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep,
    user: PageDrafter,
) -> Response:  # fmt: skip
    _bulletin(session, bulletin_id)
    return await _compose_or_edit(request, session, settings, scheduler, user, bulletin_id)


@router.get("/bulletins")
def bulletins_page(request: Request, session: SessionDep, user: PageUser, state: str = "") -> HTMLResponse:
    query = select(Bulletin).order_by(Bulletin.id.desc()).limit(500)
    if state == "review":
        query = query.where(Bulletin.needs_review.is_(True))
    elif state in BulletinStatus.__members__:
        query = query.where(Bulletin.status == BulletinStatus(state))
    return render(
        request, "bulletins.html", user=user, bulletins=session.scalars(query).all(), state=state,
        labels=BULLETIN_STATUS_LABELS,
    )  # fmt: skip


def _detail(
    request: Request,
    session: Session,
    user: User,
    bulletin_id: int,
    code: int = 200,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    bulletin = _bulletin(session, bulletin_id)
    first_airing = session.scalar(select(func.min(Broadcast.planned_at)).where(Broadcast.bulletin_id == bulletin.id))
    return render(
        request, "bulletin.html", code, user=user, bulletin=bulletin, labels=BULLETIN_STATUS_LABELS,
        priority_names=PRIORITY_NAMES, topics=TOPIC_LABELS, first_airing=first_airing, errors=errors or {},
        person=lambda who: (f"{who.full_name} ({who.username})" if who.full_name else who.username) if who else "—",
    )  # fmt: skip


@router.get("/bulletins/{bulletin_id}")
def bulletin_page(request: Request, bulletin_id: RowId, session: SessionDep, user: PageUser) -> Response:
    return _detail(request, session, user, bulletin_id)


def _after(request: Request, bulletin_id: RowId, flash: str) -> RedirectResponse:
    request.session["flash"] = flash
    return RedirectResponse(f"/bulletins/{bulletin_id}", status_code=status.HTTP_303_SEE_OTHER)


def _refused(request: Request, session: Session, user: User, bulletin_id: RowId, refusal: Refusal) -> HTMLResponse:
    session.rollback()
    return _detail(request, session, user, bulletin_id, 422, refusal.errors)


@router.post("/bulletins/{bulletin_id}/approve")
async def approve_submit(
    request: Request, bulletin_id: RowId, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep,
    user: PageApprover,
) -> Response:  # fmt: skip
    _bulletin(session, bulletin_id)
    heard = str((await request.form()).get("sha256", ""))
    try:
        bulletin = scheduler.approve(bulletin_id, user.id, heard)
    except Refusal as refusal:
        return _refused(request, session, user, bulletin_id, refusal)
    audit(request, session, user, "bulletin.approve", f"#{bulletin_id} “{bulletin.title}” audio {heard}")
    return _after(request, bulletin_id, f"Đã duyệt. {_flash_for(bulletin, settings.tz)}")


DECIDED = {"return": "Đã trả lại bản tin cho người soạn.", "review": "Đã ghi nhận việc xem xét bản tin khẩn cấp."}


@router.post("/bulletins/{bulletin_id}/{decision}")
async def decide_submit(
    request: Request, bulletin_id: RowId, decision: NoteDecision, session: SessionDep, user: PageApprover
) -> Response:
    bulletin = _bulletin(session, bulletin_id)
    note = str((await request.form()).get("note", ""))
    try:
        decide_with_note(decision, bulletin, user, note, datetime.now(UTC))
    except Refusal as refusal:
        return _refused(request, session, user, bulletin_id, refusal)
    audit(request, session, user, f"bulletin.{decision}", f"#{bulletin_id} “{bulletin.title}”: {note}")
    return _after(request, bulletin_id, DECIDED[decision])
