"""Refusals at the teller's desk. A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class TellerError(RefusedError):
    default_code = "teller"


class DrawerNotOpen(TellerError):
    default_code = "drawer_not_open"


class DrawerAlreadyOpen(TellerError):
    default_code = "drawer_already_open"


class CountInvalid(TellerError):
    default_code = "count_invalid"


class DrawerCloseRefused(TellerError):
    """Closing another teller's drawer: not allowed, no such drawer, already closed."""

    default_code = "drawer_close_refused"
