"""A person's path in Debian's Chromium, driven by Playwright: log in, preview, submit a bulletin."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD, LiveServer

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOT_DIR = os.environ.get("RADIO_SCREENSHOT_DIR")  # set to refresh the README screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(live_server: LiveServer) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it (scripts/install-test-system-deps.sh)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="vi-VN")  # a cheap phone
        yield context.new_page()
        browser.close()


def test_officer_logs_in_previews_and_schedules(page: object, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Tổng quan"

    page.click("text=Soạn bản tin")
    page.fill("input[name=title]", "Thông báo thu gom rác")
    page.fill("textarea[name=text]", "Sáng thứ 7, ngày 14/12, xe thu gom rác đến thôn lúc 7h30.")
    page.click("button[value=preview]")
    audio = page.locator(".preview audio")
    audio.wait_for()
    assert page.locator(".preview blockquote").inner_text().startswith("Sáng thứ bảy")
    duration = page.evaluate(
        "async () => { const a = document.querySelector('.preview audio');"
        " if (isNaN(a.duration)) await new Promise(r => a.addEventListener('loadedmetadata', r));"
        " return a.duration; }"
    )
    assert duration > 2.0
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / "compose.png"), full_page=True)

    page.check("input[name=zones][value=xom-dong-bai]")
    page.click("button[value=submit]")
    page.wait_for_url(f"{live_server.url}/bulletins/*")
    assert "Đã lên lịch phát bản tin “Thông báo thu gom rác” ngay bây giờ." in page.locator(".flash").inner_text()

    page.click("text=Nhật ký phát sóng")
    row = page.locator("tr", has_text="Thông báo thu gom rác")
    assert "Xóm Đồng Bãi" in row.inner_text()
