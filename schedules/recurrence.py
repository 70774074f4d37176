"""Occurrences of a programme: RFC 5545 RRULEs (python-dateutil) evaluated in the commune's timezone.

Rules are expanded on local wall-clock times and only then given the zone, so "05:00 every day"
stays 05:00 whatever the server's own timezone is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RecurrenceError(ValueError):
    pass


class SubDailyRule(RecurrenceError):
    """A rule that repeats within a day: a programme airs once a day at its start time, and expanding
    "every second" over the planning horizon would stall the station."""


SUB_DAILY = re.compile(r"FREQ=(HOURLY|MINUTELY|SECONDLY)|BY(HOUR|MINUTE|SECOND)=", re.IGNORECASE)


@dataclass(frozen=True)
class Recurrence:
    """When a programme airs: once at `one_off_at`, or at `start_time` on the days `rrule` names."""

    one_off_at: datetime | None = None
    start_time: time | None = None
    rrule: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    skip_dates: frozenset[date] = field(default_factory=frozenset)

    def occurrences(self, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
        """Instants (UTC) in [start, end) at which the programme begins."""
        if self.one_off_at is not None:
            return [self.one_off_at] if start <= self.one_off_at < end else []
        if self.start_time is None or not self.rrule:
            raise RecurrenceError("a recurring programme needs a start time and a rule")
        first_day = self.valid_from or start.astimezone(tz).date() - timedelta(days=1)
        rule = parse_rrule(self.rrule, datetime.combine(first_day, self.start_time))
        local_start = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        local_end = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
        instants = []
        for local in rule.between(local_start, local_end, inc=True):
            if local.date() in self.skip_dates or (self.valid_until and local.date() > self.valid_until):
                continue
            instant = local.replace(tzinfo=tz).astimezone(UTC)
            if start <= instant < end:
                instants.append(instant)
        return instants


def parse_rrule(text: str, dtstart: datetime):  # noqa: ANN201 - dateutil's rrule has no public type
    body = text.strip().removeprefix("RRULE:")
    try:
        return rrulestr(body, dtstart=dtstart)
    except (ValueError, TypeError) as error:
        raise RecurrenceError(f"invalid RRULE {text!r}: {error}") from error


def require_whole_days(text: str) -> None:
    """Checked when a programme is entered (rules already stored keep planning as they did)."""
    if SUB_DAILY.search(text):
        raise SubDailyRule(
            "Quy tắc lặp chỉ chọn ngày phát (FREQ=DAILY, WEEKLY, MONTHLY hoặc YEARLY); giờ phát là giờ bắt đầu."
        )


def daily_rule() -> str:
    return "FREQ=DAILY"


def weekly_rule(iso_weekdays: list[int]) -> str:
    """'Monday to Saturday' is [1, 2, 3, 4, 5, 6] (ISO numbering, Monday = 1)."""
    if not iso_weekdays or any(not 1 <= day <= 7 for day in iso_weekdays):
        raise RecurrenceError(f"weekdays must be ISO numbers 1-7, got {iso_weekdays}")
    return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAY_CODES[day - 1] for day in sorted(set(iso_weekdays)))


def parse_skip_dates(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())
