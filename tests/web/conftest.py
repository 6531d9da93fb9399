"""Fixtures for the web pages and API: the bare domain, an archivable cooperative, people."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from registry.services import platform_tenant_ensure

from tests.factories import cooperative_ensure, user_make


@pytest.fixture(autouse=True)
def _platform(db: Any) -> None:
    """The bare domain's registry row (a transactional test elsewhere may have truncated it)."""
    platform_tenant_ensure()


@pytest.fixture(scope="session")
def _archivable_committed(django_db_setup: Any, django_db_blocker: Any) -> None:
    # Committed once: archiving runs pg_dump in another process, which cannot see a schema
    # made inside a test's transaction. Each test's archive is rolled back with the test.
    with django_db_blocker.unblock():
        cooperative_ensure("arsip-uji")
        connection.set_schema_to_public()


@pytest.fixture
def archivable(_archivable_committed: None, db: Any) -> Any:
    return cooperative_ensure("arsip-uji")


@pytest.fixture
def head_office_operator(db: Any) -> Any:
    return user_make("ho-operator", head_office_role="operator")


@pytest.fixture
def alpha_supervisor(alpha: Any) -> Any:
    return user_make("alpha-pengawas", roles={alpha: ["pengawas"]})


@pytest.fixture
def alpha_manager(alpha: Any) -> Any:
    return user_make("alpha-manajer", roles={alpha: ["manajer"]})


@pytest.fixture
def outsider(db: Any) -> Any:
    """Logged in, but no role anywhere (a shopper)."""
    return user_make("pembeli")
