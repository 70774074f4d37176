"""Every route × every role: the permission matrix in radio.roles is what the running server enforces.

Routes are read from the application itself, so a new route without a declared permission fails here
instead of quietly being open to every logged-in account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from radio.config import Settings
from radio.roles import MATRIX, Permission, Role
from tests.conftest import LiveServer, start_server, stop_server
from tests.web.accounts import account
from web.app import create_app

# Reachable without a role: logging in, the docs, and what speakers fetch with their own tokens.
PUBLIC = {
    ("GET", "/login"), ("POST", "/login"), ("POST", "/api/login"), ("POST", "/api/logout"),
    ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc"),
    ("GET", "/zones/{slug}/live.{fmt}"), ("GET", "/agents/audio/{sha256}"),
}  # fmt: skip
# Any logged-in account, even one that must still change its temporary password.
ANY_ACCOUNT = {("GET", "/account/password"), ("POST", "/account/password"), ("POST", "/api/password")}
SKIPPED_REQUESTS = {("POST", "/logout")}  # would end the session the other cases use; covered by test_accounts


def _permission(dependant: Dependant) -> Permission | None:
    found = getattr(dependant.call, "permission", None)
    for sub in dependant.dependencies:
        found = found or _permission(sub)
    return found


def _api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:  # FastAPI ≥ 0.16x includes lazily
            yield from _api_routes(included.routes)


def _routes() -> list[tuple[str, str, Permission | None]]:
    app = create_app(Settings(data_dir=Path("/nonexistent"), admin_password="x"))
    return [
        (method, route.path, _permission(route.dependant))
        for route in _api_routes(app.routes) for method in sorted(route.methods - {"HEAD"})
    ]  # fmt: skip


ROUTES = _routes()


def test_every_route_declares_a_permission_or_is_listed_as_open() -> None:
    undeclared = [
        (method, path) for method, path, permission in ROUTES
        if permission is None and (method, path) not in PUBLIC | ANY_ACCOUNT | SKIPPED_REQUESTS
    ]  # fmt: skip
    assert undeclared == []


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Role, httpx.Client]]:
    server: LiveServer = start_server(tmp_path_factory.mktemp("roles") / "data")
    admin = server.client()
    by_role = {Role.admin: admin}
    for role in Role:
        if role is not Role.admin:
            zones = ("thon-dong",) if role is Role.village_head else ()
            by_role[role] = account(server, admin, f"nguoi-{role.value}", role.value, zones)
    yield by_role
    stop_server(server)


def _concrete(path: str) -> str:
    """Fill path parameters with ids that do not exist, so no allowed request changes anything."""
    return re.sub(r"\{(\w+)\}", lambda m: {"fmt": "mp3", "sha256": "0" * 64}.get(m.group(1), "999999"), path)


GUARDED = [(m, p, perm) for m, p, perm in ROUTES if perm is not None and (m, p) not in SKIPPED_REQUESTS]


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
@pytest.mark.parametrize(("method", "path", "permission"), GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED])
def test_role_meets_the_matrix_at_every_endpoint(
    clients: dict[Role, httpx.Client], role: Role, method: str, path: str, permission: Permission
) -> None:
    response = clients[role].request(method, _concrete(path), json={} if method in ("POST", "PUT") else None)
    if permission in MATRIX[role]:
        assert response.status_code != 403, response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert "không có quyền" in response.text
