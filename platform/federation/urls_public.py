"""URLs of the bare domain: the head office and the shared layer."""

from django.urls import include, path

from federation.urls_common import common_patterns

urlpatterns = [
    *common_patterns,
    path("", include("headoffice.urls")),
    path("api/", include("headoffice.api_urls")),
]
