"""Logging in, with a lockout after repeated failures, and the audit trail of who did what from where.

Both web pages and the API call these, so a password guesser meets the same lock on every door.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.audit_labels import DetailReader, action_label, person_label
from radio.errors import Refusal
from radio.roles import Role
from radio.security import hash_password, verify_password
from radio.spreadsheet import text_row
from radio.storage.models import AuditEvent, User, Zone

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
BAD_LOGIN = "Sai tên đăng nhập hoặc mật khẩu."
USERNAME = re.compile(r"[A-Za-z0-9._-]{3,50}")


def record(session: Session, action: str, detail: str, *, user: User | None = None, username: str = "",
           remote: str = "") -> None:  # fmt: skip
    """One line of the audit trail (added to the caller's transaction, so it commits with the action)."""
    session.add(
        AuditEvent(user_id=user.id if user else None, username=user.username if user else username, action=action,
                   detail=detail[:2000], remote=remote[:64])
    )  # fmt: skip


def authenticate(session: Session, username: str, password: str, now: datetime, remote: str, tz: ZoneInfo) -> User:
    """The user, or Refusal with a Vietnamese message; failures count towards a 15-minute lock."""
    user = session.scalar(select(User).where(User.username == username, User.disabled.is_(False)))
    if user is not None and user.locked_until is not None and user.locked_until > now:
        record(session, "login.locked", "refused while locked", user=user, remote=remote)
        session.commit()
        until = user.locked_until.astimezone(tz).strftime("%H:%M")
        raise Refusal({"login": f"Tài khoản tạm khóa đến {until} vì đăng nhập sai nhiều lần."})
    if user is None or not verify_password(user.password_hash, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
                log.warning("user %s locked for %s after %d failed logins from %s", username, LOCKOUT, MAX_FAILURES,
                            remote)  # fmt: skip
        record(session, "login.failed", "wrong username or password", user=user, username=username, remote=remote)
        session.commit()
        raise Refusal({"login": BAD_LOGIN})
    user.failed_logins, user.locked_until = 0, None
    record(session, "login", "logged in", user=user, remote=remote)
    session.commit()
    return user


@dataclass(frozen=True)
class AuditLine:
    """One audit event as officials read it, beside the codes stored as evidence."""

    at: datetime
    person: str  # full name (user name), or the station's name for the actor
    username: str
    action: str  # the stored code, e.g. "bulletin.create"
    action_label: str
    detail: str  # in Vietnamese where its shape is known
    raw_detail: str
    remote: str


def audit_events(session: Session, tz: ZoneInfo, limit: int = 1000) -> list[AuditLine]:
    """The latest events first, with full names as the accounts hold them now and villages by name."""
    rows = session.execute(
        select(AuditEvent, User.full_name).outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.id.desc()).limit(limit)
    ).all()  # fmt: skip
    read = DetailReader(tz, dict(session.execute(select(Zone.slug, Zone.name)).tuples().all()))
    return [
        AuditLine(event.at, person_label(event.username, full_name or ""), event.username, event.action,
                  action_label(event.action), read(event.action, event.detail), event.detail, event.remote)
        for event, full_name in rows
    ]  # fmt: skip


AUDIT_CSV_HEADERS = ["Thời điểm", "Người dùng", "Tên đăng nhập", "Thao tác", "Mã thao tác", "Chi tiết",
                     "Chi tiết gốc", "Địa chỉ"]  # fmt: skip


def audit_csv(lines: Iterable[AuditLine], tz: ZoneInfo) -> str:
    """Vietnamese columns for the reader, and the stored codes and details beside them for scripts and evidence."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(out)
    writer.writerow(AUDIT_CSV_HEADERS)
    for line in lines:
        at = line.at.astimezone(tz).isoformat(timespec="seconds")
        writer.writerow(text_row([at, line.person, line.username, line.action_label, line.action, line.detail,
                                  line.raw_detail, line.remote]))  # fmt: skip
    return out.getvalue()


MIN_PASSWORD_CHARS = 10


def password_problem(user: User, password: str) -> str | None:
    """Why a new password cannot be used (Vietnamese), or None: length, and not the user name."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"Mật khẩu mới phải có ít nhất {MIN_PASSWORD_CHARS} ký tự."
    if password.strip().casefold() == user.username.casefold():
        return "Mật khẩu mới không được trùng tên đăng nhập."
    return None


def change_password(user: User, current: str, new: str, repeated: str) -> None:
    """The user's own change (also the forced one after a password someone else chose)."""
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        errors["current"] = "Mật khẩu hiện tại không đúng."
    elif new != repeated:
        errors["repeated"] = "Hai lần nhập mật khẩu mới không khớp."
    elif verify_password(user.password_hash, new):
        errors["new"] = "Mật khẩu mới phải khác mật khẩu hiện tại."
    elif problem := password_problem(user, new):
        errors["new"] = problem
    if errors:
        raise Refusal(errors)
    user.password_hash, user.must_change_password = hash_password(new), False


def temporary_password() -> str:
    """Handed over by the admin once; the user must replace it at the first login."""
    return secrets.token_urlsafe(9)


def create_user(
    session: Session, commune_id: int, username: str, full_name: str, role: str, zones: list[Zone]
) -> tuple[User, str]:
    """A new account with a temporary password (returned once) that must be changed at first login."""
    errors = _account_errors(role, zones)
    username = username.strip()
    if not USERNAME.fullmatch(username):
        errors["username"] = "Tên đăng nhập gồm 3–50 chữ cái không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới."
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = f"Đã có tài khoản “{username}”."
    if errors:
        raise Refusal(errors)
    password = temporary_password()
    user = User(username=username, full_name=full_name.strip()[:200], role=role, commune_id=commune_id,
                password_hash=hash_password(password), must_change_password=True, zones=zones)  # fmt: skip
    session.add(user)
    session.flush()
    return user, password


def update_user(user: User, role: str, zones: list[Zone], disabled: bool, acting: User) -> None:
    errors = _account_errors(role, zones)
    if user.id == acting.id and (role != Role.admin or disabled):
        errors["role"] = "Không thể tự bỏ quyền quản trị hay tự khóa tài khoản của mình."
    if errors:
        raise Refusal(errors)
    user.role, user.zones, user.disabled = role, zones, disabled


def reset_password(user: User) -> str:
    """A new temporary password (returned once); the old one stops working now."""
    password = temporary_password()
    user.password_hash, user.must_change_password = hash_password(password), True
    user.failed_logins, user.locked_until = 0, None
    return password


def _account_errors(role: str, zones: list[Zone]) -> dict[str, str]:
    if role not in Role.__members__:
        return {"role": "Vai trò không hợp lệ."}
    if role == Role.village_head and not zones:
        return {"zones": "Trưởng thôn phải được giao ít nhất một thôn, xóm."}
    return {}
