"""Who may do what with loans, built only from identity.access (roles are per
cooperative). Candidates for identity/access.py itself; kept here until the lead moves
them, so that every loan service asks the same three questions."""

from __future__ import annotations

from typing import Any

from identity.access import BOARD_ROLES, can_write_in, is_member_of, roles_in


def can_enter_loans(user: Any, cooperative: Any) -> bool:
    """Staff who may enter applications, record surveys, disburse and take repayments."""
    return can_write_in(user, cooperative)


def can_decide_loans(user: Any, cooperative: Any) -> bool:
    """The committee: the board (pengurus) and the manager (manajer) of an active
    cooperative decide on loans and rescheduling."""
    if cooperative is None or cooperative.status != "active":
        return False
    return bool(roles_in(user, cooperative) & BOARD_ROLES)


def can_decide_fast_track(user: Any, cooperative: Any) -> bool:
    """A fast-track loan may be decided by any staff member who may write (still never the
    one who entered it): decision 0009."""
    return can_write_in(user, cooperative)


def can_apply_as_member(user: Any, cooperative: Any, member_user_id: int | None) -> bool:
    """A member applies for their own loan only."""
    return (
        getattr(user, "is_authenticated", False)
        and member_user_id is not None
        and int(user.pk) == member_user_id
        and is_member_of(user, cooperative)
    )
