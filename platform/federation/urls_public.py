"""URLs of the bare domain: the head office and the shared layer."""

from django.urls import include, path
from headoffice.views import home

from federation.urls_common import common_patterns

urlpatterns = [
    *common_patterns,
    # "home" (LOGIN_REDIRECT_URL) names each host's own home page.
    path("", home, name="home"),
    path("", include("headoffice.urls")),
    path("api/", include("headoffice.api_urls")),
    path("ppob/", include("ppob.urls")),
    path("kantor/ppob/", include("ppob.urls_headoffice")),
]
