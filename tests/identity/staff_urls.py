"""A cooperative host's routes plus one staff-only page, for the two-factor tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from federation.urls_common import common_patterns
from identity.decorators import staff_required


@staff_required()
def staff_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("staff only")


urlpatterns = [*common_patterns, path("staf-uji/", staff_page, name="staff-test-page")]
