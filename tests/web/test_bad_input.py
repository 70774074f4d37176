"""Bad input over real HTTP: a clear Vietnamese refusal, a 4xx status, and nothing saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import LiveServer

GOOD = {"title": "Họp thôn", "text": "Mời bà con dự họp thôn.", "voice": "vi", "zones": ["thon-dong"]}


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> httpx.Client:
    return live_server.client()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"text": "   "}, "text", "không được để trống"),
        ({"text": "a" * 10_001}, "text", "Nội dung dài 10.001 ký tự, vượt quá giới hạn 10.000 ký tự."),
        ({"text": "... !!!"}, "text", "không có chữ hay số nào"),
        ({"zones": []}, "zones", "chọn ít nhất một thôn"),
        ({"zones": ["thon-dong", "thon-khong-co"]}, "zones", "thon-khong-co"),
        ({"air_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}, "air_at", "đã qua"),
        ({"voice": "en-us"}, "voice", "en-us"),
    ],
)
def test_api_refuses_and_saves_nothing(client: httpx.Client, change: dict, field: str, words: str) -> None:
    before = client.get("/api/broadcasts").json()
    response = client.post("/api/bulletins", json={**GOOD, **change})
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert words in errors[field]
    assert client.get("/api/broadcasts").json() == before


def test_api_needs_login(live_server: LiveServer) -> None:
    response = httpx.post(f"{live_server.url}/api/bulletins", json=GOOD)
    assert response.status_code == 401
    assert response.json()["detail"] == "Chưa đăng nhập."


def test_wrong_password_is_refused(live_server: LiveServer) -> None:
    response = httpx.post(f"{live_server.url}/api/login", json={"username": "admin", "password": "sai"})
    assert response.status_code == 401


def test_form_shows_every_problem_in_vietnamese(client: httpx.Client) -> None:
    before = client.get("/api/broadcasts").json()
    response = client.post(
        "/bulletins/new",
        data={"title": "", "text": "", "voice": "vi", "when": "at", "air_at": "2020-01-01T07:00", "action": "submit"},
    )
    assert response.status_code == 422
    page = response.text
    assert "Nội dung bản tin không được để trống." in page
    assert "Hãy chọn ít nhất một thôn, xóm để phát." in page
    assert "Thời điểm phát 07:00 ngày 01/01/2020 đã qua." in page
    assert client.get("/api/broadcasts").json() == before


def test_form_without_a_time_still_names_the_other_problems(client: httpx.Client) -> None:
    response = client.post(
        "/bulletins/new", data={"text": "", "voice": "vi", "when": "at", "air_at": "", "action": "submit"}
    )
    assert response.status_code == 422
    for message in ("Hãy chọn ngày và giờ phát.", "không được để trống", "Hãy chọn ít nhất một thôn"):
        assert message in response.text


def test_unknown_village_stream_is_404(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/zones/khong-co/live.mp3").status_code == 404
