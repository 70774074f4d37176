"""The programme pages through real HTTP (forms without JavaScript): template, clash message, calendar, cancel."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import start_server, stop_server


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> httpx.Client:
    server = start_server(
        tmp_path_factory.mktemp("pages") / "data",
        RADIO_RELAY_NATIONAL_URL="http://127.0.0.1:9/vov.mp3", RADIO_RELAY_DISTRICT_URL="http://127.0.0.1:9/huyen.mp3",
    )  # fmt: skip
    yield server.client()
    stop_server(server)


def morning_form(**changes: str | list[str]) -> dict:
    form = {
        "title": "Buổi sáng", "priority": "ordinary", "zones": ["thon-dong", "thon-tay"], "when": "recurring",
        "start_time": "05:00", "repeat": "weekdays", "weekdays": ["1", "2", "3", "4", "5", "6"],
        "item0_kind": "chime", "item1_kind": "relay", "item1_relay": "http://127.0.0.1:9/vov.mp3", "item1_value": "15",
        "item2_kind": "gap", "item2_value": "30",
    }  # fmt: skip
    form.update(changes)
    return form


def test_morning_template_prefills_the_relays(client: httpx.Client) -> None:
    page = client.get("/programmes/new", params={"template": "morning"}).text
    assert "Buổi sáng: VOV → huyện → xã" in page
    assert 'value="http://127.0.0.1:9/vov.mp3"' in page and 'value="http://127.0.0.1:9/huyen.mp3"' in page


def test_create_then_clash_then_calendar_then_cancel(client: httpx.Client) -> None:
    created = client.post("/programmes/new", data=morning_form(), follow_redirects=True)
    assert created.status_code == 200 and "Đã tạo chương trình “Buổi sáng”" in created.text
    assert "Nhạc hiệu → Tiếp sóng 127.0.0.1:9 → Khoảng lặng" in created.text
    assert "T2, T3, T4, T5, T6, T7" in created.text

    clash = client.post("/programmes/new", data=morning_form(title="Tin xã", zones=["thon-dong"], start_time="05:10"))
    assert clash.status_code == 422
    assert "trùng với chương trình “Buổi sáng”" in clash.text and "Khung giờ trống gần nhất: 05:16" in clash.text

    calendar = client.get("/calendar", params={"zone": "thon-tay", "week": "2030-01-07"}).text  # a Monday
    assert "Lịch phát: Thôn Tây" in calendar and "Không có lượt phát." in calendar  # beyond the planning horizon
    this_week = client.get("/calendar", params={"zone": "thon-tay"}).text
    assert "05:00" in this_week and "Nhạc hiệu" in this_week

    listing = client.get("/programmes").text
    programme_id = re.search(r'href="/programmes/(\d+)/edit"', listing).group(1)
    assert client.get(f"/programmes/{programme_id}/edit").text.count('value="05:00"') == 1
    cancelled = client.post(f"/programmes/{programme_id}/cancel", follow_redirects=True)
    assert "Đã hủy chương trình và" in cancelled.text
    assert "Chưa có chương trình định kỳ nào." in cancelled.text


def test_unreadable_form_values_are_named(client: httpx.Client) -> None:
    response = client.post("/programmes/new", data=morning_form(item2_value="mười", valid_from="31/02/2026"))
    assert response.status_code == 422
    assert "Mục 3: thời lượng phải là một số." in response.text
    assert "Ngày phải viết dạng ngày/tháng/năm" in response.text
