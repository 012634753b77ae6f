"""Roles per desk (issue 26): who may see and do what on which desk, for users and API tokens.

A role is `agent` (the desk's work list and incidents, their own presence, status updates),
`lead` (also agents, closures, maintenance, disruptions, reports of the desk) or `admin` (every
desk, users and tokens). An admin's one row has the desk `*`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivr.models import ALL_DESKS, TokenRole, UserRole

AGENT, LEAD, ADMIN = "agent", "lead", "admin"
ROLES = (AGENT, LEAD, ADMIN)
RANK = {AGENT: 1, LEAD: 2, ADMIN: 3}

# The desks a query may show: None is every row (an admin over all desks), else these keys.
Scope = Collection[str] | None


class RoleError(ValueError):
    """Roles cannot be given as asked; the message says why."""


@dataclass(frozen=True)
class Access:
    """One user's (or token's) roles: desk key -> role, `*` -> admin of every desk."""

    roles: Mapping[str, str] = field(default_factory=dict)

    @property
    def admin(self) -> bool:
        return self.roles.get(ALL_DESKS) == ADMIN

    def role(self, desk: str) -> str | None:
        return ADMIN if self.admin else self.roles.get(desk)

    def may(self, desk: str, role: str) -> bool:
        """Whether this holder has at least `role` on `desk`."""
        held = self.role(desk)
        return held is not None and RANK[held] >= RANK[role]

    def desks(self, declared: Sequence[str], role: str = AGENT) -> tuple[str, ...]:
        """The declared desks (in their order) where this holder has at least `role`."""
        return tuple(key for key in declared if self.may(key, role))

    def scope(self, declared: Sequence[str], chosen: str | None, role: str = AGENT) -> Scope:
        """What a list shows: the chosen desk, or (None chosen) all of the holder's desks.

        An admin over all desks gets None (no filter), so rows of a desk no longer declared
        stay in view for the one who can move them.
        """
        if chosen is None and self.admin:
            return None
        keys = self.desks(declared, role)
        return tuple(k for k in keys if k == chosen) if chosen is not None else keys


ADMIN_ACCESS = Access({ALL_DESKS: ADMIN})


def checked_roles(
    desks: Iterable[str], role: str | None, declared: Sequence[str]
) -> dict[str, str] | None:
    """`--desk K ... --role R` as rows; None when neither is given (the caller decides)."""
    desks = list(dict.fromkeys(desks))
    if role is None:
        if desks:
            raise RoleError("give a --role (agent, lead or admin) with --desk")
        return None
    if role not in ROLES:
        raise RoleError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
    if role == ADMIN:
        if desks:
            raise RoleError("an admin has every desk: give no --desk with --role admin")
        return {ALL_DESKS: ADMIN}
    if not desks:
        article = "an" if role == AGENT else "a"
        raise RoleError(f"{article} {role} needs at least one --desk ({', '.join(declared)})")
    unknown = [key for key in desks if key not in declared]
    if unknown:
        raise RoleError(f"no desk {unknown[0]!r}; the desks are {', '.join(declared)}")
    return {key: role for key in desks}


def user_access(session: Session, user_id: int) -> Access:
    rows = session.execute(
        select(UserRole.desk, UserRole.role).where(UserRole.user_id == user_id)
    ).all()
    return Access({desk: role for desk, role in rows})


def token_access(session: Session, token_id: int) -> Access:
    rows = session.execute(
        select(TokenRole.desk, TokenRole.role).where(TokenRole.token_id == token_id)
    ).all()
    return Access({desk: role for desk, role in rows})


def put_user_roles(session: Session, user_id: int, roles: Mapping[str, str]) -> None:
    """Give these roles (desk -> role), replacing the user's role on each of those desks.

    Becoming admin replaces every other role; a desk role replaces admin (no longer admin).
    """
    _put(session, UserRole, UserRole.user_id, user_id, roles)


def put_token_roles(session: Session, token_id: int, roles: Mapping[str, str]) -> None:
    _put(session, TokenRole, TokenRole.token_id, token_id, roles)


def _put(session: Session, model, owner, owner_id: int, roles: Mapping[str, str]) -> None:  # type: ignore[no-untyped-def]
    if ALL_DESKS in roles:
        session.execute(delete(model).where(owner == owner_id))
    else:
        session.execute(delete(model).where(owner == owner_id, model.desk.in_((*roles, ALL_DESKS))))
    for desk, role in roles.items():
        session.add(model(**{owner.key: owner_id, "desk": desk, "role": role}))


def drop_user_role(session: Session, user_id: int, desk: str) -> bool:
    """Take the user's role on `desk` away (`*`: no longer admin); False if there was none."""
    done = session.execute(
        delete(UserRole).where(UserRole.user_id == user_id, UserRole.desk == desk)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def described(access: Access) -> str:
    """`admin`, or `a:lead b:agent`: how the CLI lists someone's roles."""
    if access.admin:
        return ADMIN
    return " ".join(f"{desk}:{role}" for desk, role in sorted(access.roles.items())) or "no role"
