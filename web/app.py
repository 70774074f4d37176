"""Application factory: builds the station and scheduler for one Settings and serves them."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from radio import station_lock
from radio.config import Settings
from radio.station import Station
from schedules.air_scheduler import AirScheduler
from web import (
    agents,
    api,
    api_bulletins,
    api_programmes,
    audit_trail,
    live,
    pages,
    pages_accounts,
    pages_bulletins,
    pages_programmes,
    pages_reports,
    pages_rules,
    pages_villages,
    pages_voices,
    remote_control,
    retention_job,
    speaker_tokens,
    streams,
    validation,
)
from web.deps import LoginRequired, PasswordChangeRequired

log = logging.getLogger(__name__)


def _announce_first_login(username: str, password: str) -> None:
    """Printed once, on the run that creates the database: the only place the password appears."""
    print(
        "\n==============================================\n"
        f" First run: log in as '{username}' with password '{password}'\n"
        "==============================================\n",
        flush=True,
    )


class _HideTokens(logging.Filter):
    """Stream URLs carry a speaker's token (?token=…); the access log must not hand it to whoever reads logs."""

    _TOKEN = re.compile(r"(token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._TOKEN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


async def _to_login(_request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


async def _to_password(_request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/account/password", status_code=303)


def create_app(settings: Settings) -> FastAPI:
    station = Station(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logging.getLogger("uvicorn.access").addFilter(_HideTokens())  # after uvicorn has configured its loggers
        lock = station_lock.hold(settings.data_dir)  # StationRunning: refuse to start a second station here
        first_login = station.prepare_database()
        if first_login:
            _announce_first_login(first_login.username, first_login.password)
        station.start()
        scheduler = AirScheduler(station)
        scheduler.start()
        app.state.scheduler = scheduler
        log.info("serving on http://%s:%d", settings.host, settings.port)
        try:
            yield
        finally:
            scheduler.stop()
            station.stop()
            lock.release()

    app = FastAPI(title="Đài truyền thanh xã", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.station = station
    app.add_middleware(
        SessionMiddleware, secret_key=settings.secret_key(), same_site="lax", max_age=12 * 3600,
        https_only=settings.cookie_secure,
    )  # fmt: skip
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.add_exception_handler(LoginRequired, _to_login)
    validation.install(app)
    app.add_exception_handler(PasswordChangeRequired, _to_password)
    app.add_exception_handler(StarletteHTTPException, pages.page_errors)
    app.include_router(api.auth_router)
    app.include_router(api.router)
    app.include_router(api_bulletins.router)
    app.include_router(api_programmes.router)
    app.include_router(streams.router)
    app.include_router(pages.router)
    app.include_router(pages_bulletins.router)
    app.include_router(pages_accounts.router)
    app.include_router(pages_accounts.api_router)
    app.include_router(pages_programmes.router)
    app.include_router(pages_voices.router)
    app.include_router(pages_rules.router)
    app.include_router(pages_villages.router)
    app.include_router(audit_trail.router)
    app.include_router(pages_reports.router)
    app.include_router(retention_job.router)
    app.include_router(agents.router)
    app.include_router(remote_control.api_router)
    app.include_router(remote_control.page_router)
    app.include_router(speaker_tokens.api_router)
    app.include_router(speaker_tokens.page_router)
    app.include_router(live.page_router)
    app.include_router(live.api_router)
    return app
