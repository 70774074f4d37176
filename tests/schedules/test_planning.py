"""Planning on a controllable clock: airing rules, overlaps with a suggested free slot, priorities,
idempotent materialisation. Real SQLite, no audio rendering (relay and gap items have known lengths)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from radio.config import Settings
from radio.errors import Refusal
from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, ItemKind, Priority, Programme, User, Zone
from schedules.planner import add_programme, cancel_programme, materialize, replace_programme, session_order
from schedules.programmes import ItemSpec, ProgrammeSpec, build_programme, morning_template

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=HANOI)  # a Monday noon: the fixed "now" of every test
WEEK = timedelta(days=7)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    station = Station(settings.model_copy(update={"quiet_hours": "21:00-05:00"}))
    station.prepare_database()  # demo commune: quiet hours 21:00-05:00, 45-minute sessions
    with station.sessions() as session:
        yield session
    station.engine.dispose()


def gap(seconds: float) -> ItemSpec:
    return ItemSpec(ItemKind.gap, seconds=seconds)


def programme(session: Session, **changes: object) -> Programme:
    spec = ProgrammeSpec(
        title="Buổi sáng", zone_slugs=["thon-dong"], items=[gap(600)], start_time=time(5, 30),
        repeat="weekdays", weekdays=[1, 2, 3, 4, 5, 6],
    )  # fmt: skip
    for name, value in changes.items():
        setattr(spec, name, value)
    author = session.scalars(select(User)).one()
    return build_programme(session, spec, author.commune_id, author.id, NOW)


def add(session: Session, **changes: object) -> list[Broadcast]:
    return add_programme(session, programme(session, **changes), HANOI, NOW, WEEK)


def test_morning_template_plans_chime_and_relays_back_to_back_in_five_villages(session: Session) -> None:
    slugs = list(session.scalars(select(Zone.slug)))
    rows = add(
        session, title="Buổi sáng: VOV → huyện → xã", zone_slugs=slugs,
        items=morning_template("http://127.0.0.1:9/vov.mp3", "http://127.0.0.1:9/huyen.mp3"),
    )  # fmt: skip
    # Tuesday to Saturday of this week and next Monday: six mornings, five villages, three items
    assert len(rows) == 6 * 5 * 3
    first_morning = sorted((r for r in rows if r.zone.slug == "thon-dong"), key=lambda r: r.planned_at)[:3]
    assert [r.kind for r in first_morning] == [ItemKind.chime, ItemKind.relay, ItemKind.relay]
    assert first_morning[0].planned_at.astimezone(HANOI) == datetime(2026, 11, 24, 5, 30, tzinfo=HANOI)
    assert first_morning[2].planned_at - first_morning[1].planned_at == timedelta(minutes=15)


def test_overlap_in_the_same_village_is_refused_with_the_next_free_slot(session: Session) -> None:
    add(session)  # 05:30-05:40 in Thôn Đông
    with pytest.raises(Refusal) as refused:
        add(session, title="Thông báo", start_time=time(5, 35), items=[gap(300)])
    message = refused.value.errors["when"]
    assert "Thôn Đông: trùng với chương trình “Buổi sáng” (05:30–05:40" in message
    assert "Khung giờ trống gần nhất: 05:40 ngày 24/11/2026" in message
    session.rollback()  # what every caller's transaction does with a refusal
    assert session.scalar(select(func.count()).select_from(Programme).where(Programme.title == "Thông báo")) == 0


def test_suggested_slot_skips_programmes_at_other_hours_too(session: Session) -> None:
    add(session)  # 05:30-05:40
    add(session, title="Tin huyện", start_time=time(5, 40), items=[gap(600)])  # 05:40-05:50
    with pytest.raises(Refusal) as refused:
        add(session, title="Thông báo ngắn", start_time=time(5, 31), items=[gap(180)])
    assert "Khung giờ trống gần nhất: 05:50 ngày 24/11/2026" in refused.value.errors["when"]


def test_another_village_may_air_different_content_in_the_same_slot(session: Session) -> None:
    add(session)
    rows = add(session, title="Tin thôn Tây", zone_slugs=["thon-tay"], start_time=time(5, 30), items=[gap(120)])
    assert {r.zone.slug for r in rows} == {"thon-tay"}


def test_quiet_hours_weekdays_and_session_length_are_enforced(session: Session) -> None:
    with pytest.raises(Refusal, match="giờ không phát"):
        add(session, start_time=time(4, 55))  # runs into nothing: starts inside quiet hours
    with pytest.raises(Refusal, match="giờ không phát"):
        add(session, start_time=time(20, 55))  # a 10-minute session crossing 21:00
    with pytest.raises(Refusal, match="vượt giới hạn 45 phút"):
        add(session, items=[gap(600)] * 5)
    commune_zone = session.scalars(select(Zone).where(Zone.slug == "thon-dong")).one()
    commune_zone.weekdays = "12345"  # this village airs Monday to Friday only
    with pytest.raises(Refusal, match="Thứ Bảy không phải ngày được phát"):
        add(session)


def test_emergency_is_exempt_from_every_rule(session: Session) -> None:
    add(session)
    at = datetime(2026, 11, 24, 5, 25, tzinfo=HANOI)  # in quiet hours, overlapping the morning, and an hour long
    rows = add(session, title="Bão số 3", priority=Priority.emergency, one_off_at=at, items=[gap(600)] * 6)
    assert len(rows) == 6 and {r.priority for r in rows} == {Priority.emergency}


def test_materialising_twice_plans_nothing_twice(session: Session) -> None:
    add(session)
    again = materialize(session, HANOI, NOW, NOW + WEEK)
    assert again == []
    later = materialize(session, HANOI, NOW, NOW + 2 * WEEK)
    assert len(later) == 6  # only next week's mornings are new
    total = session.scalar(select(func.count()).select_from(Broadcast))
    assert total == 12


def test_priority_bulletins_go_ahead_of_ordinary_ones_in_a_session(session: Session) -> None:
    from radio.storage.models import Bulletin, ProgrammeItem

    def item(position: int, priority: Priority) -> ProgrammeItem:
        bulletin = Bulletin(title=f"b{position}", priority=priority)
        return ProgrammeItem(position=position, kind=ItemKind.bulletin, bulletin=bulletin, duration_s=10)

    mixed = Programme(
        items=[item(0, Priority.ordinary), item(1, Priority.priority), item(2, Priority.ordinary),
               item(3, Priority.priority)]
    )  # fmt: skip
    assert [i.position for i in session_order(mixed)] == [1, 3, 0, 2]


def test_cancel_and_edit(session: Session) -> None:
    rows = add(session)
    planned = rows[0].programme
    edited = programme(session, start_time=time(6, 0), skip_dates=[date(2026, 11, 25)])
    new_rows = replace_programme(session, planned, edited, HANOI, NOW, WEEK)
    assert {r.planned_at.astimezone(HANOI).time() for r in new_rows} == {time(6, 0)}
    assert date(2026, 11, 25) not in {r.planned_at.astimezone(HANOI).date() for r in new_rows}
    assert cancel_programme(session, planned) == 5
    statuses = set(session.scalars(select(Broadcast.status).where(Broadcast.programme_id == planned.id)))
    assert statuses == {BroadcastStatus.cancelled}


def test_a_bad_programme_names_every_problem(session: Session) -> None:
    with pytest.raises(Refusal) as refused:
        programme(
            session, title=" ", zone_slugs=[], repeat="weekdays", weekdays=[],
            items=[ItemSpec(ItemKind.relay, relay_url="ftp://x", minutes=5), gap(0)],
        )  # fmt: skip
    errors = refused.value.errors
    assert set(errors) == {"title", "zones", "items", "when"}
    assert "Mục 1: địa chỉ tiếp sóng" in errors["items"] and "Mục 2: khoảng lặng" in errors["items"]


def test_a_one_off_in_the_past_is_refused(session: Session) -> None:
    with pytest.raises(Refusal, match="đã qua"):
        programme(session, one_off_at=NOW - timedelta(minutes=1))


def test_rules_use_commune_time_whatever_the_server_timezone(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import time as time_module

    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    try:
        rows = add(session)
        assert rows[0].planned_at.astimezone(HANOI).time() == time(5, 30)
        assert rows[0].planned_at.astimezone(UTC).time() == time(22, 30)
    finally:
        monkeypatch.delenv("TZ")
        time_module.tzset()


def test_a_session_in_quiet_hours_is_refused_with_the_first_allowed_start(session: Session) -> None:
    with pytest.raises(Refusal) as refused:
        add(session, start_time=time(4, 50))
    assert "Khung giờ phù hợp gần nhất: 05:00 ngày 24/11/2026" in refused.value.errors["when"]
