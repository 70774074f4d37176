"""Logging in, with a lockout after repeated failures, and the audit trail of who did what from where.

Both web pages and the API call these, so a password guesser meets the same lock on every door.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.errors import Refusal
from radio.security import verify_password
from radio.storage.models import AuditEvent, User

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
BAD_LOGIN = "Sai tên đăng nhập hoặc mật khẩu."


def record(session: Session, action: str, detail: str, *, user: User | None = None, username: str = "",
           remote: str = "") -> None:  # fmt: skip
    """One line of the audit trail (added to the caller's transaction, so it commits with the action)."""
    session.add(
        AuditEvent(user_id=user.id if user else None, username=user.username if user else username, action=action,
                   detail=detail[:2000], remote=remote[:64])
    )  # fmt: skip


def authenticate(session: Session, username: str, password: str, now: datetime, remote: str, tz: ZoneInfo) -> User:
    """The user, or Refusal with a Vietnamese message; failures count towards a 15-minute lock."""
    user = session.scalar(select(User).where(User.username == username))
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


def audit_events(session: Session, limit: int = 1000) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


def audit_csv(events: Iterable[AuditEvent], tz: ZoneInfo) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(out)
    writer.writerow(["Thời điểm", "Người dùng", "Thao tác", "Chi tiết", "Địa chỉ"])
    for event in events:
        writer.writerow([event.at.astimezone(tz).isoformat(timespec="seconds"), event.username, event.action,
                         event.detail, event.remote])  # fmt: skip
    return out.getvalue()
