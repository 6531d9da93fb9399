"""Members log in on their cooperative's host with their member number or phone number.

Only on a cooperative host: the number is looked up in that cooperative's own register, so
the same number on another cooperative's host (or on the head office's) finds nobody."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from identity import access
from identity.models import User
from identity.phone import normalize_phone

from tenants.memberweb.services import phone_lookup_hash
from tenants.models import Member, MemberLogin


def member_user_id_for(login: str) -> int | None:
    """The user id of the member of the current cooperative known by ``login`` (member
    number or phone number), or None."""
    text = login.strip()
    if text.isdigit() and 7 <= len(text) <= 12:
        found = Member.objects.filter(member_number=text).values_list("user_id", flat=True)
        user_id = found.first()
        if user_id is not None:
            return user_id
    phone = normalize_phone(text)
    if phone:
        members = list(
            MemberLogin.objects.filter(phone_hash=phone_lookup_hash(phone)).values_list(
                "member__user_id", flat=True
            )[:2]
        )
        if len(members) == 1:
            return members[0]
    return None


class MemberNumberBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password or access.current_cooperative() is None:
            return None
        user_id = member_user_id_for(username)
        user = User.objects.filter(pk=user_id).first() if user_id is not None else None
        if user is None:
            User().set_password(password)  # the same time whether the member exists or not
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
