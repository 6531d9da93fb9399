"""No cooperative ever sees or changes another's data.

For every route of a cooperative's host and of the head office, people of cooperative
alpha try to read, list and change cooperative beta's data: with alpha's session cookie
replayed on beta's host, with alpha's API token on beta's host, and on their own host
with beta's ids and guessed ids. Every attempt must be refused (401/403/404/405, or a
redirect to the login page) and beta's data must be byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from audit.services import audit_record
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from identity.models import CooperativeRole
from registry.models import Cooperative
from rest_framework.authtoken.models import Token

from tests.factories import login_verified, user_make

REFUSED = {401, 403, 404, 405}
METHODS = ["get", "post", "put", "patch", "delete"]
# Routes that anyone may open on any host; they show no cooperative's data.
OPEN_ROUTES = re.compile(
    r"^(akun/|anggota/aktivasi/$|api/auth/token/$|api/auth/me/$|api/schema/$|api/$|healthz|i18n/|jsi18n/|static/)"
)


def _routes(urlconf: str) -> Iterator[tuple[str, list[str]]]:
    """(route template, converter names) for every pattern, recursively."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, list[str]]]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route, list(entry.pattern.converters)

    yield from walk(get_resolver(urlconf).url_patterns, "")


def _fill(route: str, values: dict[str, str]) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), route)
    return "/" + route.replace("\\", "").replace("^", "")


def _candidate_values(ids: list[int], slug: str) -> list[dict[str, str]]:
    values = []
    for pk in ids:
        values.append(
            {name: str(pk) for name in ("pk", "id", "user_id", "role_id", "entry_id")}
            | {"slug": slug, "token": "x" * 20, "format": "json"}
        )
    return values


def _schema_fingerprint(schema: str) -> dict[str, str]:
    """A digest of every row of every table in one schema."""
    prints = {}
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        for (table,) in cur.fetchall():
            cur.execute(
                "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) "
                f'FROM "{schema}"."{table}" t'
            )
            prints[table] = cur.fetchone()[0] or ""
    return prints


def _beta_fingerprint(beta: Cooperative) -> dict[str, Any]:
    beta.refresh_from_db()
    roles = sorted(CooperativeRole.objects.filter(cooperative=beta).values_list("user_id", "role"))
    row = (beta.name, beta.status, beta.slug, beta.legal_entity_number, beta.kecamatan)
    return {
        "schema": _schema_fingerprint(beta.schema_name),
        "registry": hashlib.sha256(repr((row, roles)).encode()).hexdigest(),
    }


def _assert_refused(response: Any, where: str) -> None:
    status = response.status_code
    if status in (301, 302):
        location = response.headers.get("Location", "")
        assert "/akun/" in location, f"{where}: redirected to {location}, not to the login page"
        return
    assert status in REFUSED, f"{where}: answered {status}"


@pytest.fixture
def world(alpha: Cooperative, beta: Cooperative) -> dict[str, Any]:
    alpha_board = user_make("iso-alpha-board", roles={alpha: ["pengurus", "anggota"]})
    alpha_member = user_make("iso-alpha-member", roles={alpha: ["anggota"]})
    beta_board = user_make("iso-beta-board", roles={beta: ["pengurus", "anggota"]})
    connection.set_tenant(beta)
    beta_entries = [
        audit_record(actor=beta_board, action="test.beta", summary="BETA-SECRET").pk
        for _ in range(3)
    ]
    connection.set_schema_to_public()
    beta_role_ids = list(
        CooperativeRole.objects.filter(cooperative=beta).values_list("pk", flat=True)
    )
    return {
        "alpha_board": alpha_board,
        "alpha_member": alpha_member,
        "beta_board": beta_board,
        "beta_ids": sorted({*beta_entries, *beta_role_ids, beta_board.pk, 1, 2, 3}),
    }


def _tenant_routes() -> list[tuple[str, list[str]]]:
    return [r for r in _routes("federation.urls_tenant") if not OPEN_ROUTES.match(r[0])]


def _public_routes() -> list[tuple[str, list[str]]]:
    return [r for r in _routes("federation.urls_public") if not OPEN_ROUTES.match(r[0])]


def test_there_are_routes_to_attack():
    assert len(_tenant_routes()) >= 3
    assert len(_public_routes()) >= 3


@pytest.mark.parametrize("who", ["alpha_board", "alpha_member"])
def test_alpha_session_replayed_on_beta_host_is_refused_and_changes_nothing(world, beta, who):
    # given: alpha's person logged in on alpha's host
    alpha = Cooperative.objects.get(slug="alpha")
    own = Client(HTTP_HOST="alpha.localhost")
    login_verified(own, world[who], alpha)
    stolen = Client(HTTP_HOST="beta.localhost")
    stolen.cookies = own.cookies
    before = _beta_fingerprint(beta)

    # when: every route of beta's host is tried with that cookie
    for route, _converters in _tenant_routes():
        for values in _candidate_values(world["beta_ids"], beta.slug):
            url = _fill(route, values)
            for method in METHODS:
                response = getattr(stolen, method)(url)
                # then
                _assert_refused(response, f"{method.upper()} beta {url}")
                assert b"BETA-SECRET" not in response.content
            stolen.cookies = own.cookies

    connection.set_schema_to_public()
    assert _beta_fingerprint(beta) == before


def test_alpha_token_on_beta_host_is_refused_and_changes_nothing(world, beta):
    token = Token.objects.create(user=world["alpha_board"])
    client = Client(HTTP_HOST="beta.localhost", HTTP_AUTHORIZATION=f"Token {token.key}")
    before = _beta_fingerprint(beta)
    for route, _converters in _tenant_routes():
        if not route.startswith("api/"):
            continue
        for values in _candidate_values(world["beta_ids"], beta.slug):
            url = _fill(route, values)
            for method in METHODS:
                response = getattr(client, method)(url, content_type="application/json")
                _assert_refused(response, f"{method.upper()} beta {url} with alpha's token")
                assert b"BETA-SECRET" not in response.content
    connection.set_schema_to_public()
    assert _beta_fingerprint(beta) == before


def test_beta_ids_and_guesses_on_alphas_own_host_reveal_nothing_of_beta(world, alpha, beta):
    client = Client(HTTP_HOST="alpha.localhost")
    login_verified(client, world["alpha_board"], alpha)
    before = _beta_fingerprint(beta)
    for route, converters in _tenant_routes():
        if not converters:
            continue
        for values in _candidate_values(world["beta_ids"], beta.slug):
            url = _fill(route, values)
            for method in ("get", "delete", "patch"):
                response = getattr(client, method)(url, content_type="application/json")
                assert b"BETA-SECRET" not in response.content, f"{method} {url} leaked beta"
                assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    connection.set_schema_to_public()
    assert _beta_fingerprint(beta) == before


def test_cooperative_people_cannot_use_the_head_office(world, beta):
    client = Client(HTTP_HOST="localhost")
    login_verified(client, world["alpha_board"], None)
    before = _beta_fingerprint(beta)
    for route, _converters in _public_routes():
        if route in ("", "^$"):
            continue  # the landing page lists only the person's own cooperatives
        for values in _candidate_values(world["beta_ids"], beta.slug):
            url = _fill(route, values)
            for method in METHODS:
                response = getattr(client, method)(url, content_type="application/json")
                _assert_refused(response, f"{method.upper()} head office {url}")
    connection.set_schema_to_public()
    assert _beta_fingerprint(beta) == before


def test_landing_page_lists_only_the_persons_own_cooperatives(world, beta):
    client = Client(HTTP_HOST="localhost")
    login_verified(client, world["alpha_member"], None)
    response = client.get("/")
    assert response.status_code == 200
    assert beta.name.encode() not in response.content


def test_cache_keys_carry_the_tenant(alpha, beta):
    from django.core.cache import cache

    connection.set_tenant(alpha)
    cache.set("balance-summary", "ALPHA-ONLY", 30)
    connection.set_tenant(beta)
    assert cache.get("balance-summary") is None
    connection.set_tenant(alpha)
    assert cache.get("balance-summary") == "ALPHA-ONLY"
    cache.delete("balance-summary")
