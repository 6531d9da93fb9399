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


class MembersRefused(MemberError):
    """members_register_many refused the batch; ``index`` is the first bad person's place
    in the list (0-based) and ``cause`` the refusal for that person."""

    default_code = "members_refused"

    def __init__(self, index: int, cause: MemberError) -> None:
        super().__init__(cause.messages[0], code=cause.code)
        self.index = index
        self.cause = cause
