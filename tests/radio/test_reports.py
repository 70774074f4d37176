"""The monthly report on a month built here with known answers: its figures, and the same figures in the CSV,
the XLSX (values and native charts, read back with openpyxl) and the PDF (text extracted with pypdf)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from radio.as_run_chain import GENESIS
from radio.config import Settings
from radio.demo import DEMO_COMMUNE
from radio.errors import Refusal
from radio.report_files import report_csv, report_pdf, report_xlsx
from radio.reports import MonthReport, month_report, parse_month
from radio.station import Station
from radio.storage.models import BroadcastStatus, ChainEntry, ItemKind
from radio.topics import Topic
from tests.radio.log_fixture import History

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AIRED, MISSED = BroadcastStatus.aired, BroadcastStatus.missed


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=VN)


def build_march(settings: Settings) -> Station:
    """March 2026 in five villages; the expected figures are worked out in the test below."""
    station = Station(settings)
    station.prepare_database()
    with station.sessions.begin() as session:
        h = History(session, settings)
        made = at("2026-02-20", "10:00")
        b1 = h.bulletin("Tiêm phòng cho trẻ", Topic.health, made)
        b2 = h.bulletin("Lịch gieo cấy vụ xuân", Topic.agriculture, made)
        b3 = h.bulletin("Họp hội đồng nhân dân", Topic.government, made)
        b4 = h.bulletin("Phòng sốt xuất huyết", Topic.health, made)
        agent = h.agent("thon-dong")
        h.airing("xom-dong-bai", at("2026-02-28", "23:30"), AIRED, bulletin=b2)  # February in commune time
        h.airing("xom-dong-bai", at("2026-03-01", "00:30"), AIRED, bulletin=b4, minutes=1)  # still Feb 28 in UTC
        h.airing("thon-dong", at("2026-03-02", "05:00"), AIRED, bulletin=b1, minutes=3, receipt_from=agent)
        h.airing("thon-tay", at("2026-03-02", "05:00"), AIRED, bulletin=b1, minutes=3)
        h.airing("thon-dong", at("2026-03-03", "05:00"), AIRED, bulletin=b2)  # aired, but no speaker confirmed it
        h.airing("thon-dong", at("2026-03-04", "05:00"), AIRED, kind=ItemKind.chime, minutes=0.5, receipt_from=agent)
        h.airing("thon-dong", at("2026-03-05", "17:00"), AIRED, bulletin=b1, minutes=3)
        h.airing("thon-dong", at("2026-03-06", "05:00"), MISSED, bulletin=b3)
        h.airing("thon-dong", at("2026-03-07", "05:00"), BroadcastStatus.cancelled, bulletin=b3)
        h.airing("thon-dong", at("2026-03-08", "05:00"), AIRED, kind=ItemKind.gap, minutes=1)
        h.airing("thon-tay", at("2026-03-10", "06:00"), BroadcastStatus.interrupted, bulletin=b4)
        h.airing("thon-tay", at("2026-03-11", "20:00"), BroadcastStatus.failed, bulletin=b3)
        h.airing("to-dan-pho-5", at("2026-03-15", "04:00"), AIRED, bulletin=b1, minutes=3)  # the window's first minute
        h.airing("to-dan-pho-5", at("2026-03-15", "09:00"), AIRED, bulletin=b1, minutes=3)  # after the window
        h.airing("xom-dong-bai", at("2026-03-31", "23:30"), AIRED, bulletin=b2)
        h.airing("xom-dong-bai", at("2026-04-01", "00:30"), AIRED, bulletin=b2)  # April in commune time
        h.airing("thon-tay", at("2026-03-31", "05:00"), BroadcastStatus.planned, bulletin=b1)  # no outcome yet
    return station


@pytest.fixture
def march(settings: Settings) -> MonthReport:
    station = build_march(settings)
    try:
        with station.sessions() as session:
            return month_report(session, settings, date(2026, 3, 1), at("2026-04-05", "12:00"))
    finally:
        station.stop()


def test_month_figures_per_village_and_for_the_commune(march: MonthReport) -> None:
    rows = {v.name: v for v in march.villages}
    dong, tay, bai, na_hin, to5 = (rows[name] for name in
                                   ("Thôn Đông", "Thôn Tây", "Xóm Đồng Bãi", "Bản Nà Hin", "Tổ dân phố 5"))  # fmt: skip
    assert (dong.bulletins, dong.aired, dong.with_outcome, dong.minutes) == (2, 4, 5, 8.5)
    assert dong.delivered_pct == 80.0 and dong.by_agents
    assert (dong.mornings_planned, dong.mornings_heard) == (4, 2)  # heard = a receipt, not the stream
    assert (tay.bulletins, tay.aired, tay.with_outcome, tay.minutes) == (1, 1, 3, 3.0)
    assert (tay.mornings_planned, tay.mornings_heard) == (2, 1) and not tay.by_agents
    assert (bai.bulletins, bai.aired, bai.with_outcome, bai.minutes) == (2, 2, 2, 3.0)
    assert bai.coverage_pct is None and bai.topics[Topic.health] == 1 and bai.topics[Topic.agriculture] == 1
    assert (na_hin.aired, na_hin.with_outcome, na_hin.delivered_pct) == (0, 0, None)
    assert (to5.bulletins, to5.aired, to5.mornings_planned, to5.mornings_heard) == (1, 2, 1, 1)
    total = march.total
    assert (total.bulletins, total.aired, total.with_outcome, total.minutes) == (3, 9, 12, 20.5)
    assert total.delivered_pct == 75.0
    assert (total.mornings_planned, total.mornings_heard) == (7, 4)
    assert total.topics == {**dict.fromkeys(Topic, 0), Topic.health: 2, Topic.agriculture: 1}
    assert [(d.heard, d.planned) for d in march.days if d.planned] == [(2, 2), (0, 1), (1, 1), (0, 1), (0, 1), (1, 1)]


def test_daily_digests_anchor_each_day(settings: Settings, march: MonthReport) -> None:
    assert len(march.digests) == 31
    station = Station(settings)
    with station.sessions() as session:
        entries = list(session.scalars(select(ChainEntry).order_by(ChainEntry.id)))
    station.engine.dispose()
    by_day = {d.day: d for d in march.digests}

    def written_by(day: date) -> list[ChainEntry]:
        return [e for e in entries if e.created_at.astimezone(VN).date() <= day]

    assert by_day[date(2026, 3, 1)].entries == 1  # 00:31 on the 1st
    assert by_day[date(2026, 3, 2)].entries == 3  # two airings and one speaker receipt
    assert by_day[date(2026, 3, 2)].head_hash == written_by(date(2026, 3, 2))[-1].hash
    quiet, before = by_day[date(2026, 3, 9)], by_day[date(2026, 3, 8)]
    assert quiet.entries == 0 and quiet.head_hash == before.head_hash  # a day without airings keeps the head
    assert by_day[date(2026, 3, 31)].head_hash == written_by(date(2026, 3, 31))[-1].hash != GENESIS


def test_csv_numbers_match_the_fixture_month(march: MonthReport) -> None:
    text = report_csv(march)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    by_name = {row["Thôn, xóm"]: row for row in rows}
    assert list(by_name) == ["Thôn Đông", "Thôn Tây", "Xóm Đồng Bãi", "Bản Nà Hin", "Tổ dân phố 5", "Toàn xã"]
    dong, total = by_name["Thôn Đông"], by_name["Toàn xã"]
    assert (dong["Bản tin đã phát"], dong["Lượt đã phát"], dong["Tỷ lệ phát đúng kế hoạch (%)"]) == ("2", "4", "80,0")
    assert (dong["Phút phát sóng"], dong["Buổi sáng đã nghe (ngày)"]) == ("8,5", "2")  # Vietnamese decimal comma
    assert dong["Xác nhận bằng"] == "Cụm loa xác nhận"
    assert by_name["Thôn Tây"]["Tỷ lệ phát đúng kế hoạch (%)"] == "33,3"
    assert by_name["Bản Nà Hin"]["Tỷ lệ phát đúng kế hoạch (%)"] == ""  # nothing was due
    assert (total["Lượt đã phát"], total["Lượt có kết quả"], total["Độ phủ buổi sáng (%)"]) == ("9", "12", "57,1")
    assert (total["Chủ đề: Y tế"], total["Chủ đề: Nông nghiệp"], total["Chủ đề: Chính quyền"]) == ("2", "1", "0")


def test_xlsx_holds_the_figures_and_native_charts(march: MonthReport) -> None:
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(march)))
    sheet = book["Báo cáo"]
    assert sheet["A1"].value == f"Báo cáo tháng 03/2026 — {DEMO_COMMUNE}"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["Thôn Đông"][1:6] == (2, 4, 5, 80.0, 8.5)
    assert rows["Toàn xã"][4] == 75.0 and rows["Toàn xã"][8] == 57.1
    assert rows["Bản Nà Hin"][4] is None
    dong = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "Thôn Đông")  # numbers, shown 1.234,5
    assert [cell.number_format for cell in dong[1:6]] == ["#,##0", "#,##0", "#,##0", "#,##0.0", "#,##0.0"]
    assert len(sheet._charts) == 1 and len(book["Chủ đề"]._charts) == 1  # openpyxl reads charts back
    topics = dict(book["Chủ đề"].iter_rows(min_row=2, values_only=True))
    assert topics["Y tế"] == 2 and topics["Thiên tai"] == 0
    digests = list(book["Mã nhật ký"].iter_rows(min_row=2, values_only=True))
    assert len(digests) == 31 and all(len(row[2]) == 64 and not row[3] for row in digests)


def test_pdf_text_keeps_its_vietnamese_diacritics(march: MonthReport) -> None:
    pdf = report_pdf(march)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # the page's tables and charts, every one of them
    for phrase in ("Báo cáo tháng 03/2026", "Thôn Đông", "Xóm Đồng Bãi", "Độ phủ buổi sáng", "Tỷ lệ phát đúng kế hoạch",
                   "Bản tin đã phát theo chủ đề", "Nông nghiệp", "Mã nhật ký phát sóng cuối mỗi ngày",
                   "Bản tin đã phát theo chủ đề và thôn, xóm", "An ninh trật tự", "Phút phát sóng theo thôn",
                   "Số thôn đã nghe buổi sáng theo ngày"):  # fmt: skip
        assert phrase in text, phrase
    assert march.digests[1].head_hash in text.replace("\n", "")  # the 2 March digest is printed whole
    assert "57,1 %" in text and "75,0 %" in text and "(4/7 thôn-ngày)" in text and "phút phát sóng: 20,5" in text
    assert re.search(r"\d\.\d", text) is None  # no "2.0" topic counts, no decimal points anywhere
    topics = text[text.index("theo chủ đề và thôn, xóm") : text.index("Tỷ lệ phát đúng kế hoạch theo thôn")]
    assert "Thôn Đông 0 1 1 0 0 0 0" in topics.replace("\n", " ")  # health 1, agriculture 1: integers
    assert re.search(r"đến lúc \d", text) is None  # every day of March is over


def test_the_current_day_is_labelled_up_to_the_report_time(settings: Settings) -> None:
    station = build_march(settings)
    try:
        with station.sessions() as session:
            report = month_report(session, settings, date(2026, 3, 1), at("2026-03-15", "14:05"))
    finally:
        station.stop()
    assert report.digests[-1].day == date(2026, 3, 15) and report.digest_note(report.digests[-1]) == "đến lúc 14:05"
    assert all(report.digest_note(digest) == "" for digest in report.digests[:-1])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages)
    assert "15/03/2026\nđến lúc 14:05" in text and "chưa phải mã cuối ngày" in text
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))["Mã nhật ký"]
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)][-2:] == [None, "đến lúc 14:05"]


def test_month_parsing_refuses_nonsense_in_vietnamese(settings: Settings) -> None:
    now = at("2026-03-31", "23:30")
    assert parse_month(None, now, settings) == date(2026, 3, 1)
    assert parse_month("", at("2026-04-01", "00:30"), settings) == date(2026, 4, 1)  # April locally, March in UTC
    assert parse_month("2025-12", now, settings) == date(2025, 12, 1)
    for bad in ("2026-13", "tháng 3", "2026-3-1"):
        with pytest.raises(Refusal) as refused:
            parse_month(bad, now, settings)
        assert "Tháng không hợp lệ" in refused.value.errors["month"]
