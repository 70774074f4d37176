"""Runs the daily retention job for as long as the server runs (no routes: it only joins the app's lifespan).

Included after the app's own lifespan has prepared the database, so the first run sees the current schema.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from radio.retention import RetentionJob


@asynccontextmanager
async def _daily_retention(app: FastAPI) -> AsyncIterator[None]:
    job = RetentionJob(app.state.station.sessions, app.state.settings)
    job.start()
    try:
        yield
    finally:
        job.stop()


router = APIRouter(lifespan=_daily_retention)
