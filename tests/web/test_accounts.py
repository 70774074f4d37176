"""Login lockout and the audit trail on a real server."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, LiveServer


def test_five_wrong_passwords_lock_the_account_for_everyone(live_server: LiveServer) -> None:
    url = live_server.url
    for _ in range(5):
        wrong = httpx.post(f"{url}/api/login", json={"username": "admin", "password": "doan-mo"})
        assert wrong.status_code == 401 and wrong.json()["detail"] == "Sai tên đăng nhập hoặc mật khẩu."
    locked = httpx.post(f"{url}/api/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert locked.status_code == 401 and "Tài khoản tạm khóa đến" in locked.json()["detail"]
    page = httpx.post(f"{url}/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert page.status_code == 401 and "Tài khoản tạm khóa đến" in page.text


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    from tests.conftest import start_server, stop_server

    server = start_server(tmp_path_factory.mktemp("audit") / "data")
    yield server
    stop_server(server)


def test_actions_are_in_the_audit_trail_with_who_and_where(fresh: LiveServer) -> None:
    httpx.post(f"{fresh.url}/api/login", json={"username": "admin", "password": "sai"})
    client = fresh.client()
    made = client.post("/api/bulletins", json={"title": "Họp thôn", "text": "Mời bà con họp.", "zones": ["thon-dong"]})
    assert made.status_code == 201
    client.post("/lexicon", data={"text": "Nà Hin\tNà Hỉn\n", "action": "save"})
    rows = list(csv.reader(io.StringIO(client.get("/audit.csv").text.lstrip("\ufeff"))))
    assert rows[0] == ["Thời điểm", "Người dùng", "Tên đăng nhập", "Thao tác", "Mã thao tác", "Chi tiết",
                       "Chi tiết gốc", "Địa chỉ"]  # fmt: skip
    actions = [(row[2], row[4], row[7]) for row in rows[1:]]
    assert ("admin", "lexicon.save", "127.0.0.1") in actions
    assert ("admin", "bulletin.create", "127.0.0.1") in actions
    assert ("admin", "login", "127.0.0.1") in actions
    assert ("admin", "login.failed", "127.0.0.1") in actions
    by_code = {row[4]: row for row in rows[1:]}
    created = by_code["bulletin.create"]  # the demo admin's full name is "Quản trị"
    assert created[1] == "Quản trị (admin)" and created[3] == "Soạn bản tin"
    assert created[5].split(" ", 1)[1] == "“Họp thôn”, thông thường, tới Thôn Đông, phát ngay → Đã lên lịch"
    assert "ordinary to thon-dong at now → scheduled" in created[6]  # the stored evidence, as written
    assert (by_code["login"][3], by_code["login"][5], by_code["login"][6]) == ("Đăng nhập", "Đăng nhập thành công",
                                                                              "logged in")  # fmt: skip
    assert (by_code["lexicon.save"][3], by_code["lexicon.save"][5]) == ("Lưu từ điển phát âm", "1 mục")
    page = client.get("/audit").text
    assert "Nhật ký thao tác" in page and ">Soạn bản tin<" in page and ">Quản trị (admin)<" in page
    assert ">Đăng nhập thành công<" in page and ">logged in<" not in page
    assert ">Sai tên đăng nhập hoặc mật khẩu<" in page
    assert "tới Thôn Đông, phát ngay → Đã lên lịch" in page and "→ scheduled<" not in page


def test_forms_and_api_refuse_requests_without_the_session_token(fresh: LiveServer) -> None:
    client = fresh.client()
    token = client.headers.pop("X-CSRF-Token")
    forged = client.post("/lexicon", data={"text": "a\tb\n", "action": "save"})
    assert forged.status_code == 403 and "Hãy tải lại trang" in forged.text  # a page for a form, JSON for the API
    assert client.post("/api/bulletins", json={"text": "x", "zones": ["thon-dong"]}).status_code == 403
    page = client.get("/lexicon").text
    field = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert field == token  # the form carries the session's token, as a browser would send it
    saved = client.post("/lexicon", data={"text": "a\tb\n", "action": "save", "csrf_token": field})
    assert saved.status_code == 303
