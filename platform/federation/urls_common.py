"""Routes every host answers: accounts, API auth and docs, health, language switch."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

common_patterns = [
    path("akun/", include("identity.urls")),
    path("api/auth/", include("identity.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", include("health.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
