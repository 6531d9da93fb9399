"""URLs of a cooperative's own host (<slug>.<PLATFORM_DOMAIN>)."""

from django.urls import include, path

from federation.urls_common import common_patterns

urlpatterns = [
    *common_patterns,
    path("", include("tenants.urls")),
    path("api/", include("tenants.api_urls")),
]
