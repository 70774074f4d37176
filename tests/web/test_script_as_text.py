"""HTML and script typed anywhere are shown as text everywhere, and CSV exports cannot run formulas.

Markup, quotes and template braces go into a bulletin's title and text, a programme's name, a village's name
(`radio villages rename`), a user's full name (`radio users add`), a speaker's name (`radio speakers add`) and
the lexicon; then Debian's Chromium loads every page that shows them. No dialog may open and the literal text
must be on screen. The as-run log and audit trail CSVs must write typed cells that start with = + - @ as text.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, LiveServer, start_server, stop_server
from tests.web.test_browser import CHROMIUM, CHROMIUM_FLAGS
from tests.web.test_programmes_api import _wav

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

MARKUP = "<script>alert('kịch bản')</script><img src=x onerror=alert(2)>\"'{{7*7}}"
VILLAGE = f"Thôn {MARKUP}"
PROGRAMME = f"Buổi {MARKUP}"
BULLETIN = f'=HYPERLINK("http://x") {MARKUP}'  # also a formula, for the CSV
FULL_NAME = f"@SUM(1+1) {MARKUP}"
SPEAKER = f"Loa {MARKUP}"
ITEM = f"Mục {MARKUP}"
LEXICON_WORD = "<b>XSS</b>"


def _cli(server: LiveServer, *args: str) -> None:
    env = {**os.environ, "RADIO_DATA_DIR": str(server.data_dir), "RADIO_CONFIG": str(server.data_dir / "absent.toml")}
    subprocess.run([sys.executable, "-m", "radio.cli", *args], env=env, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("markup") / "data")
    _cli(live, "villages", "rename", "thon-dong", VILLAGE)
    _cli(live, "users", "add", "nguoi-xem", "--role", "viewer", "--full-name", FULL_NAME)
    _cli(live, "speakers", "add", "thon-dong", SPEAKER)
    client = live.client()
    aired = client.post(
        "/api/bulletins", json={"title": BULLETIN, "text": f"Thông báo {MARKUP}", "zones": ["thon-dong"]}
    )
    assert aired.status_code == 201, aired.text
    tone = client.post("/api/audio", files={"file": ("a.wav", _wav(1.0), "audio/wav")}).json()["sha256"]
    programme = client.post(
        "/api/programmes",
        json={"title": PROGRAMME, "zones": ["thon-dong"], "start_time": "05:00", "repeat": "daily",
              "items": [{"kind": "audio", "audio_sha256": tone, "title": ITEM}]},
    )  # fmt: skip
    assert programme.status_code == 201, programme.text
    lexicon = client.put("/api/lexicon", json={"text": f"{LEXICON_WORD} = bê"})
    assert lexicon.status_code == 204, lexicon.text
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def page(server: LiveServer) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it (scripts/install-test-system-deps.sh)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        tab = browser.new_context(locale="vi-VN").new_page()
        tab.dialogs = []  # type: ignore[attr-defined]
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
        tab.goto(f"{server.url}/login")
        tab.fill("input[name=username]", "admin")
        tab.fill("input[name=password]", ADMIN_PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url(f"{server.url}/")
        yield tab
        browser.close()


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/", [BULLETIN]),
        ("/log", [BULLETIN, VILLAGE]),
        ("/calendar?zone=thon-dong", [ITEM, VILLAGE]),
        ("/programmes", [PROGRAMME, VILLAGE]),
        ("/audit", [BULLETIN]),
        ("/fleet", [SPEAKER, VILLAGE]),
    ],
)
def test_page_shows_markup_as_text(page: object, server: LiveServer, path: str, shown: list[str]) -> None:
    page.goto(f"{server.url}{path}")
    text = page.inner_text("body")
    for literal in shown:
        assert literal in text, f"{path} does not show {literal!r}"
    assert page.locator("img[src=x]").count() == 0
    assert not page.dialogs  # type: ignore[attr-defined]


def test_lexicon_entries_stay_text(page: object, server: LiveServer) -> None:
    page.goto(f"{server.url}/lexicon")
    assert LEXICON_WORD in page.input_value("textarea[name=text]")
    assert page.locator("b", has_text="XSS").count() == 0
    assert not page.dialogs  # type: ignore[attr-defined]


def test_compose_preview_shows_markup_as_text(page: object, server: LiveServer) -> None:
    page.goto(f"{server.url}/bulletins/new")
    assert VILLAGE in page.inner_text("body")  # the village checkboxes
    page.fill("input[name=title]", PROGRAMME)
    page.fill("textarea[name=text]", f"Thông báo {MARKUP} lúc 7h30.")
    page.click("button[value=preview]")
    page.locator(".preview audio").wait_for()
    assert page.input_value("input[name=title]") == PROGRAMME
    assert MARKUP in page.input_value("textarea[name=text]")
    assert page.locator("img[src=x]").count() == 0
    assert not page.dialogs  # type: ignore[attr-defined]


def _csv(client: httpx.Client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_exports_write_typed_formulas_as_text(server: LiveServer) -> None:
    client = server.client()
    for path in ("/api/broadcasts.csv", "/audit.csv"):
        cells = [cell for row in _csv(client, path)[1:] for cell in row]
        assert cells, path
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")], path
    assert any(cell == "'" + BULLETIN for row in _csv(client, "/api/broadcasts.csv") for cell in row)
