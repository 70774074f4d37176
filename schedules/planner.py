"""Planning a bulletin: one planned airing (Broadcast row) per target village at the chosen instant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from radio.bulletins import BulletinDraft, create_bulletin
from radio.config import Settings
from radio.storage.models import Broadcast, Bulletin, User


def plan_bulletin(
    session: Session, settings: Settings, draft: BulletinDraft, author: User, now: datetime
) -> tuple[Bulletin, list[Broadcast]]:
    """Create the bulletin and its airings in the session (not committed): all or nothing for the caller."""
    bulletin, zones = create_bulletin(session, settings, draft, author, now)
    at = draft.air_at or now
    broadcasts = [
        Broadcast(bulletin=bulletin, zone=zone, planned_at=at, audio_sha256=bulletin.audio_sha256) for zone in zones
    ]
    session.add_all(broadcasts)
    session.flush()
    return bulletin, broadcasts
