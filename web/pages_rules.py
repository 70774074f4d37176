"""Airing rules page (giờ không phát, ngày phát, độ dài buổi phát, trần âm lượng): commune-wide and per village."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from radio.errors import Refusal
from radio.storage.models import Commune, User
from schedules.rules import RulesForm, programmes_breaking_rules, rules_form_of, save_rules
from web.csrf import require_csrf
from web.deps import PageSettings, SessionDep, StationDep, audit
from web.pages import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
FIELDS = ("quiet_hours", "weekdays", "max_session_minutes", "volume_limits")


def _page(request: Request, session: Session, user: User, code: int = 200, **values: object) -> HTMLResponse:
    commune = session.get_one(Commune, user.commune_id)
    values.setdefault("commune_form", rules_form_of(commune))
    values.setdefault("zone_forms", {zone.slug: rules_form_of(zone) for zone in commune.zones})
    values["breaking"] = programmes_breaking_rules(session, request.app.state.settings.tz, datetime.now(UTC))
    return render(
        request, "rules.html", code, user=user, zones=commune.zones, errors=values.pop("errors", {}), **values
    )


@router.get("/rules")
def rules_page(request: Request, session: SessionDep, user: PageSettings) -> HTMLResponse:
    return _page(request, session, user)


@router.post("/rules")
async def rules_submit(request: Request, session: SessionDep, station: StationDep, user: PageSettings) -> Response:
    raw = await request.form()
    commune = session.get_one(Commune, user.commune_id)

    def form_for(prefix: str) -> RulesForm:
        return RulesForm(**{name: str(raw.get(f"{prefix}.{name}", "")) for name in FIELDS})

    commune_form = form_for("commune")
    zone_forms = {zone.slug: form_for(zone.slug) for zone in commune.zones}
    try:
        save_rules(session, commune, commune_form, zone_forms)
    except Refusal as error:
        return _page(request, session, user, 422, commune_form=commune_form, zone_forms=zone_forms, errors=error.errors)
    session.commit()
    station.reload_volume_limits()
    changed = {
        key: vars(form) for key, form in [("commune", commune_form), *zone_forms.items()] if any(vars(form).values())
    }
    audit(request, session, user, "rules.save", str(changed))
    request.session["flash"] = "Đã lưu quy định phát; chương trình mới sẽ được kiểm tra theo quy định này."
    if breaking := programmes_breaking_rules(session, station.settings.tz, datetime.now(UTC)):
        request.session["flash"] += f" Có {len(breaking)} chương trình đã lên lịch trái quy định: xem bên dưới."
    return RedirectResponse("/rules", status_code=status.HTTP_303_SEE_OTHER)
