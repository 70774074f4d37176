"""The monthly report page (Báo cáo) and its CSV, XLSX and PDF exports; charts are SVG drawn by the template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from radio.errors import Refusal
from radio.report_files import report_csv, report_pdf, report_xlsx
from radio.reports import MonthReport, evidence_label, footnotes, month_report, number, parse_month, percent
from radio.topics import TOPIC_LABELS, Topic
from web.deps import PageUser, SessionDep, SettingsDep
from web.pages import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    share: float  # of the chart's full width, 0..1
    text: str


def _bars(pairs: list[tuple[str, float | None]], top: float, unit: str, digits: int = 1) -> list[Bar]:
    return [
        Bar(label, value, min(value / top, 1.0) if value and top else 0.0,
            "—" if value is None else number(value, digits) + unit)
        for label, value in pairs
    ]  # fmt: skip


def _charts(report: MonthReport) -> list[tuple[str, list[Bar]]]:
    villages = report.villages
    topics: list[tuple[str, float | None]] = [(TOPIC_LABELS[topic], report.total.topics[topic]) for topic in Topic]
    return [
        ("Tỷ lệ phát đúng kế hoạch theo thôn (%)", _bars([(v.name, v.delivered_pct) for v in villages], 100, " %")),
        (f"Độ phủ buổi sáng theo thôn (%), buổi sáng {report.morning_label}",
         _bars([(v.name, v.coverage_pct) for v in villages], 100, " %")),
        ("Phút phát sóng theo thôn", _bars([(v.name, v.minutes) for v in villages], max(v.minutes for v in villages)
                                           if villages else 0, "")),
        ("Bản tin đã phát theo chủ đề", _bars(topics, max(count or 0 for _, count in topics), "", digits=0)),
    ]  # fmt: skip


def _month(month: str | None, settings: SettingsDep) -> date:
    return parse_month(month, datetime.now(UTC), settings)


@router.get("/reports")
def reports_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: PageUser, month: str | None = None
) -> HTMLResponse:
    try:
        first = _month(month, settings)
    except Refusal as refusal:
        first, error = _month(None, settings), refusal.errors["month"]
    else:
        error = ""
    report = month_report(session, settings, first, datetime.now(UTC).astimezone(settings.tz))
    return render(
        request, "reports.html", 422 if error else 200, user=user, report=report, error=error,
        month_value=f"{first:%Y-%m}", previous=f"{first - relativedelta(months=1):%Y-%m}",
        following=f"{first + relativedelta(months=1):%Y-%m}", charts=_charts(report), footnotes=footnotes(report),
        topics=[(topic, TOPIC_LABELS[topic]) for topic in Topic], percent=percent, number=number,
        evidence=evidence_label, days=report.days,
    )  # fmt: skip


_FORMATS: dict[str, tuple[Callable[[MonthReport], bytes | str], str]] = {
    "csv": (report_csv, "text/csv; charset=utf-8"),
    "xlsx": (report_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (report_pdf, "application/pdf"),
}


def _file(session: SessionDep, settings: SettingsDep, month: str | None, kind: str) -> Response:
    try:
        first = _month(month, settings)
    except Refusal as refusal:
        return PlainTextResponse(refusal.errors["month"], status_code=422)
    build, media_type = _FORMATS[kind]
    report = month_report(session, settings, first, datetime.now(UTC).astimezone(settings.tz))
    disposition = f'attachment; filename="bao-cao-{first:%Y-%m}.{kind}"'
    return Response(build(report), media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/reports.csv")
def reports_csv(session: SessionDep, settings: SettingsDep, _user: PageUser, month: str | None = None) -> Response:
    return _file(session, settings, month, "csv")


@router.get("/reports.xlsx")
def reports_xlsx(session: SessionDep, settings: SettingsDep, _user: PageUser, month: str | None = None) -> Response:
    return _file(session, settings, month, "xlsx")


@router.get("/reports.pdf")
def reports_pdf(session: SessionDep, settings: SettingsDep, _user: PageUser, month: str | None = None) -> Response:
    return _file(session, settings, month, "pdf")
