"""Test helper: accounts of every role on a live server, made the way an admin makes them (the Users page)."""

from __future__ import annotations

import re

import httpx

from tests.conftest import LiveServer

NEW_PASSWORD = "mat-khau-moi-rat-dai"


def create_account(admin: httpx.Client, username: str, role: str, zones: tuple[str, ...] = ()) -> str:
    """Create the account through the Users page; returns the temporary password shown once in the flash."""
    page = admin.post(
        "/users", data={"username": username, "role": role, "zones": list(zones)}, follow_redirects=True,
        headers={"X-CSRF-Token": admin.headers["X-CSRF-Token"]},
    )  # fmt: skip
    page.raise_for_status()
    found = re.search(r"Mật khẩu tạm: (\S+) —", page.text)
    assert found, page.text
    return found.group(1)


def log_in(server: LiveServer, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    login = client.post("/api/login", json={"username": username, "password": password})
    login.raise_for_status()
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def account(
    server: LiveServer, admin: httpx.Client, username: str, role: str, zones: tuple[str, ...] = ()
) -> httpx.Client:
    """A logged-in client of a new account whose temporary password has been replaced, as its owner would."""
    temporary = create_account(admin, username, role, zones)
    client = log_in(server, username, temporary)
    changed = client.post("/api/password", json={"current": temporary, "new": NEW_PASSWORD})
    assert changed.status_code == 204, changed.text
    return client
