"""PPOB's routes on the bare domain (federation.urls_public): the provider's webhook."""

from django.urls import path

from ppob.webhooks import provider_webhook

app_name = "ppob"
urlpatterns = [
    path("webhook/", provider_webhook, name="webhook"),
]
