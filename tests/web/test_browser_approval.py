"""Two people in Debian's Chromium: an editor sends a bulletin for approval, an approver listens and approves it.

The menus follow the permission matrix: the editor has no approval button, the viewer no compose link.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.web.accounts import NEW_PASSWORD, create_account
from tests.web.test_browser import CHROMIUM, CHROMIUM_FLAGS

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
SCREENSHOT_DIR = os.environ.get("RADIO_SCREENSHOT_DIR")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _first_login(browser: object, server: LiveServer, username: str, temporary: str) -> object:
    """Log in with the temporary password; the station insists on a new one before anything else."""
    page = browser.new_context(viewport={"width": 412, "height": 915}, locale="vi-VN").new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", temporary)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/account/password")
    page.fill("input[name=current]", temporary)
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=repeated]", NEW_PASSWORD)
    page.click("text=Đổi mật khẩu >> nth=-1")
    page.wait_for_url(f"{server.url}/")
    return page


def test_an_editor_sends_for_approval_and_an_approver_listens_then_approves(
    browser: object, live_server: LiveServer
) -> None:
    admin = live_server.client()
    editor = _first_login(browser, live_server, "bien-tap", create_account(admin, "bien-tap", "editor"))
    approver = _first_login(browser, live_server, "duyet", create_account(admin, "duyet", "approver"))
    viewer = _first_login(browser, live_server, "chi-xem", create_account(admin, "chi-xem", "viewer"))
    assert viewer.locator("nav >> text=Soạn bản tin").count() == 0

    editor.click("nav >> text=Soạn bản tin")
    editor.fill("input[name=title]", "Tiêm chủng mở rộng")
    editor.fill("textarea[name=text]", "Sáng mai, trạm y tế xã tiêm vắc xin cho trẻ dưới 5 tuổi.")
    editor.check("input[name=zones][value=thon-dong]")
    assert editor.locator("button[value=submit]").inner_text() == "Gửi duyệt"
    editor.click("button[value=submit]")
    editor.wait_for_url(f"{live_server.url}/bulletins/*")
    assert "chờ duyệt" in editor.locator(".flash").inner_text()
    assert editor.locator("text=Duyệt và lên lịch phát").count() == 0

    approver.goto(f"{live_server.url}/bulletins?state=pending")
    approver.click("text=Tiêm chủng mở rộng")
    duration = approver.evaluate(
        "async () => { const a = document.querySelector('audio');"
        " if (isNaN(a.duration)) await new Promise(r => a.addEventListener('loadedmetadata', r));"
        " return a.duration; }"
    )
    assert duration > 2.0
    if SCREENSHOT_DIR:
        approver.screenshot(path=str(Path(SCREENSHOT_DIR) / "approve.png"), full_page=True)
    approver.click("button:has-text('Duyệt và lên lịch phát')")
    assert (
        "Đã duyệt. Đã lên lịch phát bản tin “Tiêm chủng mở rộng” ngay bây giờ."
        in approver.locator(".flash").inner_text()
    )
    assert "Duyệt bởi duyet" in approver.locator(".card").first.inner_text()
