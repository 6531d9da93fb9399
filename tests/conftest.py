"""Fixtures on the real PostgreSQL and Redis: two cooperatives (alpha, beta), people, clients.

Tenants are created once per test database and recreated if a transactional test
truncated the registry (a TRUNCATE does not drop their schemas).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from tests.browser_support import chromium_path
from tests.factories import (
    PASSWORD,
    cooperative_ensure,
    login_verified,
    user_make,
)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if chromium_path() is not None:
        return
    skip = pytest.mark.skip(reason="chromium not installed (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _public_schema() -> Iterator[None]:
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """Every test starts with English active for messages made outside a request (service
    refusals, PDFs, reports), so what a test reads does not depend on which test ran
    before it in the same worker (a page request leaves its language active). Tests of
    the Indonesian text say so with translation.override("id"); pages choose their own
    language per request (Indonesian unless the visitor switched)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        cooperative_ensure("alpha")
        cooperative_ensure("beta")
        connection.set_schema_to_public()


@pytest.fixture
def platform_tenant(db: Any) -> Any:
    """The public schema's registry row and the bare domain (a truncating test removes them)."""
    from registry.services import platform_tenant_ensure

    return platform_tenant_ensure()


@pytest.fixture
def alpha(db: Any) -> Any:
    return cooperative_ensure("alpha")


@pytest.fixture
def beta(db: Any) -> Any:
    return cooperative_ensure("beta")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def head_office_admin(db: Any) -> Any:
    return user_make("ho-admin", head_office_role="admin")


@pytest.fixture
def head_office_auditor(db: Any) -> Any:
    return user_make("ho-auditor", head_office_role="auditor")


@pytest.fixture
def alpha_board(alpha: Any) -> Any:
    return user_make("alpha-board", roles={alpha: ["pengurus", "anggota"]})


@pytest.fixture
def alpha_teller(alpha: Any) -> Any:
    return user_make("alpha-teller", roles={alpha: ["kasir"]})


@pytest.fixture
def alpha_member(alpha: Any) -> Any:
    return user_make("alpha-member", roles={alpha: ["anggota"]})


@pytest.fixture
def beta_board(beta: Any) -> Any:
    return user_make("beta-board", roles={beta: ["pengurus", "anggota"]})


@pytest.fixture
def client_for() -> Callable[..., Client]:
    """client_for(cooperative_or_None, user=None): a client on that host, logged in with
    two-factor passed when a user is given."""

    from registry.services import platform_tenant_ensure

    def make(cooperative: Any = None, user: Any = None) -> Client:
        platform_tenant_ensure()
        host = "localhost" if cooperative is None else f"{cooperative.slug}.localhost"
        client = Client(HTTP_HOST=host)
        if user is not None:
            login_verified(client, user, cooperative)
        return client

    return make
