"""Composing: every kind of bad input is named in Vietnamese, and nothing reaches the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from radio.bulletins import BulletinDraft, BulletinError, title_or_first_line
from radio.config import Settings
from radio.station import Station
from radio.storage.models import AudioAsset, Broadcast, Bulletin, User
from schedules.planner import plan_bulletin


def _counts(station: Station) -> tuple[int, int, int]:
    with station.sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Bulletin, Broadcast, AudioAsset))


def test_bad_drafts_name_every_problem_and_save_nothing(settings: Settings) -> None:
    station = Station(settings)
    station.prepare_database()
    now = datetime.now(UTC)
    draft = BulletinDraft("", "", "xx", ["thon-dong", "khong-co"], now - timedelta(minutes=1))
    with pytest.raises(BulletinError) as refused, station.sessions.begin() as session:
        plan_bulletin(session, settings, draft, session.scalars(select(User)).one(), now)
    assert set(refused.value.errors) == {"text", "voice", "zones", "air_at"}
    assert "khong-co" in refused.value.errors["zones"]
    assert _counts(station) == (0, 0, 0)


def test_a_good_draft_plans_one_airing_per_village(settings: Settings) -> None:
    station = Station(settings)
    station.prepare_database()
    now = datetime.now(UTC)
    draft = BulletinDraft("", "Mời bà con dự họp.\nThời gian: 19h.", "vi", ["to-dan-pho-5", "thon-dong"], None)
    with station.sessions.begin() as session:
        bulletin, broadcasts = plan_bulletin(session, settings, draft, session.scalars(select(User)).one(), now)
        assert bulletin.title == "Mời bà con dự họp."
        assert [b.zone.slug for b in broadcasts] == ["thon-dong", "to-dan-pho-5"]  # village order, not click order
        assert {b.planned_at for b in broadcasts} == {now}
        assert (settings.audio_dir / bulletin.audio.path).stat().st_size > 1000
    assert _counts(station) == (1, 2, 1)


def test_long_first_line_is_shortened_for_the_title() -> None:
    title = title_or_first_line("", "x" * 200)
    assert len(title) == 80 and title.endswith("…")
