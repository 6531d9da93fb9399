"""Who may do what with other tellers' cash drawers, built only from identity.access
(roles are per cooperative). There is no head-teller role: the board (pengurus) and the
manager (manajer), identity.access.BOARD_ROLES, supervise the tellers. A candidate for
identity/access.py itself; kept here, as tenants.loans.access is, until the lead moves it."""

from __future__ import annotations

from typing import Any

from identity.access import can_manage_staff


def can_close_others_drawers(user: Any, cooperative: Any) -> bool:
    """The board and the manager of an active cooperative may close a teller's open
    drawer for them (the teller went home ill) and see every open drawer."""
    return can_manage_staff(user, cooperative)
