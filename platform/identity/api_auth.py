"""API authentication: DRF tokens, or the web session once two-factor has passed."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from identity.access import two_factor_passed


class OTPSessionAuthentication(SessionAuthentication):
    """The browser session counts for the API only after the staff member passed TOTP."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not two_factor_passed(user):
            return None
        return result
