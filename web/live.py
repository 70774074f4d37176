"""Phát trực tiếp: the page, the WebSocket that carries the officer's microphone, and relaying a stream now.

WebSocket protocol (`/live/ws`, same origin, session cookie): the browser sends
`{"type": "start", "zones": [...], "csrf_token": ...}`, is answered `{"type": "on_air", ...}` or
`{"type": "refused", "message": ...}`, then sends binary WebM/Opus chunks as MediaRecorder hands them over,
and `{"type": "stop"}` to end (answered `{"type": "ended", ...}`). A browser that disconnects, or sends
nothing for SILENT_S, ends the session too; either way the evidence is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.concurrency import run_in_threadpool

from radio.errors import Refusal
from radio.live import LiveHub, LiveResult, LiveSessionRunner, start_live
from radio.roles import PERMISSION_REFUSED, Permission, can
from radio.station import Station
from radio.storage.models import ItemKind, LiveSession, User, Zone
from schedules.programmes import ItemSpec, ProgrammeSpec
from web.api import refusal
from web.csrf import SESSION_KEY, require_csrf
from web.deps import SchedulerDep, SessionDep, SettingsDep, api_permit, audit, page_permit
from web.pages import render

log = logging.getLogger(__name__)
page_router = APIRouter(include_in_schema=False)  # no router-wide CSRF check: the WebSocket checks its own
api_router = APIRouter(prefix="/api", tags=["live"], dependencies=[Depends(require_csrf)])

PageLive = Annotated[User, Depends(page_permit(Permission.live))]
ApiLive = Annotated[User, Depends(api_permit(Permission.live))]

SILENT_S = 10.0  # no audio for this long (a frozen tab, a dead link): the session ends
START_TIMEOUT_S = 30.0
POLICY_VIOLATION = status.WS_1008_POLICY_VIOLATION
NOT_LOGGED_IN = "Chưa đăng nhập."
BAD_START = "Yêu cầu không hợp lệ. Hãy tải lại trang rồi thử lại."
REASONS = {"stopped": "Kết thúc", "disconnected": "Mất kết nối", "silent": "Không nhận được âm thanh"}


def live_hub(app: Any) -> LiveHub:
    """The process's live sessions and agent subscriptions (agents' links subscribe here)."""
    if not hasattr(app.state, "live_hub"):
        app.state.live_hub = LiveHub()
    return app.state.live_hub


def _recent(session: Any, limit: int = 20) -> list[LiveSession]:
    return list(
        session.scalars(
            select(LiveSession)
            .options(selectinload(LiveSession.broadcasts), selectinload(LiveSession.started_by))
            .order_by(LiveSession.id.desc())
            .limit(limit)
        )
    )


@page_router.get("/live")
def live_page(request: Request, session: SessionDep, settings: SettingsDep, user: PageLive) -> HTMLResponse:
    zones = list(session.scalars(select(Zone).order_by(Zone.position)))
    on_air = set(live_hub(request.app).sessions)
    relay_urls = [url for url in (settings.relay_national_url, settings.relay_district_url) if url]
    form, errors = request.session.pop("relay_form", {}), request.session.pop("relay_errors", {})
    return render(
        request, "live.html", user=user, zones=zones, on_air=on_air, recent=_recent(session), reasons=REASONS,
        relay_urls=relay_urls, form=form, errors=errors,
    )  # fmt: skip


def _relay_spec(zone_slugs: list[str], url: str, minutes: object) -> ProgrammeSpec:
    """A one-off programme of one relay item, now: the same item (and checks) as in a programme."""
    try:
        length = float(str(minutes).replace(",", "."))
    except ValueError:
        length = 0.0
    item = ItemSpec(ItemKind.relay, relay_url=url.strip(), minutes=length, title="")
    return ProgrammeSpec(title="Tiếp sóng ngay", zone_slugs=zone_slugs, items=[item], one_off_at=datetime.now(UTC))


@page_router.post("/live/relay", dependencies=[Depends(require_csrf)])
async def relay_form(request: Request, session: SessionDep, scheduler: SchedulerDep, user: PageLive) -> Response:
    form = await request.form()
    slugs = [str(slug) for slug in form.getlist("zones")]
    if form.get("all_zones"):
        slugs = list(session.scalars(select(Zone.slug).order_by(Zone.position)))
    url, minutes = str(form.get("url", "")), form.get("minutes", "")
    try:
        programme_id = await run_in_threadpool(scheduler.add, _relay_spec(slugs, url, minutes), user.id)
    except Refusal as error:
        request.session["relay_errors"] = error.errors
        request.session["relay_form"] = {"zones": slugs, "url": url, "minutes": str(minutes)}
        return RedirectResponse("/live", status_code=status.HTTP_303_SEE_OTHER)
    audit(request, session, user, "live.relay", f"programme #{programme_id}: {url} for {minutes} min to {slugs}")
    request.session["flash"] = f"Đã tiếp sóng {url} trong {minutes} phút tới {len(slugs)} thôn, xóm."
    return RedirectResponse("/live", status_code=status.HTTP_303_SEE_OTHER)


@api_router.post("/live/relay", status_code=201)
async def relay_api(request: Request, session: SessionDep, scheduler: SchedulerDep, user: ApiLive) -> Response:
    """Relay a stream to villages now for N minutes: `{"zones": ["thon-dong"], "url": "http://…", "minutes": 10}`.
    Answers the one-off programme it made (its airing is in the as-run log like any relay)."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("zones"), list):
        return refusal(
            {"body": 'Nội dung phải là JSON, ví dụ {"zones": ["thon-dong"], "url": "http://…", "minutes": 10}.'}
        )
    slugs, url = [str(slug) for slug in body["zones"]], str(body.get("url") or "")
    try:
        programme_id = await run_in_threadpool(scheduler.add, _relay_spec(slugs, url, body.get("minutes")), user.id)
    except Refusal as error:
        return refusal(error.errors)
    audit(request, session, user, "live.relay", f"programme #{programme_id}: {url} for {body.get('minutes')} min")
    return JSONResponse(status_code=status.HTTP_201_CREATED, content={"programme_id": programme_id})


def _live_user(station: Station, user_id: object) -> tuple[int | None, str]:
    """(user id, refusal): the WebSocket checks the session itself, as `page_permit(Permission.live)` would."""
    if not isinstance(user_id, int):
        return None, NOT_LOGGED_IN
    with station.sessions() as session:
        user = session.get(User, user_id)
        if user is None or user.disabled:
            return None, NOT_LOGGED_IN
        if user.must_change_password or not can(user, Permission.live):
            return None, PERMISSION_REFUSED
        return user.id, ""


def _same_origin(websocket: WebSocket) -> bool:
    """Browsers send Origin on every WebSocket handshake; another site's page must not open ours."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


async def _refuse(websocket: WebSocket, message: str) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.send_json({"type": "refused", "message": message})
        await websocket.close(code=POLICY_VIOLATION, reason="refused")


@page_router.websocket("/live/ws")
async def live_socket(websocket: WebSocket) -> None:
    """Guarded here, not by a dependency: logged in, Permission.live, same origin, and the session's CSRF token
    in the first message."""
    await websocket.accept()
    station: Station = websocket.app.state.station
    user_id, refused = await run_in_threadpool(_live_user, station, websocket.session.get("user_id"))
    if user_id is None or not _same_origin(websocket):
        await _refuse(websocket, refused or BAD_START)
        return
    try:
        start = json.loads(await asyncio.wait_for(websocket.receive_text(), timeout=START_TIMEOUT_S))
        expected = websocket.session.get(SESSION_KEY) or ""
        if start.get("type") != "start" or not hmac.compare_digest(expected, str(start.get("csrf_token", ""))):
            raise ValueError("bad start")
        slugs = [str(slug) for slug in start.get("zones") or []]
    except (TimeoutError, ValueError, AttributeError, WebSocketDisconnect):
        await _refuse(websocket, BAD_START)
        return
    hub = live_hub(websocket.app)
    remote = websocket.client.host if websocket.client else ""
    try:
        runner = await start_live(station, hub, user_id, slugs, remote)
    except Refusal as error:
        await _refuse(websocket, " ".join(error.errors.values()))
        return
    names = [village.name for village in runner.villages]
    await websocket.send_json({"type": "on_air", "live_id": runner.live_id, "villages": names})
    result = await _serve(websocket, runner)
    if result.reason != "disconnected":
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.send_json(
                {"type": "ended", "live_id": result.live_id, "seconds": round(result.seconds, 1),
                 "sha256": result.sha256, "reason": result.reason}
            )  # fmt: skip
            await websocket.close()


async def _serve(websocket: WebSocket, runner: LiveSessionRunner) -> LiveResult:
    """Feed the browser's audio to the session until it stops, goes away or goes silent; then finish it."""
    reason = "disconnected"
    try:
        while True:
            message = await asyncio.wait_for(websocket.receive(), timeout=SILENT_S)
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes"):
                await runner.feed(message["bytes"])
            elif _is_stop(message.get("text")):
                reason = "stopped"
                break
    except TimeoutError:
        reason = "silent"
    finally:
        result = await asyncio.shield(runner.finish(reason))
    return result


def _is_stop(text: str | None) -> bool:
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        return json.loads(text or "").get("type") == "stop"
    return False
