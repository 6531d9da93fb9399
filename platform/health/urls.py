"""Mounted at "healthz" by federation.urls_common: serves exactly /healthz."""

from django.urls import path

from health.views import healthz

app_name = "health"
urlpatterns = [path("", healthz, name="healthz")]
