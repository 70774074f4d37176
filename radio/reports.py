"""The monthly report (báo cáo) for the district and the province: per village, what was planned, what aired,
and whether a loudspeaker really played the morning session (the plan's coverage target).

Definitions (also printed under the report, so a reader knows what each figure counts):
- an airing belongs to the month of its planned instant in commune time; gaps (planned silence) are not counted;
- delivered share = aired ÷ airings with an outcome (aired, interrupted, missed, failed); cancelled airings
  and those not yet due are left out;
- minutes on air = the sum of real start → end of the aired airings;
- bulletins aired = distinct bulletins with at least one aired airing; by topic, the same bulletins by topic;
- morning session = items planned between `Settings.morning_session` (default 04:00-09:00); a village heard it on
  a day when one of its speaker agents sent a receipt of having started one of those items, or, for a village
  with no speaker agent, when the station aired one of them on the village's stream;
- coverage = village-days on which the morning session was heard ÷ village-days on which one was planned and
  due (an item with an outcome, as above).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.as_run_chain import DayDigest, daily_digests, day_start
from radio.config import Settings
from radio.errors import Refusal
from radio.storage.models import Broadcast, BroadcastStatus, Bulletin, Commune, ItemKind, Receipt, Speaker, Zone
from radio.topics import Topic

WITH_OUTCOME = {BroadcastStatus.aired, BroadcastStatus.interrupted, BroadcastStatus.missed, BroadcastStatus.failed}
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str | None, now: datetime, settings: Settings) -> date:
    """The first day of the month typed as YYYY-MM; the current month in commune time when empty."""
    if not text:
        return now.astimezone(settings.tz).date().replace(day=1)
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise Refusal({"month": f"Tháng không hợp lệ: {text!r} (cần dạng năm-tháng, ví dụ 2026-03)."})
    return date(int(match[1]), int(match[2]), 1)


@dataclass
class VillageFigures:
    """One village's month (or the whole commune's, in `MonthReport.total`)."""

    name: str
    bulletins: int = 0
    aired: int = 0  # airings aired, every kind but gaps
    minutes: float = 0.0
    with_outcome: int = 0
    mornings_planned: int = 0
    mornings_heard: int = 0
    by_agents: bool = False  # heard = receipts of speaker agents (else: aired on the village's stream)
    topics: dict[Topic, int] = field(default_factory=lambda: dict.fromkeys(Topic, 0))

    @property
    def delivered_pct(self) -> float | None:
        return 100 * self.aired / self.with_outcome if self.with_outcome else None

    @property
    def coverage_pct(self) -> float | None:
        return 100 * self.mornings_heard / self.mornings_planned if self.mornings_planned else None


@dataclass(frozen=True)
class DayCoverage:
    day: date
    heard: int  # villages that heard the morning session
    planned: int  # villages for which one was planned


@dataclass
class MonthReport:
    commune: str
    month: date  # its first day
    generated_at: datetime
    morning: tuple[time, time]
    villages: list[VillageFigures]
    total: VillageFigures
    days: list[DayCoverage]
    digests: list[DayDigest]

    @property
    def label(self) -> str:
        return f"{self.month.month:02d}/{self.month.year}"

    @property
    def morning_label(self) -> str:
        return f"{self.morning[0]:%H:%M}–{self.morning[1]:%H:%M}"

    def digest_note(self, digest: DayDigest) -> str:
        """The day the report is made on is not over: its hash is the head so far, not the end-of-day digest."""
        return f"đến lúc {self.generated_at:%H:%M}" if digest.day == self.generated_at.date() else ""


def month_report(session: Session, settings: Settings, month: date, now: datetime) -> MonthReport:
    tz = settings.tz
    last_day = month + relativedelta(months=1) - timedelta(days=1)
    start, end = day_start(month, tz), day_start(last_day + timedelta(days=1), tz)
    zones = list(session.scalars(select(Zone).order_by(Zone.position, Zone.id)))
    agent_zones = set(session.scalars(select(Speaker.zone_id).where(Speaker.kind == "agent")))
    rows = session.execute(
        select(Broadcast.id, Broadcast.zone_id, Broadcast.planned_at, Broadcast.started_at, Broadcast.ended_at,
               Broadcast.status, Broadcast.bulletin_id, Bulletin.topic)
        .outerjoin(Bulletin, Bulletin.id == Broadcast.bulletin_id)
        .where(Broadcast.planned_at >= start, Broadcast.planned_at < end, Broadcast.kind != ItemKind.gap,
               Broadcast.status != BroadcastStatus.cancelled)
    ).all()  # fmt: skip
    played = set(
        session.scalars(
            select(Receipt.broadcast_id)
            .join(Broadcast, Broadcast.id == Receipt.broadcast_id)
            .where(Broadcast.planned_at >= start, Broadcast.planned_at < end, Receipt.started_at.is_not(None))
        )
    )
    morning_start, morning_end = settings.morning_window
    figures = {zone.id: VillageFigures(zone.name, by_agents=zone.id in agent_zones) for zone in zones}
    bulletins: dict[int, set[int]] = defaultdict(set)
    all_bulletins: dict[int, Topic] = {}
    planned_mornings: dict[int, set[date]] = defaultdict(set)
    heard_mornings: dict[int, set[date]] = defaultdict(set)
    for row in rows:
        village = figures.get(row.zone_id)
        if village is None:
            continue
        local = row.planned_at.astimezone(tz)
        aired = row.status is BroadcastStatus.aired
        if row.status in WITH_OUTCOME:
            village.with_outcome += 1
            village.aired += aired
        if aired and row.started_at and row.ended_at:
            village.minutes += (row.ended_at - row.started_at).total_seconds() / 60
        if aired and row.bulletin_id is not None and row.bulletin_id not in bulletins[row.zone_id]:
            bulletins[row.zone_id].add(row.bulletin_id)
            village.topics[row.topic] += 1
            all_bulletins[row.bulletin_id] = row.topic
        if row.status in WITH_OUTCOME and morning_start <= local.time() < morning_end:
            planned_mornings[row.zone_id].add(local.date())
            heard = row.id in played if village.by_agents else aired
            if heard:
                heard_mornings[row.zone_id].add(local.date())
    for zone_id, village in figures.items():
        village.bulletins = len(bulletins[zone_id])
        village.mornings_planned, village.mornings_heard = len(planned_mornings[zone_id]), len(heard_mornings[zone_id])
    villages = list(figures.values())
    total = VillageFigures(
        "Toàn xã", bulletins=len(all_bulletins), aired=sum(v.aired for v in villages),
        minutes=sum(v.minutes for v in villages), with_outcome=sum(v.with_outcome for v in villages),
        mornings_planned=sum(v.mornings_planned for v in villages),
        mornings_heard=sum(v.mornings_heard for v in villages),
    )  # fmt: skip
    for topic in all_bulletins.values():
        total.topics[topic] += 1
    days = [
        DayCoverage(
            day,
            sum(day in heard for heard in heard_mornings.values()),
            sum(day in planned for planned in planned_mornings.values()),
        )
        for day in (month + timedelta(days=n) for n in range((last_day - month).days + 1))
    ]
    today = now.astimezone(tz).date()
    digests = daily_digests(session, tz, month, min(last_day, today)) if month <= today else []
    commune = session.scalar(select(Commune.name).order_by(Commune.id).limit(1)) or ""
    local_now = now.astimezone(tz)
    return MonthReport(commune, month, local_now, (morning_start, morning_end), villages, total, days, digests)


def footnotes(report: MonthReport) -> list[str]:
    """What each figure counts, in the officials' words: printed under the page and the PDF."""
    notes = [
        "Lượt phát tính theo giờ hẹn phát (giờ xã); không tính khoảng lặng.",
        "Tỷ lệ phát đúng kế hoạch = lượt đã phát ÷ lượt đã có kết quả (đã phát, bị ngắt, bỏ lỡ, lỗi); "
        "không tính lượt đã hủy và lượt chưa đến giờ.",
        "Phút phát sóng = tổng thời gian thực từ lúc bắt đầu đến lúc kết thúc của các lượt đã phát.",
        "Bản tin đã phát = số bản tin khác nhau có ít nhất một lượt đã phát; theo chủ đề cũng đếm như vậy.",
        f"Buổi sáng = các mục hẹn phát từ {report.morning[0]:%H:%M} đến trước {report.morning[1]:%H:%M} (giờ xã). "
        "Thôn có phần mềm cụm loa: một ngày được tính là đã nghe khi một cụm loa của thôn gửi xác nhận phát "
        "(đã bắt đầu phát) một mục của buổi sáng. Thôn chưa có phần mềm cụm loa: tính theo lượt đài đã phát "
        "trên kênh phát của thôn (cột “Xác nhận bằng”).",
        "Độ phủ buổi sáng = số thôn-ngày đã nghe buổi sáng ÷ số thôn-ngày có buổi sáng theo kế hoạch.",
        "Mã nhật ký cuối ngày = mã băm sha256 của mục cuối cùng trong nhật ký phát sóng lúc hết ngày (giờ xã); "
        "kiểm tra bằng lệnh: radio log verify --digest NĂM-THÁNG-NGÀY=MÃ.",
    ]
    if any(report.digest_note(digest) for digest in report.digests):
        notes.append(
            f"Hôm nay chưa hết ngày: dòng “đến lúc {report.generated_at:%H:%M}” ghi mã của nhật ký lúc lập báo cáo, "
            "chưa phải mã cuối ngày; hãy in lại báo cáo sau khi hết ngày để có mã dùng kiểm tra."
        )
    return notes


def evidence_label(village: VillageFigures) -> str:
    return "Cụm loa xác nhận" if village.by_agents else "Lượt phát của đài"


def number(value: float, digits: int = 0) -> str:
    """Vietnamese number writing: thousands grouped with dots, decimal comma ("1.234,5")."""
    return f"{value:,.{digits}f}".translate(_SWAP)


def percent(value: float | None) -> str:
    """A share with one decimal ("57,1"); a dash when there was nothing to divide."""
    return "—" if value is None else number(value, 1)


_SWAP = str.maketrans(",.", ".,")
