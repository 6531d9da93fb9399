"""Refusals of RAT operations: a translated message (English msgid) and a stable code.
A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class RatError(RefusedError):
    """A meeting operation refused. ``code`` says which rule."""

    default_code = "rat"


class MeetingInvalid(RatError):
    default_code = "meeting_invalid"


class AttendanceRefused(RatError):
    default_code = "attendance_refused"


class VoteRefused(RatError):
    default_code = "vote_refused"


class DocumentRefused(RatError):
    default_code = "document_refused"
