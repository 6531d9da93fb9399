"""Who may do what at a members' meeting, built only from identity.access."""

from __future__ import annotations

from typing import Any

from identity.access import can_manage_staff, can_write_in, is_member_of, is_staff_of


def can_view_meetings(user: Any, cooperative: Any) -> bool:
    return is_staff_of(user, cooperative)


def can_run_meetings(user: Any, cooperative: Any) -> bool:
    """The board (pengurus, manajer) sets a meeting up, opens and closes it and its votes."""
    return can_manage_staff(user, cooperative)


def can_record_in_hall(user: Any, cooperative: Any) -> bool:
    """Tellers in the hall (staff who may write: pengurus, manajer, kasir) record arrivals
    and hall votes."""
    return can_write_in(user, cooperative)


def can_vote_as(user: Any, cooperative: Any, member_user_id: int | None) -> bool:
    """A member votes on the phone for themselves only."""
    return (
        getattr(user, "is_authenticated", False)
        and member_user_id is not None
        and int(user.pk) == member_user_id
        and is_member_of(user, cooperative)
    )
