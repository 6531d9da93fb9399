"""Bind every new login to the host (tenant schema) it happened on.

A receiver rather than a line in the login view so that every path that calls
``django.contrib.auth.login`` (the login page, the test client, a future SSO) binds it;
``identity.middleware.TenantSessionMiddleware`` then refuses the session anywhere else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from identity.middleware import SESSION_TENANT_KEY, current_schema


@receiver(user_logged_in, dispatch_uid="identity.session_bind_to_tenant")
def session_bind_to_tenant(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_TENANT_KEY] = current_schema()
