"""The approval workflow on a running server: nothing airs unapproved except a reasoned, flagged khẩn cấp."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import LiveServer, start_server, stop_server
from tests.web.accounts import account, create_account, log_in
from tests.web.streams import wait_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT = "Thôn Đông họp lúc 19h30 tối nay tại nhà văn hóa."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("approval") / "data")
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def people(server: LiveServer) -> dict[str, httpx.Client]:
    admin = server.client()
    return {
        "admin": admin,
        "editor": account(server, admin, "bien-tap", "editor"),
        "approver": account(server, admin, "duyet", "approver"),
        "head": account(server, admin, "truong-thon", "village_head", ("thon-dong",)),
        "viewer": account(server, admin, "chi-xem", "viewer"),
    }


def _in(seconds: float) -> str:
    return (datetime.now(TZ) + timedelta(seconds=seconds)).replace(tzinfo=None).isoformat(timespec="seconds")


def _bulletin(client: httpx.Client, **fields: object) -> httpx.Response:
    body = {"title": "Họp thôn", "text": TEXT, "zones": ["thon-dong"], "air_at": _in(3600), **fields}
    return client.post("/api/bulletins", json=body)


def test_an_editors_bulletin_waits_and_airs_only_the_audio_the_approver_heard(people: dict[str, httpx.Client]) -> None:
    submitted = _bulletin(people["editor"], topic="government")
    assert submitted.status_code == 201, submitted.text
    bulletin = submitted.json()
    assert bulletin["status"] == "pending" and bulletin["broadcasts"] == [] and bulletin["topic"] == "government"

    approver = people["approver"]
    assert "bản tin chờ duyệt</a>" in approver.get("/").text  # every page tells an approver there is work
    assert "bản tin chờ duyệt</a>" not in people["editor"].get("/").text
    heard = approver.get(f"/audio/{bulletin['audio_sha256']}.mp3")
    assert heard.status_code == 200 and len(heard.content) > 1000
    wrong = approver.post(f"/api/bulletins/{bulletin['id']}/approve", json={"sha256": "0" * 64})
    assert wrong.status_code == 422 and "nghe lại" in wrong.text
    assert people["editor"].post(f"/api/bulletins/{bulletin['id']}/approve", json={"sha256": "x"}).status_code == 403

    approved = approver.post(f"/api/bulletins/{bulletin['id']}/approve", json={"sha256": bulletin["audio_sha256"]})
    assert approved.status_code == 200, approved.text
    approved_bulletin = approved.json()
    assert approved_bulletin["status"] == "scheduled" and approved_bulletin["approved_by"] == "duyet"
    assert approved_bulletin["approved_sha256"] == bulletin["audio_sha256"]
    assert [row["status"] for row in approved_bulletin["broadcasts"]] == ["planned"]

    edited = people["editor"].put(
        f"/api/bulletins/{bulletin['id']}",
        json={"title": "Họp thôn", "text": TEXT.replace("19h30", "20h"), "zones": ["thon-dong"], "air_at": _in(3600)},
    )
    assert edited.status_code == 200, edited.text
    back = edited.json()
    assert back["status"] == "pending" and back["approved_sha256"] is None
    assert back["audio_sha256"] != bulletin["audio_sha256"]
    assert [(row["status"], row["note"]) for row in back["broadcasts"]] == [("cancelled", "bulletin edited")]


def test_an_approver_sends_a_bulletin_back_with_a_reason(people: dict[str, httpx.Client]) -> None:
    bulletin = _bulletin(people["editor"]).json()
    no_reason = people["approver"].post(f"/api/bulletins/{bulletin['id']}/return", json={"note": " "})
    assert no_reason.status_code == 422
    returned = people["approver"].post(f"/api/bulletins/{bulletin['id']}/return", json={"note": "Sai giờ họp"})
    assert returned.json()["status"] == "draft"
    page = people["editor"].get(f"/bulletins/{bulletin['id']}")
    assert "Người duyệt trả lại: Sai giờ họp" in page.text


def test_an_emergency_without_approval_needs_a_reason_airs_at_once_and_is_flagged(
    people: dict[str, httpx.Client],
) -> None:
    editor = people["editor"]
    fields = {"priority": "emergency", "air_at": None, "text": "Lũ đang lên, bà con di chuyển lên chỗ cao ngay."}
    refused = _bulletin(editor, **fields)
    assert refused.status_code == 422 and "lý do" in refused.text

    aired = _bulletin(editor, **fields, emergency_reason="Nước sông dâng nhanh, xã chỉ đạo sơ tán").json()
    assert aired["status"] == "scheduled" and aired["needs_review"] and aired["approved_sha256"] is None
    wait_for(editor, lambda rows: any(r["bulletin_id"] == aired["id"] and r["status"] == "aired" for r in rows))
    assert editor.get(f"/bulletins/{aired['id']}/edit", follow_redirects=False).headers["location"] == (
        f"/bulletins/new?copy={aired['id']}"
    )  # an aired bulletin is evidence: it is copied, not edited
    copy_form = editor.get(f"/bulletins/new?copy={aired['id']}").text
    assert "Lũ đang lên, bà con di chuyển lên chỗ cao ngay." in copy_form and "Sao chép" not in copy_form

    flagged = people["approver"].get("/api/bulletins", params={"needs_review": True}).json()
    assert [b["id"] for b in flagged] == [aired["id"]]
    reviewed = people["approver"].post(f"/api/bulletins/{aired['id']}/review", json={"note": "Đúng chỉ đạo"})
    assert reviewed.json()["needs_review"] is False
    assert people["viewer"].post(f"/api/bulletins/{aired['id']}/review", json={"note": ""}).status_code == 403


def test_a_village_head_reaches_only_their_own_village(people: dict[str, httpx.Client]) -> None:
    head = people["head"]
    other = _bulletin(head, zones=["thon-dong", "thon-tay"])
    assert other.status_code == 422 and "thôn của mình" in other.text
    emergency_elsewhere = _bulletin(head, zones=["thon-tay"], priority="emergency", air_at=None, emergency_reason="x")
    assert emergency_elsewhere.status_code == 422
    own = _bulletin(head)
    assert own.status_code == 201 and own.json()["status"] == "pending"
    form = head.get("/bulletins/new").text
    assert "thon-dong" in form and "thon-tay" not in form
    refused_page = head.get("/programmes/new")
    assert refused_page.status_code == 403 and "<h1>Không có quyền</h1>" in refused_page.text
    assert "Tài khoản của bạn không có quyền làm việc này." in refused_page.text
    unknown = head.get("/khong-co-trang-nay")
    assert unknown.status_code == 404 and "Không có trang này" in unknown.text
    assert _bulletin(people["viewer"]).status_code == 403


def test_the_station_refuses_audio_that_differs_from_the_approved_audio(
    server: LiveServer, people: dict[str, httpx.Client]
) -> None:
    bulletin = _bulletin(people["admin"], air_at=_in(6)).json()
    assert bulletin["status"] == "scheduled"
    with sqlite3.connect(server.data_dir / "radio.db") as db:  # someone with the database swaps the approval
        db.execute("UPDATE bulletins SET approved_sha256 = ? WHERE id = ?", ("f" * 64, bulletin["id"]))
    rows = wait_for(
        people["admin"], lambda rows: any(r["bulletin_id"] == bulletin["id"] and r["status"] != "planned" for r in rows)
    )
    (row,) = [r for r in rows if r["bulletin_id"] == bulletin["id"]]
    assert row["status"] == "failed" and "not approved" in row["note"]


def test_a_temporary_password_must_be_changed_before_anything_else(server: LiveServer) -> None:
    temporary = create_account(server.client(), "nguoi-moi", "editor")
    client = log_in(server, "nguoi-moi", temporary)
    refused = client.get("/api/zones")
    assert refused.status_code == 403 and "đổi mật khẩu" in refused.text
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/password"
    short = client.post("/api/password", json={"current": temporary, "new": "ngan"})
    assert short.status_code == 422 and "10 ký tự" in short.text
    assert client.post("/api/password", json={"current": temporary, "new": "mot-mat-khau-dai"}).status_code == 204
    assert client.get("/api/zones").status_code == 200


def test_a_disabled_account_cannot_log_in(server: LiveServer, people: dict[str, httpx.Client]) -> None:
    admin = people["admin"]
    temporary = create_account(admin, "tam-thoi", "viewer")
    found = re.search(r"<strong>tam-thoi</strong>.*?action=\"/users/(\d+)\"", admin.get("/users").text, re.DOTALL)
    assert found
    user_id = found.group(1)
    page = admin.post(f"/users/{user_id}", data={"role": "viewer", "disabled": "1"}, follow_redirects=True)
    assert page.status_code == 200
    refused = httpx.post(f"{server.url}/api/login", json={"username": "tam-thoi", "password": temporary})
    assert refused.status_code == 401


def test_the_login_cookie_is_secure_when_served_through_https(tmp_path_factory: pytest.TempPathFactory) -> None:
    live = start_server(tmp_path_factory.mktemp("https") / "data", RADIO_COOKIE_SECURE="true")
    try:
        login = httpx.post(f"{live.url}/api/login", json={"username": "admin", "password": "mat-khau-thu-nghiem"})
        header = login.headers["set-cookie"].lower()
        assert "secure" in header and "httponly" in header and "samesite=lax" in header
    finally:
        stop_server(live)
