"""Fixtures for the web pages and API: the bare domain, an archivable cooperative, people."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from registry.models import Cooperative, Domain
from registry.services import domain_for, platform_tenant_ensure, schema_name_for

from tests.factories import cooperative_ensure, user_make


@pytest.fixture(autouse=True)
def _platform(db: Any) -> None:
    """The bare domain's registry row (a transactional test elsewhere may have truncated it)."""
    platform_tenant_ensure()


ARCHIVABLE = "arsip-uji"


@pytest.fixture(scope="session")
def _archivable_committed(django_db_setup: Any, django_db_blocker: Any) -> None:
    # Committed once: archiving runs pg_dump in another process, which cannot see a schema
    # made inside a test's transaction. Each test's archive is rolled back with the test.
    with django_db_blocker.unblock():
        cooperative_ensure(ARCHIVABLE)
        connection.set_schema_to_public()


@pytest.fixture
def archivable(_archivable_committed: None, db: Any) -> Any:
    existing = Cooperative.objects.filter(slug=ARCHIVABLE).first()
    if existing is not None:
        return existing
    # A transactional test emptied the registry since; the committed schema is still there
    # (TRUNCATE does not drop schemas), so only its registry rows are put back.
    cooperative = Cooperative.objects.create(
        schema_name=schema_name_for(ARCHIVABLE),
        slug=ARCHIVABLE,
        name="Koperasi Arsip Uji",
        kind="simpan_pinjam",
        legal_entity_number="AHU-ARSIP-UJI",
        desa="Sukamaju",
        kecamatan="Cibeunying",
        kabupaten="Bandung",
    )
    Domain.objects.create(domain=domain_for(ARCHIVABLE), tenant=cooperative, is_primary=True)
    return cooperative


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
