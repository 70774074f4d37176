"""Conversions between what officials type and see (commune-local time) and what is stored (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def as_utc(moment: datetime, tz: ZoneInfo) -> datetime:
    """A time without a zone was typed in the commune: attach the commune's zone, then convert."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def local_text(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M:%S %d/%m/%Y") if moment else ""
