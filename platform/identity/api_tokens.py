"""API tokens (rest_framework.authtoken): one per person, issued after password and TOTP."""

from __future__ import annotations

from typing import Any

from audit.services import audit_record
from django.db import transaction
from rest_framework.authtoken.models import Token


def api_token_issue(*, user: Any) -> Token:
    """The person's API token, made on first issue. The caller has checked password and OTP."""
    with transaction.atomic():
        token, created = Token.objects.get_or_create(user=user)
        if created:
            # Never the token itself (it is the primary key): only who got one.
            audit_record(actor=user, action="api_token.issue", summary=user.get_username())
    return token


def api_token_revoke(*, user: Any) -> bool:
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=user, action="api_token.revoke", summary=user.get_username())
    return bool(deleted)
