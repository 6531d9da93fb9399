"""Serves /healthz first in the middleware stack.

Before the tenant lookup, because that lookup needs the database: with the database down
/healthz must still answer (503 with JSON), not fail with a 500. It also answers on any
Host, so a load balancer can probe a machine by its address. The same view is routed at
/healthz in urls_common for completeness.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from health.views import healthz

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
