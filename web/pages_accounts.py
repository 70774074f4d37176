"""Accounts: one's own password (forced after a password someone else chose) and, for quản trị, users and roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.accounts import change_password, create_user, reset_password, update_user
from radio.errors import Refusal
from radio.roles import ROLE_LABELS
from radio.storage.models import User, Zone
from web.csrf import require_csrf
from web.deps import PageAdmin, SessionDep, api_user_any, audit, page_user_any
from web.pages import render
from web.validation import RowId

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
api_router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(require_csrf)])
# Reachable while a password change is pending (every other route refuses until it is done).
AnyPageUser = Annotated[User, Depends(page_user_any)]
AnyApiUser = Annotated[User, Depends(api_user_any)]


@router.get("/account/password")
def password_page(request: Request, user: AnyPageUser) -> HTMLResponse:
    return render(request, "password.html", user=user, errors={})


@router.post("/account/password")
async def password_submit(request: Request, session: SessionDep, user: AnyPageUser) -> Response:
    form = await request.form()
    try:
        change_password(user, *(str(form.get(name, "")) for name in ("current", "new", "repeated")))
    except Refusal as refusal:
        return render(request, "password.html", 422, user=user, errors=refusal.errors)
    audit(request, session, user, "password.change", "changed own password")
    request.session["flash"] = "Đã đổi mật khẩu."
    return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)


class PasswordIn(BaseModel):
    current: str
    new: str


@api_router.post("/password", status_code=204, responses={422: {"description": "Mật khẩu mới không dùng được"}})
def api_password(body: PasswordIn, request: Request, session: SessionDep, user: AnyApiUser) -> Response:
    """Change one's own password (required before anything else when the account has a temporary one)."""
    try:
        change_password(user, body.current, body.new, body.new)
    except Refusal as refusal:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, " ".join(refusal.errors.values())) from refusal
    audit(request, session, user, "password.change", "changed own password")
    return Response(status_code=204)


def _users_page(request: Request, session: Session, user: User, code: int = 200, **values: object) -> HTMLResponse:
    users = session.scalars(select(User).order_by(User.username)).all()
    zones = session.scalars(select(Zone).order_by(Zone.position)).all()
    values.setdefault("errors", {})
    return render(request, "users.html", code, user=user, users=users, zones=zones, roles=ROLE_LABELS, **values)


@router.get("/users")
def users_page(request: Request, session: SessionDep, user: PageAdmin) -> HTMLResponse:
    return _users_page(request, session, user)


def _zones(session: Session, slugs: list[str]) -> list[Zone]:
    return list(session.scalars(select(Zone).where(Zone.slug.in_(slugs)).order_by(Zone.position)))


@router.post("/users")
async def add_user(request: Request, session: SessionDep, user: PageAdmin) -> Response:
    form = await request.form()
    role, zones = str(form.get("role", "")), _zones(session, [str(slug) for slug in form.getlist("zones")])
    try:
        created, password = create_user(
            session, user.commune_id, str(form.get("username", "")), str(form.get("full_name", "")), role, zones
        )
    except Refusal as refusal:
        return _users_page(request, session, user, 422, errors=refusal.errors, form=form)
    audit(request, session, user, "user.create", f"{created.username} as {role} ({', '.join(z.slug for z in zones)})")
    request.session["flash"] = (
        f"Đã tạo tài khoản “{created.username}”. Mật khẩu tạm: {password} — chỉ hiện một lần; "
        "người dùng phải đổi mật khẩu khi đăng nhập lần đầu."
    )
    return RedirectResponse("/users", status_code=status.HTTP_303_SEE_OTHER)


def _target(session: Session, user_id: RowId) -> User:
    target = session.get(User, user_id)
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có tài khoản này.")
    return target


@router.post("/users/{user_id}")
async def edit_user(request: Request, user_id: RowId, session: SessionDep, user: PageAdmin) -> Response:
    target, form = _target(session, user_id), await request.form()
    role, zones = str(form.get("role", "")), _zones(session, [str(slug) for slug in form.getlist("zones")])
    try:
        update_user(target, role, zones, bool(form.get("disabled")), user)
    except Refusal as refusal:
        session.rollback()
        return _users_page(request, session, user, 422, errors=refusal.errors)
    detail = f"{target.username}: {role} ({', '.join(z.slug for z in zones)}){' disabled' if target.disabled else ''}"
    audit(request, session, user, "user.update", detail)
    request.session["flash"] = f"Đã lưu tài khoản “{target.username}”."
    return RedirectResponse("/users", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/users/{user_id}/reset-password")
def reset_user_password(request: Request, user_id: RowId, session: SessionDep, user: PageAdmin) -> Response:
    target = _target(session, user_id)
    password = reset_password(target)
    audit(request, session, user, "user.reset_password", target.username)
    request.session["flash"] = f"Mật khẩu tạm mới của “{target.username}”: {password} — chỉ hiện một lần."
    return RedirectResponse("/users", status_code=status.HTTP_303_SEE_OTHER)
