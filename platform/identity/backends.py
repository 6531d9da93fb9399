"""Log in with a username, an e-mail address or a phone number, and a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from identity.models import User
from identity.phone import normalize_phone


class IdentityBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        query = Q(username__iexact=login) | Q(email__iexact=login)
        phone = normalize_phone(login)
        if phone:
            query |= Q(phone=phone)
        candidates = list(User.objects.filter(query)[:2])
        if len(candidates) != 1:
            # Unknown or ambiguous: run the hasher anyway so timing does not tell which.
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
