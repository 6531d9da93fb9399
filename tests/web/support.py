"""Helpers for the web tests: URLs on both hosts, a valid registration, schema listing."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tenants.utils import schema_context

PUBLIC_URLS = "federation.urls_public"
TENANT_URLS = "federation.urls_tenant"

NEW_COOPERATIVE = {
    "name": "Koperasi Tani Makmur",
    "slug": "tani-makmur",
    "legal_entity_number": "AHU-0099.AH.01.26",
    "kind": "produsen",
    "street": "Jl. Sawah 1",
    "desa": "Sukamaju",
    "kecamatan": "Cibeunying",
    "kabupaten": "Bandung",
    "provinsi": "Jawa Barat",
    "postal_code": "40191",
    "board_full_name": "Siti Aminah",
    "board_email": "siti@example.test",
}


def public_url(name: str, **kwargs: Any) -> str:
    return reverse(name, urlconf=PUBLIC_URLS, kwargs=kwargs or None)


def tenant_url(name: str, **kwargs: Any) -> str:
    return reverse(name, urlconf=TENANT_URLS, kwargs=kwargs or None)


def login_path() -> str:
    return reverse("identity:login", urlconf=PUBLIC_URLS)


def schemas() -> set[str]:
    """The cooperatives' schemas that exist in the database."""
    with connection.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kop\\_%'")
        return {row[0] for row in cur.fetchall()}


def audit_in(schema: str, action: str) -> list[AuditEntry]:
    """The audit entries of one action in one schema's log ("public": the head office's)."""
    with schema_context(schema):
        return list(AuditEntry.objects.filter(action=action))


def english(client: Client) -> Client:
    """The client with English chosen (the language switch's cookie); Indonesian is the
    default, so tests that read the interface's words pick English to stay readable."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
