from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
    return {
        "current_cooperative": None if is_public else tenant,
        "on_head_office": is_public,
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
