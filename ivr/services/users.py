"""Who may use the console (users with hashed passwords) and the API (hashed bearer tokens)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ivr.models import ApiToken, User

MIN_PASSWORD_LENGTH = 10
# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no such user")


class UserError(ValueError):
    """A user or token cannot be created as asked; the message says why."""


def create_user(session: Session, username: str, password: str) -> User:
    username = username.strip()
    if not username:
        raise UserError("a user needs a name")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} exists already")
    user = User(username=username, password_hash=generate_password_hash(password))
    session.add(user)
    session.commit()
    return user


def set_language(session: Session, username: str, language: str) -> None:
    """The console language the user picked (one of nl, de, en)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(f"no user {username!r}")
    user.language = language
    session.commit()


def set_password(session: Session, username: str, password: str) -> None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(f"no user {username!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = generate_password_hash(password)
    session.commit()


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, name: str, now: datetime) -> str:
    """A new token, shown once; only its SHA-256 is stored."""
    if session.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
        raise UserError(f"a token named {name!r} exists already")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=_token_hash(token), created_at=now))
    session.commit()
    return token


def revoke_token(session: Session, name: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        return False
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
