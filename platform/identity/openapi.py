"""How identity's API authentication appears in the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OTPSessionScheme(OpenApiAuthenticationExtension):
    """The browser session (after two-factor for staff): a cookie, like DRF's own."""

    target_class = "identity.api_auth.OTPSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
