"""Schemathesis against the OpenAPI schema of a real server: no operation answers 5xx, whatever it is sent.

Every operation in the schema is fuzzed statelessly with a fixed number of derandomized examples, both
inputs that fit the schema (positive) and inputs that break it (negative), by a logged-in admin carrying
the CSRF header. Failures are collected rather than raised at the first one, so the report lists each
operation that failed with a curl line to reproduce it, and the figures are printed for the release note.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from tests.conftest import ADMIN_PASSWORD, LiveServer, start_server, stop_server

EXAMPLES = 150  # per operation and mode: about 6,000 requests, under three minutes on a 2-core machine
ENDLESS = {"/zones/{slug}/live.mp3"}  # an endless MP3 by design (its unknown slugs: test_bad_input)
ANONYMOUS = {"/api/login", "/api/logout"}  # fuzzed from their own session, last: logout would end the admin's


@dataclass
class Findings:
    requests: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("fuzz") / "data")
    client = live.client()  # a few real rows, so small ids and known slugs reach the code behind the lookups
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    client.post("/api/bulletins", json={"title": "Họp", "text": "Mời bà con họp.", "zones": ["thon-dong"]})
    client.post(
        "/api/programmes",
        json={"title": "Buổi sáng", "zones": ["thon-dong"], "one_off_at": soon, "items": [{"kind": "chime"}]},
    )
    yield live
    stop_server(live)


def _session(url: str, logged_in: bool) -> requests.Session:
    session = requests.Session()
    if logged_in:
        login = session.post(f"{url}/api/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
        login.raise_for_status()
        session.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return session


def _explains(response: requests.Response) -> bool:
    """A 422 says why: a message, or each problem named with its field, as every refusal of the station does."""
    try:
        detail = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return False
    if isinstance(detail, str):
        return bool(detail.strip())
    return isinstance(detail, list) and all(isinstance(d, dict) and d.get("field") and d.get("message") for d in detail)


def _fuzz(operation: object, mode: GenerationMode, url: str, session: requests.Session, found: Findings) -> None:
    label = operation.label  # type: ignore[attr-defined]

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(operation.as_strategy(generation_mode=mode))  # type: ignore[attr-defined]
    def run(case: object) -> None:
        found.requests[label] += 1
        try:
            response = case.call(base_url=url, session=session, timeout=60)  # type: ignore[attr-defined]
        except requests.RequestException as error:  # a dropped connection is as bad as a 500
            found.server_errors.append(f"{label}: {error!r}\n    {case.as_curl_command(base_url=url)}")  # type: ignore[attr-defined]
            return
        if response.status_code >= 500:
            found.server_errors.append(
                f"{label}: {response.status_code}\n    {case.as_curl_command(base_url=url)}"  # type: ignore[attr-defined]
            )
        elif response.status_code == 422 and not _explains(response):
            found.unexplained.append(f"{label}: {response.text[:200]}")

    with contextlib.suppress(Unsatisfiable):  # no parameters and no body: nothing can be made invalid
        run()


def test_no_operation_answers_5xx(server: LiveServer, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzed = sorted((op for op in operations if op.path not in ENDLESS), key=lambda op: op.path in ANONYMOUS)
    admin, anonymous = _session(server.url, True), _session(server.url, False)
    found = Findings()
    for operation in fuzzed:
        session = anonymous if operation.path in ANONYMOUS else admin
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, server.url, session, found)

    with capsys.disabled():
        print(
            f"\nschemathesis: {len(fuzzed)} operations fuzzed ({len(operations) - len(fuzzed)} endless streams not), "
            f"{sum(found.requests.values())} requests, "
            f"{len(found.server_errors)} server errors, {len(found.unexplained)} unexplained refusals"
        )
    assert not found.server_errors, "\n".join(found.server_errors[:20])
    assert not found.unexplained, "\n".join(found.unexplained[:20])
    assert set(found.requests) == {op.label for op in fuzzed}  # every operation was really called
