"""The audit trail page (quản trị): who did what, when, from where; recorded through `web.deps.audit`, shown in
Vietnamese (radio.audit_labels) with the stored codes kept beside."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from radio.accounts import audit_csv, audit_events
from web.deps import Auditor, SessionDep, SettingsDep
from web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/audit")
def audit_page(request: Request, session: SessionDep, settings: SettingsDep, user: Auditor) -> HTMLResponse:
    return render(request, "audit.html", user=user, events=audit_events(session, settings.tz, 500))


@router.get("/audit.csv")
def audit_export(session: SessionDep, settings: SettingsDep, _user: Auditor) -> Response:
    return Response(
        audit_csv(audit_events(session, settings.tz, 100_000), settings.tz), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="nhat-ky-thao-tac.csv"'},
    )  # fmt: skip
