"""First-run content: a demo commune with five villages, one simulated speaker each, and an admin.

Only runs on an empty database, so a real deployment's data is never touched.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.config import Settings
from radio.security import hash_password
from radio.storage.models import Commune, Speaker, User, Zone

DEMO_COMMUNE = "Xã Hòa Bình"
DEMO_ZONES = [  # (name, slug): slugs are URL parts of the zone streams, so they stay ASCII
    ("Thôn Đông", "thon-dong"),
    ("Thôn Tây", "thon-tay"),
    ("Xóm Đồng Bãi", "xom-dong-bai"),
    ("Bản Nà Hin", "ban-na-hin"),
    ("Tổ dân phố 5", "to-dan-pho-5"),
]


@dataclass(frozen=True)
class FirstRunLogin:
    username: str
    password: str


def seed_demo(session: Session, settings: Settings) -> FirstRunLogin | None:
    """Create the demo commune and admin if there is no commune yet; return the login to print once."""
    if session.scalar(select(Commune.id).limit(1)) is not None:
        return None
    quiet_start, quiet_end = settings.quiet_hours_range or (None, None)
    commune = Commune(
        name=DEMO_COMMUNE,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        max_session_minutes=settings.max_session_minutes,
    )
    session.add(commune)
    for position, (name, slug) in enumerate(DEMO_ZONES):
        zone = Zone(commune=commune, name=name, slug=slug, position=position)
        zone.speakers.append(Speaker(name=f"Cụm loa {name}", kind="simulated"))
        session.add(zone)
    password = settings.admin_password or secrets.token_urlsafe(9)
    session.add(
        User(
            username="admin",
            full_name="Quản trị",
            password_hash=hash_password(password),
            role="admin",
            commune=commune,
            must_change_password=settings.admin_password is None,  # a printed password is replaced at first login
        )
    )
    session.flush()
    return FirstRunLogin("admin", password)
