"""Airing rules a programme must respect in every village it targets: quiet hours, allowed weekdays,
longest session, and no overlap with another programme in the same village.

Emergencies (khẩn cấp) are exempt from all of them. Every refusal says why in Vietnamese and, for
overlaps, suggests the next free start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from radio.errors import Refusal
from radio.storage.models import Commune, Priority, Programme, ProgrammeStatus, Zone, programme_zones
from radio.volume import VolumeRuleError, parse_volume_limits
from schedules.recurrence import Recurrence, parse_skip_dates

CHECK_HORIZON = timedelta(days=62)  # two months of occurrences is enough to catch weekly and monthly clashes
WEEKDAY_NAMES = {1: "Thứ Hai", 2: "Thứ Ba", 3: "Thứ Tư", 4: "Thứ Năm", 5: "Thứ Sáu", 6: "Thứ Bảy", 7: "Chủ Nhật"}


class ProgrammeError(Refusal):
    """The programme breaks an airing rule."""


@dataclass(frozen=True)
class ZoneRules:
    quiet_start: time | None
    quiet_end: time | None
    weekdays: str
    max_session_minutes: int | None

    @classmethod
    def of(cls, zone: Zone, commune: Commune) -> ZoneRules:
        """A village's own rule where it has one, the commune's otherwise."""
        return cls(
            quiet_start=zone.quiet_start or commune.quiet_start,
            quiet_end=zone.quiet_end or commune.quiet_end,
            weekdays=zone.weekdays or commune.weekdays,
            max_session_minutes=zone.max_session_minutes or commune.max_session_minutes,
        )

    def in_quiet_hours(self, moment: time) -> bool:
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= moment < self.quiet_end
        return moment >= self.quiet_start or moment < self.quiet_end  # the usual case: across midnight

    def breaks(self, start: datetime, length: timedelta, tz: ZoneInfo) -> str | None:
        """Why a session of `length` from `start` may not air here, or None."""
        local_start, local_end = start.astimezone(tz), (start + length).astimezone(tz)
        when = local_start.strftime("%H:%M ngày %d/%m/%Y")
        if str(local_start.isoweekday()) not in self.weekdays:
            return f"{WEEKDAY_NAMES[local_start.isoweekday()]} không phải ngày được phát ({when})."
        if self.max_session_minutes and length > timedelta(minutes=self.max_session_minutes):
            minutes = length.total_seconds() / 60
            return f"Buổi phát dài {minutes:.0f} phút, vượt giới hạn {self.max_session_minutes} phút mỗi buổi."
        probe = local_start
        while probe < local_end or probe == local_start:  # minute steps: quiet hours are set in minutes
            if self.in_quiet_hours(probe.time()):
                quiet = f"{self.quiet_start:%H:%M}–{self.quiet_end:%H:%M}"
                return f"Lúc {probe:%H:%M ngày %d/%m/%Y} thuộc giờ không phát ({quiet})."
            probe += timedelta(minutes=1)
        return None


def recurrence_of(programme: Programme) -> Recurrence:
    return Recurrence(
        one_off_at=programme.one_off_at, start_time=programme.start_time, rrule=programme.rrule,
        valid_from=programme.valid_from, valid_until=programme.valid_until,
        skip_dates=parse_skip_dates(programme.skip_dates),
    )  # fmt: skip


def session_length(programme: Programme) -> timedelta:
    return timedelta(seconds=sum(item.duration_s for item in programme.items))


def _time_of_day_s(programme: Programme, tz: ZoneInfo) -> float:
    moment = programme.one_off_at.astimezone(tz).time() if programme.one_off_at else programme.start_time
    assert moment is not None
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _may_overlap(a: Programme, b: Programme, tz: ZoneInfo) -> bool:
    """Whether two programmes' sessions can meet on some day, judged on the 24-hour clock alone.

    A cheap test that spares expanding the recurrences of the thousands of programmes that air at
    other hours (a commune with many villages and years of programmes would otherwise wait seconds).
    """
    day = 24 * 3600
    gap = (_time_of_day_s(b, tz) - _time_of_day_s(a, tz)) % day
    return gap < session_length(a).total_seconds() or (day - gap) % day < session_length(b).total_seconds()


def _busy_intervals(
    session: Session,
    programme: Programme,
    zone: Zone,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    prefilter: bool = True,
) -> list[tuple[datetime, datetime, str]]:
    """Sessions of the village's other programmes in [start, end); `prefilter` skips those at other hours."""
    others = session.scalars(
        select(Programme)
        .join(programme_zones)
        .where(
            programme_zones.c.zone_id == zone.id,
            Programme.status == ProgrammeStatus.active,
            Programme.priority != Priority.emergency,
        )
        .options(selectinload(Programme.items))
    ).all()
    busy = []
    for other in others:
        if other.id == programme.id or (prefilter and not _may_overlap(programme, other, tz)):
            continue
        length = session_length(other)
        for at in recurrence_of(other).occurrences(tz, start - length, end):
            busy.append((at, at + length, other.title))
    return sorted(busy)


def _next_free_start(
    busy: list[tuple[datetime, datetime, str]], rules: ZoneRules, after: datetime, length: timedelta, tz: ZoneInfo
) -> datetime | None:
    """The earliest start from `after` (on the minute) where the session fits between the others."""
    candidate = after.replace(second=0, microsecond=0) + timedelta(minutes=1 if after.second else 0)
    for _ in range(3 * 24 * 60):  # three days of minutes at most
        clash = next((b for b in busy if b[0] < candidate + length and candidate < b[1]), None)
        if clash is None and rules.breaks(candidate, length, tz) is None:
            return candidate
        candidate = clash[1] if clash else candidate + timedelta(minutes=1)
        candidate = candidate.replace(second=0, microsecond=0) + timedelta(minutes=1 if candidate.second else 0)
    return None


def check_programme(session: Session, programme: Programme, tz: ZoneInfo, now: datetime) -> None:
    """Raise ProgrammeError if any occurrence in the next two months breaks a rule in any village."""
    if programme.priority == Priority.emergency:
        return
    length = session_length(programme)
    occurrences = recurrence_of(programme).occurrences(tz, now - length, now + CHECK_HORIZON)
    commune = session.get_one(Commune, programme.commune_id)
    for zone in programme.zones:
        rules = ZoneRules.of(zone, commune)
        for at in occurrences:
            if reason := rules.breaks(at, length, tz):
                message = f"{zone.name}: {reason}"
                nearby = _busy_intervals(session, programme, zone, tz, at - length, at + timedelta(days=3), False)
                if free := _next_free_start(nearby, rules, at, length, tz):
                    message += f" Khung giờ phù hợp gần nhất: {free.astimezone(tz):%H:%M ngày %d/%m/%Y}."
                raise ProgrammeError({"when": message})
        busy = _busy_intervals(session, programme, zone, tz, now - length, now + CHECK_HORIZON)
        for at in occurrences:
            clash = next((b for b in busy if b[0] < at + length and at < b[1]), None)
            if clash is None:
                continue
            begins, ends = clash[0].astimezone(tz), clash[1].astimezone(tz)
            message = (
                f"{zone.name}: trùng với chương trình “{clash[2]}” "
                f"({begins:%H:%M}–{ends:%H:%M} ngày {begins:%d/%m/%Y})."
            )
            # the free slot may lie at another hour, where the prefiltered list is blind: look again in full
            nearby = _busy_intervals(session, programme, zone, tz, at - length, at + timedelta(days=3), False)
            if free := _next_free_start(nearby, rules, at, length, tz):
                message += f" Khung giờ trống gần nhất: {free.astimezone(tz):%H:%M ngày %d/%m/%Y}."
            raise ProgrammeError({"when": message})


def programmes_breaking_rules(session: Session, tz: ZoneInfo, now: datetime) -> list[tuple[Programme, str]]:
    """Active programmes whose next two months break today's rules (rules changed after they were planned).

    They still air as planned: the officer decides whether to move or cancel them, so the page lists them.
    """
    found = []
    programmes = session.scalars(
        select(Programme).where(Programme.status == ProgrammeStatus.active, Programme.priority != Priority.emergency)
    )
    for programme in programmes:
        length = session_length(programme)
        occurrences = recurrence_of(programme).occurrences(tz, now, now + CHECK_HORIZON)
        commune = session.get_one(Commune, programme.commune_id)
        reason = next(
            (f"{zone.name}: {why}" for zone in programme.zones for at in occurrences
             if (why := ZoneRules.of(zone, commune).breaks(at, length, tz))),
            None,
        )  # fmt: skip
        if reason:
            found.append((programme, reason))
    return found


@dataclass(frozen=True)
class RulesForm:
    """Rules as an officer types them; empty strings mean "none" (commune) or "as the commune" (village)."""

    quiet_hours: str = ""
    weekdays: str = ""
    max_session_minutes: str = ""
    volume_limits: str = ""


def _quiet(text: str) -> tuple[time | None, time | None]:
    if not text.strip():
        return None, None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


def save_rules(session: Session, commune: Commune, commune_form: RulesForm, zone_forms: dict[str, RulesForm]) -> None:
    """Check every field, then store them all; Refusal names each field that cannot be read (nothing is saved)."""
    errors: dict[str, str] = {}
    parsed: dict[str, tuple] = {}
    zones = {zone.slug: zone for zone in commune.zones}
    for key, form in [("commune", commune_form), *zone_forms.items()]:
        name = "Cả xã" if key == "commune" else zones[key].name
        try:
            quiet = _quiet(form.quiet_hours)
        except ValueError:
            errors[f"{key}.quiet_hours"] = f"{name}: giờ không phát viết dạng 21:00-05:00."
            quiet = (None, None)
        weekdays = "".join(sorted(set(form.weekdays.strip())))
        if weekdays and not set(weekdays) <= set("1234567"):
            errors[f"{key}.weekdays"] = f"{name}: ngày phát là các số 1 (Thứ Hai) đến 7 (Chủ Nhật), ví dụ 123456."
        minutes = form.max_session_minutes.strip()
        if minutes and (not minutes.isdigit() or not 1 <= int(minutes) <= 600):
            errors[f"{key}.max_session_minutes"] = f"{name}: độ dài buổi phát tối đa là số phút từ 1 đến 600."
        try:
            parse_volume_limits(form.volume_limits)
        except VolumeRuleError as error:
            errors[f"{key}.volume_limits"] = f"{name}: {error}"
        parsed[key] = (quiet, weekdays, int(minutes) if minutes.isdigit() else None, form.volume_limits.strip())
    if errors:
        raise Refusal(errors)
    (quiet_start, quiet_end), weekdays, minutes, volume = parsed.pop("commune")
    commune.quiet_start, commune.quiet_end = quiet_start, quiet_end
    commune.weekdays, commune.max_session_minutes, commune.volume_limits = weekdays or "1234567", minutes, volume
    for slug, ((quiet_start, quiet_end), weekdays, minutes, volume) in parsed.items():
        zone = zones[slug]
        zone.quiet_start, zone.quiet_end = quiet_start, quiet_end
        zone.weekdays, zone.max_session_minutes, zone.volume_limits = weekdays or None, minutes, volume or None


def rules_form_of(entity: Commune | Zone) -> RulesForm:
    quiet = f"{entity.quiet_start:%H:%M}-{entity.quiet_end:%H:%M}" if entity.quiet_start and entity.quiet_end else ""
    return RulesForm(
        quiet_hours=quiet, weekdays=entity.weekdays or "",
        max_session_minutes=str(entity.max_session_minutes or ""), volume_limits=entity.volume_limits or "",
    )  # fmt: skip
