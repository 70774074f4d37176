"""FastAPI dependencies shared by pages and API: settings, station, database session, current user."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from radio.accounts import record
from radio.config import Settings
from radio.roles import PERMISSION_REFUSED, Permission, can
from radio.station import Station
from radio.storage.models import User
from schedules.air_scheduler import AirScheduler


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_station(request: Request) -> Station:
    return request.app.state.station


def get_scheduler(request: Request) -> AirScheduler:
    return request.app.state.scheduler


def get_session(station: Annotated[Station, Depends(get_station)]) -> Iterator[Session]:
    with station.sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
StationDep = Annotated[Station, Depends(get_station)]
SchedulerDep = Annotated[AirScheduler, Depends(get_scheduler)]
SessionDep = Annotated[Session, Depends(get_session)]


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to the login page."""


class PasswordChangeRequired(Exception):
    """Raised by page dependencies while the user still has a password someone else chose."""


PASSWORD_CHANGE_REQUIRED = "Bạn phải đổi mật khẩu trước khi tiếp tục."


def _user_from_cookie(request: Request, session: Session) -> User | None:
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if user_id is not None else None
    return None if user is None or user.disabled else user


def api_user_any(request: Request, session: SessionDep) -> User:
    """Logged in, even with a password still to change (for the change-password endpoint itself)."""
    user = _user_from_cookie(request, session)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Chưa đăng nhập.")
    return user


def page_user_any(request: Request, session: SessionDep) -> User:
    user = _user_from_cookie(request, session)
    if user is None:
        raise LoginRequired
    request.state.user = user  # so a refusal page still shows this user's menu
    return user


def api_permit(permission: Permission) -> Callable[..., User]:
    """API dependency: the logged-in user if their role holds `permission`, else 401/403 with the reason."""

    def dependency(user: Annotated[User, Depends(api_user_any)]) -> User:
        if user.must_change_password:
            raise HTTPException(status.HTTP_403_FORBIDDEN, PASSWORD_CHANGE_REQUIRED)
        if not can(user, permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN, PERMISSION_REFUSED)
        return user

    dependency.permission = permission  # type: ignore[attr-defined]  # read by the role × endpoint test
    return dependency


def page_permit(permission: Permission) -> Callable[..., User]:
    """Page dependency: like `api_permit`, but sends the browser to log in or change its password."""

    def dependency(user: Annotated[User, Depends(page_user_any)]) -> User:
        if user.must_change_password:
            raise PasswordChangeRequired
        if not can(user, permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN, PERMISSION_REFUSED)
        return user

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


# Any logged-in role may view; routes that change anything take a stricter alias or `*_permit(...)`.
ApiUser = Annotated[User, Depends(api_permit(Permission.view))]
PageUser = Annotated[User, Depends(page_permit(Permission.view))]
ApiDrafter = Annotated[User, Depends(api_permit(Permission.draft))]
ApiApprover = Annotated[User, Depends(api_permit(Permission.approve))]
ApiProgrammer = Annotated[User, Depends(api_permit(Permission.programmes))]
ApiSettings = Annotated[User, Depends(api_permit(Permission.settings))]
ApiController = Annotated[User, Depends(api_permit(Permission.speakers))]
PageDrafter = Annotated[User, Depends(page_permit(Permission.draft))]
PageApprover = Annotated[User, Depends(page_permit(Permission.approve))]
PageProgrammer = Annotated[User, Depends(page_permit(Permission.programmes))]
PageSettings = Annotated[User, Depends(page_permit(Permission.settings))]
PageController = Annotated[User, Depends(page_permit(Permission.speakers))]
PageAdmin = Annotated[User, Depends(page_permit(Permission.users))]
Auditor = Annotated[User, Depends(page_permit(Permission.audit))]


def remote_of(request: Request) -> str:
    return request.client.host if request.client else ""


def audit(request: Request, session: Session, user: User, action: str, detail: str) -> None:
    """Record and commit one action of `user` in the audit trail (the action itself is already stored)."""
    record(session, action, detail, user=user, remote=remote_of(request))
    session.commit()


def agents_online(app: Any) -> Counter[int]:
    """Open agent connections per speaker in this process (an agent may briefly hold two while reconnecting)."""
    if not hasattr(app.state, "agents_online"):
        app.state.agents_online = Counter()
    return app.state.agents_online
