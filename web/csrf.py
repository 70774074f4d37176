"""CSRF protection for the server-rendered forms: a per-session token in every form, checked on every
unsafe request that carries a session cookie. The JSON API takes the same token in `X-CSRF-Token`
(browsers cannot forge that header cross-site), so one rule covers pages and scripts alike.

Written by hand because Starlette ships none and the maintained add-ons check headers only, which
plain HTML forms cannot send.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request, status

SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
REFUSED = "Phiên làm việc đã hết hạn hoặc yêu cầu không hợp lệ. Hãy tải lại trang rồi thử lại."


def csrf_token(request: Request) -> str:
    """The session's token, made on first use (so the login page already carries one)."""
    token = request.session.get(SESSION_KEY)
    if token is None:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


async def require_csrf(request: Request) -> None:
    """Router dependency: refuse an unsafe request of a logged-in session whose token is missing or wrong.

    Without a logged-in session there is nothing to forge; such requests meet the login check instead.
    """
    if request.method in SAFE_METHODS or "user_id" not in request.session:
        return
    expected = request.session.get(SESSION_KEY)
    given = request.headers.get(HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get(FIELD, ""))
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise HTTPException(status.HTTP_403_FORBIDDEN, REFUSED)
