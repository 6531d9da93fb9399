"""A session belongs to the host (tenant) it was opened on, and nowhere else."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.db import connection
from django.http import HttpRequest, HttpResponse

SESSION_TENANT_KEY = "tenant_schema"


class TenantSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            bound = request.session.get(SESSION_TENANT_KEY)
            if bound is not None and bound != connection.schema_name:
                # A session cookie replayed on another cooperative's host: drop it.
                logout(request)
        return self.get_response(request)
