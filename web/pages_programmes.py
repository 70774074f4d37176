"""Programme pages: the list, the create/edit/clone form (with the morning template), audio upload,
and the week calendar of a village."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from radio.audio_upload import UploadRefused, store_upload
from radio.errors import Refusal
from radio.storage.models import AudioAsset, Broadcast, Bulletin, Programme, ProgrammeStatus, Zone
from schedules.programmes import morning_template
from web.csrf import require_csrf
from web.deps import PageProgrammer, PageUser, SchedulerDep, SessionDep, SettingsDep, audit
from web.pages import PRIORITY_LABELS, render
from web.programme_form import (
    KIND_LABELS,
    WEEKDAY_LABELS,
    empty_form,
    form_of,
    read_form,
    rule_label,
    spec_from_form,
)
from web.validation import RowId

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])


def _form_context(session: Session, form: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {
        "form": form, "errors": {}, "zones": session.scalars(select(Zone).order_by(Zone.position)).all(),
        "bulletins": session.scalars(select(Bulletin).order_by(Bulletin.id.desc()).limit(100)).all(),
        "audio_files": session.scalars(
            select(AudioAsset).where(AudioAsset.render_key.is_(None)).order_by(AudioAsset.id.desc()).limit(100)
        ).all(),
        "kinds": KIND_LABELS, "weekday_labels": WEEKDAY_LABELS, "priorities": PRIORITY_LABELS, **values,
    }  # fmt: skip


def _programme(session: Session, programme_id: int) -> Programme | None:
    return session.scalar(
        select(Programme)
        .where(Programme.id == programme_id)
        .options(selectinload(Programme.zones), selectinload(Programme.items))
    )


@router.get("/programmes")
def programmes_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    programmes = session.scalars(
        select(Programme)
        .where(Programme.status == ProgrammeStatus.active, Programme.one_off_at.is_(None))
        .options(selectinload(Programme.zones), selectinload(Programme.items))
        .order_by(Programme.start_time, Programme.id)
    ).all()
    context = {"programmes": programmes, "priorities": PRIORITY_LABELS, "rule_label": rule_label}
    return render(request, "programmes.html", user=user, **context)


@router.get("/programmes/new")
def new_programme_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: PageProgrammer,
    template: str = "", clone: RowId | None = None,
) -> HTMLResponse:  # fmt: skip
    form = empty_form()
    if template == "morning":
        form.update(title="Buổi sáng: VOV → huyện → xã", zones=list(session.scalars(select(Zone.slug))))
        items = morning_template(settings.relay_national_url, settings.relay_district_url)
        for row, item in zip(form["items"], items, strict=False):
            row.update(kind=item.kind.value, ref=item.relay_url or "", value=f"{item.minutes or ''}", title=item.title)
    elif clone and (original := _programme(session, clone)):
        form = form_of(original, settings.tz)
        form["title"] += " (bản sao)"
    return render(request, "programme_form.html", user=user, action="/programmes/new", **_form_context(session, form))


@router.post("/programmes/new")
async def create_programme(
    request: Request, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep, user: PageProgrammer
) -> Response:
    form = read_form(await request.form())
    try:
        programme_id = scheduler.add(spec_from_form(form, settings.tz), user.id)
    except Refusal as error:
        context = _form_context(session, form, errors=error.errors)
        return render(request, "programme_form.html", 422, user=user, action="/programmes/new", **context)
    audit(request, session, user, "programme.create", f"#{programme_id} “{form['title']}”")
    request.session["flash"] = f"Đã tạo chương trình “{form['title']}” và lên lịch các lượt phát."
    return RedirectResponse("/programmes", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/programmes/{programme_id}/edit")
def edit_programme_page(
    programme_id: RowId, request: Request, session: SessionDep, settings: SettingsDep, user: PageProgrammer
) -> Response:
    programme = _programme(session, programme_id)
    if programme is None:
        return RedirectResponse("/programmes", status_code=status.HTTP_303_SEE_OTHER)
    context = _form_context(session, form_of(programme, settings.tz))
    return render(request, "programme_form.html", user=user, action=f"/programmes/{programme_id}/edit", **context)


@router.post("/programmes/{programme_id}/edit")
async def edit_programme(
    programme_id: RowId, request: Request, session: SessionDep, settings: SettingsDep, scheduler: SchedulerDep,
    user: PageProgrammer,
) -> Response:  # fmt: skip
    form = read_form(await request.form())
    try:
        scheduler.edit(programme_id, spec_from_form(form, settings.tz), user.id)
    except Refusal as error:
        context = _form_context(session, form, errors=error.errors)
        action = f"/programmes/{programme_id}/edit"
        return render(request, "programme_form.html", 422, user=user, action=action, **context)
    audit(request, session, user, "programme.edit", f"#{programme_id} “{form['title']}”")
    request.session["flash"] = f"Đã sửa chương trình “{form['title']}”; các lượt phát sắp tới đã được lập lại."
    return RedirectResponse("/programmes", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/programmes/{programme_id}/cancel")
def cancel_programme(
    programme_id: RowId, request: Request, session: SessionDep, scheduler: SchedulerDep, user: PageProgrammer
) -> Response:
    if _programme(session, programme_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có chương trình này.")
    count = scheduler.cancel(programme_id)
    audit(request, session, user, "programme.cancel", f"#{programme_id}, {count} planned airings called off")
    request.session["flash"] = f"Đã hủy chương trình và {count} lượt phát sắp tới."
    return RedirectResponse("/programmes", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/audio/upload")
async def upload_audio(
    request: Request, file: UploadFile, session: SessionDep, settings: SettingsDep, user: PageProgrammer
) -> Response:
    try:
        asset = await store_upload(session, settings, file)
        session.commit()
        audit(request, session, user, "audio.upload", f"{file.filename} → {asset.sha256}")
        request.session["flash"] = f"Đã tải lên “{file.filename}” ({asset.duration_s:.0f} giây)."
    except UploadRefused as error:
        request.session["flash"] = error.message
    return RedirectResponse("/programmes/new", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/calendar")
def calendar_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: PageUser, zone: str = "", week: str = ""
) -> HTMLResponse:
    zones = session.scalars(select(Zone).order_by(Zone.position)).all()
    selected = next((z for z in zones if z.slug == zone), zones[0])
    today = datetime.now(settings.tz).date()
    try:
        first = date.fromisoformat(week) if week else today - timedelta(days=today.weekday())
    except ValueError:
        first = today - timedelta(days=today.weekday())
    start = datetime.combine(first, time(0), settings.tz)
    rows = session.scalars(
        select(Broadcast)
        .where(Broadcast.zone_id == selected.id, Broadcast.planned_at >= start,
               Broadcast.planned_at < start + timedelta(days=7))
        .order_by(Broadcast.planned_at, Broadcast.id)
    ).all()  # fmt: skip
    days = [(first + timedelta(days=n), []) for n in range(7)]
    for row in rows:
        days[(row.planned_at.astimezone(settings.tz).date() - first).days][1].append(row)
    return render(
        request, "calendar.html", user=user, zones=zones, selected=selected, days=days, today=today,
        previous=(first - timedelta(days=7)).isoformat(), next=(first + timedelta(days=7)).isoformat(),
        weekday_labels=WEEKDAY_LABELS, tz=settings.tz,
    )  # fmt: skip
