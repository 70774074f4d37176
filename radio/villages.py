"""Adding and renaming villages (thôn, xóm, bản): the units a commune targets, each with its own stream."""

from __future__ import annotations

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from radio.storage.models import Commune, Zone


class VillageError(ValueError):
    pass


def add_village(session: Session, name: str, slug: str | None = None) -> Zone:
    """A new village in the (first) commune; its slug is the URL of its stream, ASCII from the name by default."""
    name = name.strip()
    if not name:
        raise VillageError("a village needs a name")
    slug = slugify(slug or name)
    if not slug:
        raise VillageError(f"cannot make a URL name from {name!r}; give --slug")
    if session.scalar(select(Zone.id).where(Zone.slug == slug)) is not None:
        raise VillageError(f"a village with the URL name {slug!r} exists already")
    commune = session.scalars(select(Commune).order_by(Commune.id)).first()
    if commune is None:
        raise VillageError("no commune yet: start the station once to create it")
    position = (session.scalar(select(func.max(Zone.position))) or 0) + 1
    zone = Zone(commune=commune, name=name, slug=slug, position=position)
    session.add(zone)
    session.flush()
    return zone


def rename_village(session: Session, slug: str, name: str) -> Zone:
    zone = session.scalar(select(Zone).where(Zone.slug == slug))
    if zone is None:
        raise VillageError(f"no village {slug!r}")
    if not name.strip():
        raise VillageError("a village needs a name")
    zone.name = name.strip()
    return zone
