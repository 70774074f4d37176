"""Page "Thôn, xóm" (quản trị): the commune's villages; a village added here is on the air at once."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.storage.models import User, Zone
from radio.villages import VillageError, add_village, rename_village
from web.csrf import require_csrf
from web.deps import PageSettings, SessionDep, StationDep, audit
from web.pages import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])


def _page(request: Request, session: Session, user: User, code: int = 200, **values: object) -> HTMLResponse:
    values.setdefault("error", None)
    zones = session.scalars(select(Zone).order_by(Zone.position)).all()
    return render(request, "villages.html", code, user=user, zones=zones, **values)


@router.get("/villages")
def villages_page(request: Request, session: SessionDep, user: PageSettings) -> HTMLResponse:
    return _page(request, session, user)


@router.post("/villages")
async def add_village_submit(
    request: Request, session: SessionDep, station: StationDep, user: PageSettings
) -> Response:
    form = await request.form()
    name, slug = str(form.get("name", "")), str(form.get("slug", "")).strip() or None
    try:
        zone = add_village(session, name, slug)
    except VillageError as error:
        session.rollback()
        return _page(request, session, user, 422, error=error.vietnamese, form={"name": name, "slug": slug or ""})
    audit(request, session, user, "village.add", f"{zone.slug} ({zone.name})")
    station.open_village(zone.slug, zone.name)
    request.session["flash"] = f"Đã thêm {zone.name}; luồng phát /zones/{zone.slug}/live.mp3 đã mở."
    return RedirectResponse("/villages", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/villages/{slug}")
async def rename_village_submit(request: Request, slug: str, session: SessionDep, user: PageSettings) -> Response:
    name = str((await request.form()).get("name", ""))
    try:
        zone = rename_village(session, slug, name)
    except VillageError as error:
        session.rollback()
        return _page(request, session, user, 422, error=error.vietnamese)
    audit(request, session, user, "village.rename", f"{zone.slug} → {zone.name}")
    request.session["flash"] = f"Đã đổi tên thành “{zone.name}”."
    return RedirectResponse("/villages", status_code=status.HTTP_303_SEE_OTHER)
