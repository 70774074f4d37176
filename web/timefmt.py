"""Conversions between what officials type and see (commune-local time) and what is stored (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

AnyDate = TypeVar("AnyDate", bound=date)
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years a commune schedules in; far from datetime's own limits


def check_year(moment: AnyDate) -> AnyDate:
    """ValueError (in Vietnamese) outside the years a commune schedules in: year 1 or 9999 cannot even be
    moved between timezones."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.")
    return moment


def as_utc(moment: datetime, tz: ZoneInfo) -> datetime:
    """A time without a zone was typed in the commune: attach the commune's zone, then convert.
    ValueError for a year outside the service years."""
    check_year(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def local_text(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M:%S %d/%m/%Y") if moment else ""
