"""Recurrence on a controllable clock: every instant is given, nothing reads the real time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedules.recurrence import Recurrence, RecurrenceError, parse_skip_dates, weekly_rule

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 11, 23, tzinfo=HANOI)


def local(moments: list[datetime]) -> list[str]:
    return [m.astimezone(HANOI).strftime("%a %d %H:%M") for m in moments]


def test_monday_to_saturday_at_five_in_commune_time() -> None:
    rule = Recurrence(start_time=time(5, 0), rrule=weekly_rule([1, 2, 3, 4, 5, 6]))
    week = rule.occurrences(HANOI, MONDAY, MONDAY + timedelta(days=7))
    assert local(week) == [
        "Mon 23 05:00",
        "Tue 24 05:00",
        "Wed 25 05:00",
        "Thu 26 05:00",
        "Fri 27 05:00",
        "Sat 28 05:00",
    ]
    assert week[0] == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)  # stored in UTC


def test_validity_window_and_skipped_dates() -> None:
    rule = Recurrence(
        start_time=time(17, 0), rrule="FREQ=DAILY", valid_from=date(2026, 11, 25), valid_until=date(2026, 11, 28),
        skip_dates=parse_skip_dates("2026-11-27"),
    )  # fmt: skip
    assert local(rule.occurrences(HANOI, MONDAY, MONDAY + timedelta(days=14))) == [
        "Wed 25 17:00", "Thu 26 17:00", "Sat 28 17:00",
    ]  # fmt: skip


def test_rrule_for_the_first_monday_of_each_month() -> None:
    rule = Recurrence(start_time=time(19, 30), rrule="RRULE:FREQ=MONTHLY;BYDAY=1MO")
    found = rule.occurrences(HANOI, MONDAY, MONDAY + timedelta(days=70))
    assert [m.astimezone(HANOI).date() for m in found] == [date(2026, 12, 7), date(2027, 1, 4)]


def test_window_is_half_open_so_consecutive_windows_never_repeat_an_occurrence() -> None:
    rule = Recurrence(start_time=time(5, 0), rrule="FREQ=DAILY")
    boundary = datetime(2026, 11, 25, 5, 0, tzinfo=HANOI)
    first = rule.occurrences(HANOI, boundary - timedelta(days=1), boundary)
    second = rule.occurrences(HANOI, boundary, boundary + timedelta(days=1))
    assert boundary not in first and second[0] == boundary


def test_one_off() -> None:
    at = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert Recurrence(one_off_at=at).occurrences(HANOI, at, at + timedelta(seconds=1)) == [at]
    assert Recurrence(one_off_at=at).occurrences(HANOI, at + timedelta(seconds=1), at + timedelta(days=1)) == []


def test_bad_rules_are_refused() -> None:
    with pytest.raises(RecurrenceError):
        weekly_rule([])
    with pytest.raises(RecurrenceError):
        Recurrence(start_time=time(5), rrule="FREQ=SOMETIMES").occurrences(HANOI, MONDAY, MONDAY + timedelta(days=1))
