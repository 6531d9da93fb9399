"""Refusals of the member registry: a translated message (English msgid) and a stable code.
A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class MemberError(RefusedError):
    """A member operation refused. ``code`` says which rule."""

    default_code = "member"


class MemberInvalid(MemberError):
    default_code = "member_invalid"


class NikInvalid(MemberError):
    default_code = "nik_invalid"


class MemberDuplicate(MemberError):
    default_code = "member_duplicate"


class TransitionRefused(MemberError):
    default_code = "transition_refused"
