"""Adding and renaming villages (thôn, xóm, bản): the units a commune targets, each with its own stream."""

from __future__ import annotations

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from radio.storage.models import Commune, Zone

NAME_MAX_CHARS = 200


class VillageError(ValueError):
    """Refused: the English text for the console and logs, `vietnamese` for the page."""

    def __init__(self, english: str, vietnamese: str) -> None:
        super().__init__(english)
        self.vietnamese = vietnamese


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise VillageError("a village needs a name", "Hãy nhập tên thôn, xóm.")
    if len(name) > NAME_MAX_CHARS:
        raise VillageError(f"a village name has at most {NAME_MAX_CHARS} characters",
                           f"Tên thôn, xóm dài quá {NAME_MAX_CHARS} ký tự.")  # fmt: skip
    return name


def add_village(session: Session, name: str, slug: str | None = None) -> Zone:
    """A new village in the (first) commune; its slug is the URL of its stream, ASCII from the name by default."""
    name = _checked_name(name)
    slug = slugify(slug or name, max_length=100)
    if not slug:
        raise VillageError(
            f"cannot make a URL name from {name!r}; give --slug",
            "Không tạo được tên đường dẫn từ tên này; hãy nhập tên đường dẫn (chữ không dấu).",
        )
    if session.scalar(select(Zone.id).where(Zone.slug == slug)) is not None:
        raise VillageError(f"a village with the URL name {slug!r} exists already",
                           f"Đã có thôn, xóm với tên đường dẫn “{slug}”.")  # fmt: skip
    commune = session.scalars(select(Commune).order_by(Commune.id)).first()
    if commune is None:
        raise VillageError("no commune yet: start the station once to create it", "Chưa có xã.")
    position = (session.scalar(select(func.max(Zone.position))) or 0) + 1
    zone = Zone(commune=commune, name=name, slug=slug, position=position)
    session.add(zone)
    session.flush()
    return zone


def rename_village(session: Session, slug: str, name: str) -> Zone:
    zone = session.scalar(select(Zone).where(Zone.slug == slug))
    if zone is None:
        raise VillageError(f"no village {slug!r}", f"Không có thôn, xóm “{slug}”.")
    zone.name = _checked_name(name)
    return zone
