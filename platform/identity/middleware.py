"""A session belongs to the host (tenant) it was opened on, and nowhere else."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse

# Written on every login by identity.signals.session_bind_to_tenant.
SESSION_TENANT_KEY = "tenant_schema"


def current_schema() -> str:
    """The schema this request runs on: a cooperative's, or "public" on the bare domain."""
    schema: str = getattr(connection, "schema_name", "public")
    return schema


class TenantSessionMiddleware:
    """Log out a session that is not bound to this host's schema.

    A session cookie is only ever valid on the host it was opened on: replayed on another
    cooperative's host (or the bare domain), or carrying no binding at all (opened by a
    path that skipped ``login()``), it is flushed before any view sees the user.
    The flush deletes the session row itself, so the stolen cookie is dead everywhere.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and request.session.get(SESSION_TENANT_KEY) != current_schema()
        ):
            # Not logout(): its signal would write an audit row into this host's schema,
            # and a foreign session must change nothing here.
            request.session.flush()
            request.user = AnonymousUser()
        return self.get_response(request)
