"""URLs of a cooperative's own host (<slug>.<PLATFORM_DOMAIN>)."""

from django.urls import include, path

from federation.urls_common import common_patterns
from tenants.views import home

urlpatterns = [
    *common_patterns,
    # "home" (LOGIN_REDIRECT_URL) names each host's own home page.
    path("", home, name="home"),
    path("", include("tenants.urls")),
    path("api/ppob/", include("ppob.api_urls")),
    path("api/", include("tenants.api_urls")),
]
