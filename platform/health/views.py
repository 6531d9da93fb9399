"""/healthz: database, Redis, Celery worker and beat, as JSON with an HTTP status.

Public and unauthenticated on every host; it says nothing about any cooperative.
``?ready=1`` checks only the database and Redis: the load balancer's probe.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from health.checks import health_report

READY_VALUES = {"1", "true", "yes"}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report(ready_only=request.GET.get("ready", "").lower() in READY_VALUES)
    response = JsonResponse(report.as_json(), status=report.http_status)
    response["X-Content-Type-Options"] = "nosniff"
    # A 503 here is an answer, not a server error: the failing checks are logged as
    # warnings above; Django's "Service Unavailable" error on every probe would turn an
    # outage into one Sentry event per monitor request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
