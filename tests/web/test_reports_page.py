"""The Báo cáo page and its exports served by a real station on a month of history built beforehand; and the
server's daily retention job pruning fourteen months down to twelve, with backup and restore afterwards."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import time
from pathlib import Path

import httpx
import openpyxl
from pypdf import PdfReader

from radio.config import Settings
from tests.conftest import start_server, stop_server
from tests.radio.test_cli import radio
from tests.radio.test_reports import build_march
from tests.radio.test_retention import build_fourteen_months


def test_report_page_charts_and_exports(settings: Settings) -> None:
    build_march(settings).stop()
    server = start_server(settings.data_dir)
    try:
        assert httpx.get(f"{server.url}/reports", follow_redirects=False).headers["location"] == "/login"
        client = server.client()
        page = client.get("/reports", params={"month": "2026-03"})
        assert page.status_code == 200
        html = page.text
        assert "Báo cáo tháng 03/2026" in html and html.count("<svg") == 5
        # the station marked the airing still "planned" on 31 March as missed when it started: 9 of 13, 4 of 8
        assert "Thôn Đông" in html and "69,2 %" in html and "50,0 %" in html and "Cụm loa xác nhận" in html
        assert "<td>8,5</td>" in html and "(9/13 lượt)" in html and ">2</text>" in html  # minutes; topic counts whole
        assert re.search(r">\d+\.\d+( %)?<", html) is None  # no decimal points in any figure
        assert "đến lúc" not in html.split("Ghi chú")[0]  # March is over: every digest is an end-of-day one
        assert 'href="/reports.pdf?month=2026-03"' in html and 'value="2026-03"' in html
        assert "04:00 đến trước 09:00" in html  # the footnote says what the morning session is
        assert "Tháng không hợp lệ" in client.get("/reports", params={"month": "2026-13"}).text
        current = client.get("/reports")  # the current month by default; today's digest is not an end-of-day one
        assert current.status_code == 200
        assert re.search(r"\d\d/\d\d/\d{4} <strong>\(đến lúc \d\d:\d\d\)</strong>", current.text)
        assert "Hôm nay chưa hết ngày" in current.text

        exported = client.get("/reports.csv", params={"month": "2026-03"})
        assert exported.headers["content-type"].startswith("text/csv")
        assert 'filename="bao-cao-2026-03.csv"' in exported.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert rows[-1][:4] == ["Toàn xã", "3", "9", "13"]
        book = openpyxl.load_workbook(io.BytesIO(client.get("/reports.xlsx", params={"month": "2026-03"}).content))
        assert book["Báo cáo"]["A1"].value.startswith("Báo cáo tháng 03/2026") and book["Báo cáo"]._charts
        pdf = client.get("/reports.pdf", params={"month": "2026-03"})
        assert pdf.headers["content-type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Xóm Đồng Bãi" in text and "Mã nhật ký phát sóng cuối mỗi ngày" in text and "69,2 %" in text
        assert "Bản tin đã phát theo chủ đề và thôn, xóm" in text and "Số thôn đã nghe buổi sáng theo ngày" in text
        assert rows[1][4] == "80,0" and rows[-1][5] == "20,5"  # the CSV in Vietnamese numbers too
        refused = client.get("/reports.pdf", params={"month": "tháng ba"})
        assert refused.status_code == 422 and "Tháng không hợp lệ" in refused.text
    finally:
        stop_server(server)


def _checkpoints(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM chain_checkpoints").fetchone()[0]


def test_the_running_server_prunes_daily_and_backups_keep_the_checkpoint(settings: Settings, tmp_path: Path) -> None:
    history = build_fourteen_months(settings)
    server = start_server(settings.data_dir)
    try:
        deadline = time.monotonic() + 60
        while _checkpoints(settings.data_dir / "radio.db") == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _checkpoints(settings.data_dir / "radio.db") == 1
        assert "retention: removed everything older" in server.output()
        assert not any((settings.audio_dir / f"{sha}.mp3").exists() for sha in history.removed_audio)
        assert all((settings.audio_dir / f"{sha}.mp3").exists() for sha in history.kept_audio)
        archive = tmp_path / "sao-luu.tar.gz"
        assert radio("backup", "-o", str(archive), data_dir=settings.data_dir).returncode == 0
    finally:
        stop_server(server)
    restored = tmp_path / "restored" / "data"
    assert radio("restore", str(archive), data_dir=restored).returncode == 0
    verified = radio("log", "verify", data_dir=restored)
    assert verified.returncode == 0, verified.stderr
    assert "retention checkpoint" in verified.stdout and "60 entries verified" in verified.stdout
