"""Suspended cooperatives are read-only for staff; archived ones do not answer at all."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Paths that must keep working while suspended: logging in and out.
ALWAYS_WRITABLE = ("/akun/", "/api/auth/", "/i18n/")


class CooperativeStatusMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        status = getattr(tenant, "status", "active")
        if status == "archived":
            return render(request, "registry/archived.html", status=410)
        if (
            status == "suspended"
            and request.method not in SAFE_METHODS
            and not request.path.startswith(ALWAYS_WRITABLE)
        ):
            message = _("This cooperative is suspended: changes are not allowed.")
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": message, "code": "cooperative_suspended"}, status=423
                )
            return render(request, "registry/suspended.html", {"message": message}, status=423)
        return self.get_response(request)
