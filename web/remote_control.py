"""Remote control of speaker agents: the API (`POST /api/speakers/{id}/commands`, `POST /api/zones/{slug}/commands`)
and the fleet page's forms. Each command is recorded in the audit trail with the speakers it reached; a test
tone or restart also gets a row per speaker that the agent's acknowledgement completes (web/agents.py)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radio.accounts import record
from radio.errors import Refusal
from radio.remote_control import (
    Command,
    NotFound,
    Targeted,
    apply_desired,
    audit_detail,
    mark_offline,
    open_commands,
    parse_command,
    speakers_of_speaker,
    speakers_of_zone,
    summary,
)
from radio.station import Station
from radio.storage.models import User
from web.agents import agent_links
from web.api import refusal
from web.csrf import require_csrf
from web.deps import ApiController, PageController, remote_of
from web.validation import RowId

log = logging.getLogger(__name__)
api_router = APIRouter(prefix="/api", tags=["speakers"], dependencies=[Depends(require_csrf)])
page_router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])

BAD_JSON = 'Nội dung phải là JSON, ví dụ {"command": "volume", "value": 50}.'


def _aim(
    station: Station, command: Command, user_id: int, speaker_id: int | None, slug: str | None
) -> tuple[str, list[Targeted], dict[int, int]]:
    """The speakers aimed at, with volume and mute stored on their rows, and the rows of a one-off command awaiting
    each agent's acknowledgement (NotFound: no such speaker or village)."""
    with station.sessions.begin() as session:
        if speaker_id is not None:
            speakers = speakers_of_speaker(session, speaker_id)
            target = f"speaker #{speaker_id} {speakers[0].name} ({speakers[0].zone.slug})"
        else:
            zone, speakers = speakers_of_zone(session, str(slug))
            target = f"village {zone.slug}"
        apply_desired(speakers, command)
        command_ids = open_commands(session, [speaker.id for speaker in speakers], command, user_id)
        return target, [Targeted.of(speaker) for speaker in speakers], command_ids


async def _deliver(
    request: Request, command: Command, targets: list[Targeted], command_ids: dict[int, int]
) -> tuple[list[Targeted], list[Targeted]]:
    """Send to every open connection of each speaker; (reached, offline)."""
    links = agent_links(request.app)
    reached, offline = [], []
    for target in targets:
        message = target.message(command, command_ids.get(target.id))
        sent = False
        for link in list(links.get(target.id, ())):
            try:
                async with link.control_lock:
                    if message is not None:
                        await link.send(message)
                sent = True
            except Exception as error:  # a connection closing under us: that one did not get it
                log.warning("speaker %d: %s not sent: %s", target.id, command.name, error)
        (reached if sent else offline).append(target)
    return reached, offline


def _mark_offline(station: Station, command_ids: list[int]) -> None:
    with station.sessions.begin() as session:
        mark_offline(session, command_ids)


def _audit(station: Station, user_id: int, action: str, detail: str, remote: str) -> None:
    with station.sessions.begin() as session:
        record(session, action, detail, user=session.get_one(User, user_id), remote=remote)


def _speaker_out(target: Targeted) -> dict[str, Any]:
    return {"id": target.id, "name": target.name, "village": target.village}


async def _run(
    request: Request, user_id: int, raw_command: object, raw_value: object,
    speaker_id: int | None = None, slug: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Parse, store, send and audit one command; Refusal (bad input) or NotFound."""
    command = parse_command(raw_command, raw_value)
    station: Station = request.app.state.station
    target, targets, command_ids = await run_in_threadpool(_aim, station, command, user_id, speaker_id, slug)
    reached, offline = await _deliver(request, command, targets, command_ids)
    if unsent := [command_ids[t.id] for t in offline if t.id in command_ids]:
        await run_in_threadpool(_mark_offline, station, unsent)
    detail = audit_detail(command, target, reached, offline)
    await run_in_threadpool(_audit, station, user_id, f"speaker.{command.name}", detail, remote_of(request))
    log.info("remote control by user %d: %s", user_id, detail)
    return {
        "command": command.name, "value": command.value,
        "reached": [_speaker_out(t) for t in reached], "offline": [_speaker_out(t) for t in offline],
        "offline_gets_it_on_reconnect": command.name in ("volume", "mute", "unmute"),
        "message": summary(command, reached, offline),
    }  # fmt: skip


async def _api(request: Request, user_id: int, speaker_id: int | None = None, slug: str | None = None) -> Response:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return refusal({"body": BAD_JSON})
    try:
        result = await _run(request, user_id, body.get("command"), body.get("value"), speaker_id, slug)
    except Refusal as error:
        return refusal(error.errors)
    except NotFound as error:
        return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(error)})
    return JSONResponse(status_code=status.HTTP_202_ACCEPTED, content=result)


COMMAND_BODY = {
    "content": {"application/json": {"example": {"command": "volume", "value": 50}}},
    "description": 'command: "volume" (value 0-100), "mute", "unmute", "test_tone" or "restart"',
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Sent: `reached` got it now; `offline` get volume and mute when they reconnect, "
          "and never get a test tone or a restart"},
    404: {"description": "No such agent speaker or village"},
    422: {"description": "Unknown command or volume outside 0-100 (message in Vietnamese)"},
}  # fmt: skip


@api_router.post("/speakers/{speaker_id}/commands", status_code=202, responses=RESPONSES,
                 openapi_extra={"requestBody": COMMAND_BODY})  # fmt: skip
async def speaker_command(speaker_id: RowId, request: Request, user: ApiController) -> Response:
    """Volume, mute, unmute, test tone or restart for one speaker agent."""
    return await _api(request, user.id, speaker_id=speaker_id)


@api_router.post("/zones/{slug}/commands", status_code=202, responses=RESPONSES,
                 openapi_extra={"requestBody": COMMAND_BODY})  # fmt: skip
async def zone_command(slug: str, request: Request, user: ApiController) -> Response:
    """The same for every speaker agent of a village (revoked ones excepted)."""
    return await _api(request, user.id, slug=slug)


async def _form(request: Request, user_id: int, speaker_id: int | None = None, slug: str | None = None) -> Response:
    form = await request.form()
    try:
        result = await _run(request, user_id, form.get("command"), form.get("value"), speaker_id, slug)
        request.session["flash"] = result["message"]
    except Refusal as error:
        request.session["flash"] = " ".join(error.errors.values())
    except NotFound as error:
        request.session["flash"] = str(error)
    return RedirectResponse("/fleet", status_code=status.HTTP_303_SEE_OTHER)


@page_router.post("/fleet/speakers/{speaker_id}/commands")
async def speaker_command_form(speaker_id: RowId, request: Request, user: PageController) -> Response:
    return await _form(request, user.id, speaker_id=speaker_id)


@page_router.post("/fleet/zones/{slug}/commands")
async def zone_command_form(slug: str, request: Request, user: PageController) -> Response:
    return await _form(request, user.id, slug=slug)
