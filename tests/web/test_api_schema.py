"""The OpenAPI schema of both hosts is valid and our endpoints generate without warnings."""

from __future__ import annotations

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.web.support import PUBLIC_URLS, TENANT_URLS


@pytest.mark.parametrize(
    ("urlconf", "paths"),
    [
        (PUBLIC_URLS, {"/api/cooperatives/", "/api/cooperatives/{slug}/suspend/", "/api/users/"}),
        (TENANT_URLS, {"/api/cooperative/", "/api/audit/", "/api/staff/", "/api/staff/{id}/"}),
    ],
)
def test_schema_is_valid_and_has_our_endpoints(urlconf, paths):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    validate_schema(schema)
    assert paths <= set(schema["paths"])
    ours = [w for w in GENERATOR_STATS._warn_cache if "headoffice" in w or "tenants" in w]
    assert not ours
    assert not GENERATOR_STATS._error_cache


@pytest.mark.parametrize("on_cooperative_host", [False, True])
def test_schema_is_served_on_each_host(alpha, client_for, on_cooperative_host):
    client = client_for(alpha if on_cooperative_host else None)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
