"""API authentication, at /api/auth/ on every host."""

from django.urls import path

from identity import api

urlpatterns = [
    path("token/", api.TokenView.as_view(), name="api-auth-token"),
    path("me/", api.MeView.as_view(), name="api-auth-me"),
]
