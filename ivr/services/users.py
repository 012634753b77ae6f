"""Who may use the console (users with hashed passwords) and the API (hashed bearer tokens)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ivr.models import ApiToken, LoginFailure, TokenRole, User, UserRole
from ivr.services import roles as desk_roles
from ivr.services.names import checked_name

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_NAME = 80  # the column's length
# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no such user")


class UserError(ValueError):
    """A user or token cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class Throttle:
    """Wrong passwords allowed per account and per address within `window`, before a pause."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class Throttled(Exception):
    """Too many failed logins: try again after `retry_after`."""

    def __init__(self, retry_after: datetime) -> None:
        super().__init__(f"too many failed logins; try again after {retry_after:%H:%M}")
        self.retry_after = retry_after


def new_name(session: Session, username: str) -> str:
    """A name a new user may have: valid, and no user has it in any case ("Lead", "lead")."""
    username = checked_name(username, "a user's name", MAX_NAME, UserError)
    taken = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if taken is not None:
        raise UserError(f"user {taken.username!r} exists already")
    return username


def create_user(
    session: Session, username: str, password: str, roles: Mapping[str, str] | None = None
) -> User:
    """A new user with `roles` (desk -> role); without, an admin of every desk (what every
    user was before desks had roles; the CLI asks for roles when the line has several desks)."""
    username = new_name(session, username)
    _check_password(password)
    user = User(username=username, password_hash=generate_password_hash(password))
    session.add(user)
    try:
        session.flush()
        desk_roles.put_user_roles(session, user.id, roles or desk_roles.ADMIN_ACCESS.roles)
        session.commit()
    except IntegrityError:  # created by someone else in the meantime
        session.rollback()
        raise UserError(f"user {username!r} exists already") from None
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH or "\x00" in password:
        raise UserError(f"a password has at most {MAX_PASSWORD_LENGTH} characters and no NUL")


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _existing(session: Session, username: str) -> User:
    user = _user(session, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    return user


def set_language(session: Session, username: str, language: str) -> None:
    """The console language the user picked (one of nl, de, en)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(f"no user {username!r}")
    user.language = language
    session.commit()


def set_password(session: Session, username: str, password: str) -> None:
    """A new password; every session of the user ends (a stolen cookie dies with the old one)."""
    user = _existing(session, username)
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    session.commit()


def end_sessions(session: Session, username: str) -> None:
    """Logging out ends every session of the user, also copies of the cookie."""
    user = _user(session, username)
    if user is not None:
        user.session_version += 1
        session.commit()


def set_disabled(session: Session, username: str, disabled: bool) -> None:
    user = _existing(session, username)
    user.disabled = disabled
    user.session_version += 1
    session.commit()


def delete_user(session: Session, username: str) -> None:
    user = _existing(session, username)
    session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    session.delete(user)
    session.commit()


def set_roles(session: Session, username: str, roles: Mapping[str, str]) -> None:
    """Give the user these roles (desk -> role); other desks' roles stay. Their sessions go on:
    the roles are read again on every request."""
    user = _existing(session, username)
    desk_roles.put_user_roles(session, user.id, roles)
    session.commit()


def drop_role(session: Session, username: str, desk: str) -> None:
    """Take the user's role on `desk` away (`*`: no longer admin)."""
    user = _existing(session, username)
    if not desk_roles.drop_user_role(session, user.id, desk):
        session.rollback()
        if desk_roles.user_access(session, user.id).admin:
            raise UserError(
                f"{username} is an admin of every desk: give them a role on the desks they "
                "keep instead (--desk KEY --role agent|lead)"
            )
        raise UserError(f"{username} has no role on desk {desk!r}")
    session.commit()


def access_of(session: Session, username: str) -> desk_roles.Access:
    return desk_roles.user_access(session, _existing(session, username).id)


def session_user(session: Session, username: str, version: object) -> User | None:
    """The user a session cookie speaks for, if that session has not been ended since."""
    user = _user(session, username)
    if user is None or user.disabled or user.session_version != version:
        return None
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = _user(session, username.strip())
    if user is None or user.disabled:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def log_in(
    session: Session,
    username: str,
    password: str,
    address: str,
    *,
    now: datetime,
    throttle: Throttle = Throttle(),
) -> User | None:
    """`authenticate`, throttled per account and per address; raises Throttled while paused.

    The pause ends when the oldest failure leaves the window, so the real user is never locked
    out for longer than `window`; a successful login clears the account's failures.
    """
    username, address = username.strip()[:MAX_NAME], address[:64]
    since = now - throttle.window
    session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    for column, key, limit in (
        (LoginFailure.username, username, throttle.per_account),
        (LoginFailure.address, address, throttle.per_address),
    ):
        recent = list(
            session.scalars(
                select(LoginFailure.at).where(column == key).order_by(LoginFailure.at.desc())
            )
        )
        if len(recent) >= limit:
            session.commit()
            raise Throttled(recent[limit - 1] + throttle.window)
    user = authenticate(session, username, password)
    if user is None:
        session.add(LoginFailure(username=username, address=address, at=now))
    else:
        session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    session.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, name: str, now: datetime, roles: Mapping[str, str] | None = None
) -> str:
    """A new token, shown once; only its SHA-256 is stored. Scoped as a user is (`roles`);
    without, it may read every desk."""
    name = checked_name(name, "a token's name", MAX_NAME, UserError)
    if session.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
        raise UserError(f"a token named {name!r} exists already")
    token = secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=_token_hash(token), created_at=now)
    session.add(row)
    try:
        session.flush()
        desk_roles.put_token_roles(session, row.id, roles or desk_roles.ADMIN_ACCESS.roles)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise UserError(f"a token named {name!r} exists already") from None
    return token


def revoke_token(session: Session, name: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        return False
    session.execute(delete(TokenRole).where(TokenRole.token_id == row.id))
    session.delete(row)
    session.commit()
    return True


def token_holder(session: Session, token: str, now: datetime) -> ApiToken | None:
    wanted = _token_hash(token)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == wanted))
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    row.last_used_at = now
    session.commit()
    return row
