"""Who may do what with SHU, built only from identity.access."""

from __future__ import annotations

from typing import Any

from identity.access import can_manage_staff, is_staff_of


def can_view_shu(user: Any, cooperative: Any) -> bool:
    """Staff (pengawas too) read the split, the simulations and the distributions."""
    return is_staff_of(user, cooperative)


def can_decide_shu(user: Any, cooperative: Any) -> bool:
    """The board (pengurus, manajer) of an active cooperative proposes split versions and
    makes the final run."""
    return can_manage_staff(user, cooperative)
