"""Refusals of SHU operations: a translated message (English msgid) and a stable code.
A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class ShuError(RefusedError):
    """An SHU operation refused. ``code`` says which rule."""

    default_code = "shu"


class SplitInvalid(ShuError):
    """A split whose percentages are malformed or do not add up to 100."""

    default_code = "split_invalid"


class SplitLocked(ShuError):
    """A split version approved at a RAT, used by a final run or under a vote."""

    default_code = "split_locked"


class YearNotReady(ShuError):
    """The book year is not over, not closed, or made no SHU to divide."""

    default_code = "year_not_ready"


class RunRefused(ShuError):
    default_code = "run_refused"
