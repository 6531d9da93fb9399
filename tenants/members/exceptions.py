"""Refusals of the member registry: a translated message (English msgid) and a stable code.
A refused operation has written nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class MemberError(ValidationError):
    """A member operation refused. ``code`` says which rule."""

    default_code = "member"

    def __init__(self, message: Any, code: str | None = None, params: Any = None) -> None:
        super().__init__(message, code=code or self.default_code, params=params)


class MemberInvalid(MemberError):
    default_code = "member_invalid"


class NikInvalid(MemberError):
    default_code = "nik_invalid"


class MemberDuplicate(MemberError):
    default_code = "member_duplicate"


class TransitionRefused(MemberError):
    default_code = "transition_refused"
