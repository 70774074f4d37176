"""Punctuality of the playout: start error (actual - planned) over 200 starts, first on an empty
station (baseline), then with 10,000 recurring programmes stored, plus the time to plan the next
day's airings of those 10,000 programmes.

Runs the real station in-process (scheduler, playout clocks, stream encoders) on a temporary
SQLite database. Last line: start_error_p50_ms=… start_error_p99_ms=… start_error_max_ms=… next_day_10k_ms=…
(the loaded run; the baseline is printed on the line above).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tts  # noqa: E402
from radio.config import Settings  # noqa: E402
from radio.rendering import store_asset  # noqa: E402
from radio.station import Station  # noqa: E402
from radio.storage.models import Broadcast, ItemKind, Programme, ProgrammeItem, User, Zone  # noqa: E402
from schedules.air_scheduler import AirScheduler  # noqa: E402
from schedules.planner import materialize  # noqa: E402
from schedules.programmes import ItemSpec, ProgrammeSpec  # noqa: E402

STARTS = 200
SPACING_S = 1.5  # per village; five villages interleave, so a start every 0.3 s overall
RNG = random.Random(20261124)


def tone_asset(station: Station) -> str:
    seconds = np.arange(22050) / 22050
    audio = tts.Audio((0.3 * np.sin(2 * np.pi * 440 * seconds)).astype(np.float32), 22050)
    with station.sessions.begin() as session:
        return store_asset(session, station.settings, tts.encode_mp3(audio), key=None).sha256


def run_starts(station: Station, scheduler: AirScheduler, sha256: str, author_id: int, label: str) -> np.ndarray:
    """Plan STARTS one-second items across the villages, wait for them, return |start error| in ms."""
    with station.sessions() as session:
        slugs = list(session.scalars(select(Zone.slug).order_by(Zone.position)))
    # every start must be planned before the first one is due: time one planning, then leave room for all
    timing = time.perf_counter()
    far = datetime.now(UTC) + timedelta(days=3)
    probe = ProgrammeSpec(
        f"{label} probe", [slugs[-1]], [ItemSpec(ItemKind.audio, audio_sha256=sha256)], one_off_at=far
    )
    scheduler.cancel(scheduler.add(probe, author_id))
    begin = datetime.now(UTC) + timedelta(seconds=5 + 1.5 * STARTS * (time.perf_counter() - timing))
    ids = []
    adding = time.perf_counter()
    for index in range(STARTS):
        at = begin + timedelta(seconds=(index // len(slugs)) * SPACING_S + (index % len(slugs)) * 0.05)
        spec = ProgrammeSpec(
            title=f"{label} {index}", zone_slugs=[slugs[index % len(slugs)]], one_off_at=at,
            items=[ItemSpec(ItemKind.audio, audio_sha256=sha256)],
        )  # fmt: skip
        ids.append(scheduler.add(spec, author_id))
    print(f"{label}: planned {STARTS} programmes in {time.perf_counter() - adding:.1f} s", flush=True)
    deadline = time.monotonic() + STARTS / len(slugs) * SPACING_S + 60
    while time.monotonic() < deadline:
        with station.sessions() as session:
            rows = session.execute(
                select(Broadcast.planned_at, Broadcast.started_at).where(Broadcast.programme_id.in_(ids))
            ).all()
        if all(started is not None for _, started in rows):
            break
        time.sleep(0.5)
    return np.array([abs((started - planned).total_seconds()) * 1000 for planned, started in rows])


def store_recurring(station: Station, count: int) -> None:
    """`count` daily programmes at random minutes, two or more hours from now (outside the measured runs)."""
    now_local = datetime.now(station.settings.tz)
    with station.sessions.begin() as session:
        commune_id = session.scalars(select(User.commune_id)).first()
        zones = list(session.scalars(select(Zone)))
        for index in range(count):
            start = (now_local + timedelta(hours=2, minutes=RNG.randrange(0, 20 * 60))).time().replace(second=0)
            session.add(
                Programme(
                    commune_id=commune_id,
                    title=f"Chương trình {index}",
                    start_time=start,
                    rrule="FREQ=DAILY",
                    zones=[RNG.choice(zones)],
                    items=[ProgrammeItem(position=0, kind=ItemKind.gap, title="Khoảng lặng", duration_s=10)],
                )  # fmt: skip
            )


def figures(errors: np.ndarray) -> str:
    return (
        f"start_error_p50_ms={np.percentile(errors, 50):.2f} start_error_p99_ms={np.percentile(errors, 99):.2f} "
        f"start_error_max_ms={errors.max():.2f}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), quiet_hours="", admin_password="bench-password")
        station = Station(settings)
        station.prepare_database()
        station.start()
        scheduler = AirScheduler(station)
        scheduler.start()
        try:
            with station.sessions() as session:
                author_id = session.scalars(select(User.id)).one()
            sha256 = tone_asset(station)
            baseline = run_starts(station, scheduler, sha256, author_id, "baseline")
            print(f"baseline (empty station, {len(baseline)} starts): {figures(baseline)}")

            store_recurring(station, 10_000)
            now = datetime.now(UTC)
            with station.sessions.begin() as session:
                began = time.perf_counter()
                planned = materialize(session, settings.tz, now, now + timedelta(days=1))
                next_day_ms = (time.perf_counter() - began) * 1000
            print(
                f"planned {len(planned)} airings of 10,000 stored programmes for the next day in {next_day_ms:.0f} ms"
            )
            scheduler.replan()  # arms the 10,000 airings too: the scheduler now carries the load
            loaded = run_starts(station, scheduler, sha256, author_id, "loaded")
            print(f"loaded (10,000 programmes, {len(loaded)} starts): {figures(loaded)}")
            print(f"{figures(loaded)} next_day_10k_ms={next_day_ms:.0f}")
        finally:
            scheduler.stop()
            station.stop()


if __name__ == "__main__":
    main()
