"""Roles per desk (ivr/services/roles.py): what a holder may see, without a database."""

from __future__ import annotations

import pytest

from ivr.services.roles import ADMIN_ACCESS, Access, RoleError, checked_roles

DESKS = ("a", "b", "c")


def test_an_admin_has_every_desk_and_no_filter_over_all() -> None:
    assert ADMIN_ACCESS.desks(DESKS) == DESKS
    assert ADMIN_ACCESS.scope(DESKS, None) is None  # every row, also of a desk gone
    assert ADMIN_ACCESS.scope(DESKS, "b") == ("b",)
    assert ADMIN_ACCESS.scope(DESKS, None, "admin") is None


def test_a_user_sees_their_desks_by_role() -> None:
    mixed = Access({"a": "agent", "b": "lead", "gone": "lead"})
    assert mixed.desks(DESKS) == ("a", "b")  # a desk no longer declared is left out
    assert mixed.scope(DESKS, None, "lead") == ("b",)
    assert mixed.scope(DESKS, "a", "lead") == ()  # chose a desk they only work in
    assert mixed.scope(DESKS, None, "admin") == ()
    assert (mixed.role("a"), mixed.role("c")) == ("agent", None)
    assert mixed.may("b", "agent") and not mixed.may("a", "lead")
    assert Access().desks(DESKS) == ()


def test_roles_as_given_on_the_command_line() -> None:
    assert checked_roles((), None, DESKS) is None  # the caller decides the default
    assert checked_roles(("a", "b", "a"), "lead", DESKS) == {"a": "lead", "b": "lead"}
    assert checked_roles((), "admin", DESKS) == {"*": "admin"}
    for desks, role, says in [
        (("a",), None, "give a --role"),
        (("a",), "boss", "a role is one of agent, lead, admin"),
        (("a",), "admin", "an admin has every desk"),
        ((), "agent", "an agent needs at least one --desk"),
        (("z",), "lead", "no desk 'z'; the desks are a, b, c"),
    ]:
        with pytest.raises(RoleError, match=says):
            checked_roles(desks, role, DESKS)
