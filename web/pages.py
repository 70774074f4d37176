"""Server-rendered pages in Vietnamese; they work without JavaScript on a cheap phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from radio.accounts import authenticate
from radio.approval import waiting_counts
from radio.dashboard import problem_broadcasts, upcoming_broadcasts, village_statuses
from radio.errors import Refusal
from radio.evidence import KIND_LABELS, STATUS_LABELS, clock, note_label, receipt_label, recent_broadcasts
from radio.fleet import fleet
from radio.roles import ROLE_LABELS, Permission, can
from web.csrf import csrf_token, require_csrf
from web.deps import PageUser, SessionDep, SettingsDep, StationDep, agents_online, audit
from web.timefmt import local_text

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
    context["clock"] = lambda moment: clock(moment, settings.tz)
    context["receipt_label"] = receipt_label
    context["csrf"] = csrf_token(request)
    user = context.get("user")  # menus and buttons follow the same matrix the routes enforce
    context["can"] = lambda permission: user is not None and can(user, Permission(permission))
    if user is not None and can(user, Permission.approve):  # an approver learns of waiting work on every page
        with request.app.state.station.sessions() as session:
            context["waiting"] = waiting_counts(session)
    context["role_label"] = lambda role: ROLE_LABELS.get(role, role)
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


@router.get("/log")
def log_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return render(request, "log.html", user=user, broadcasts=recent_broadcasts(session, until=datetime.now(UTC)))


ERROR_TITLES = {403: "Không có quyền", 404: "Không tìm thấy"}
_STARLETTE_DETAILS = {"Not Found": "Không có trang này. Hãy kiểm tra lại địa chỉ."}  # unknown URLs


async def page_errors(request: Request, error: Exception) -> Response:
    """Refusals on pages come back as a page in Vietnamese with a way back; the API keeps JSON."""
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith("/api") or error.status_code not in ERROR_TITLES:
        return await http_exception_handler(request, error)
    user = getattr(request.state, "user", None)
    return render(
        request, "error.html", error.status_code, user=user, title=ERROR_TITLES[error.status_code],
        detail=_STARLETTE_DETAILS.get(error.detail, error.detail),
    )  # fmt: skip
