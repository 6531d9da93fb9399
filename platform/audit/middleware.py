from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import RequestContext, current_request


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind nginx (TRUST_X_REAL_IP) REMOTE_ADDR is the proxy's and
    nginx overwrites X-Real-IP with the real one (infra/nginx); without a proxy that header
    is the client's own word, so it is ignored."""
    from django.conf import settings

    ip = request.META.get("HTTP_X_REAL_IP") if settings.TRUST_X_REAL_IP else None
    return ip or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(
            RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                path=request.path[:300],
                method=request.method or "",
            )
        )
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
