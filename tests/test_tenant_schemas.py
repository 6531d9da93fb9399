"""Tenant schemas come from the migrated template, as plain SQL, and keep up with migrations."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from registry.models import Cooperative, SchemaTemplate
from registry.schema_template import applied_migrations, schema_exists, template_schema

from tests.factories import cooperative_ensure


def columns(schema: str, table: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            [schema, table],
        )
        return {row[0] for row in cur.fetchall()}


def test_new_cooperative_has_the_templates_tables_and_migration_records(alpha):
    # given / when: alpha was made from the template
    # then
    assert schema_exists(alpha.schema_name)
    assert columns(alpha.schema_name, "audit_auditentry") >= {"actor_id", "action", "ip_address"}
    assert set(applied_migrations(alpha.schema_name)) == set(applied_migrations(template_schema()))
    assert "identity_user" not in {t for t in _tables(alpha.schema_name)}, (
        "shared tables must stay in public"
    )


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_cooperative_created_after_a_new_migration_has_the_new_column():
    # given: the probe app rolled back to before its column existed, everywhere
    call_command("migrate", "schema_probe", "0001", verbosity=0)
    older = cooperative_ensure("gamma")
    assert "added_later" not in columns(older.schema_name, "schema_probe_probething")
    assert "added_later" not in columns(template_schema(), "schema_probe_probething")

    # when: a deploy runs migrate with the new migration
    call_command("migrate", verbosity=0)
    newer = cooperative_ensure("delta")

    # then: the template, the older tenant and the newer one all have it
    assert "added_later" in columns(template_schema(), "schema_probe_probething")
    assert "added_later" in columns(older.schema_name, "schema_probe_probething")
    assert "added_later" in columns(newer.schema_name, "schema_probe_probething")
    assert set(applied_migrations(newer.schema_name)) == set(applied_migrations(older.schema_name))
    assert SchemaTemplate.objects.count() >= 1


@pytest.mark.django_db(transaction=True)
def test_migrate_with_nothing_to_do_leaves_every_schema_alone():
    cooperative_ensure("epsilon")
    before = {
        c.schema_name: applied_migrations(c.schema_name)
        for c in Cooperative.objects.exclude(schema_name="public")
    }
    call_command("migrate", verbosity=0)
    after = {
        c.schema_name: applied_migrations(c.schema_name)
        for c in Cooperative.objects.exclude(schema_name="public")
    }
    assert before == after


def _catalogue_scans(*args: str) -> int:
    """How many whole-catalogue table listings (Django's has_table()) a migrate run makes."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call_command("migrate", *args, verbosity=0)
    return sum("pg_table_is_visible" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_migrating_more_tenants_does_not_scan_the_catalogue_more_often():
    # given: a migration taken back and applied again over the tenants there are
    cooperative_ensure("eta")
    back_before = _catalogue_scans("schema_probe", "0001")
    forward_before = _catalogue_scans()

    # when: there are three more tenants
    for slug in ("theta", "iota", "kappa"):
        cooperative_ensure(slug)
    back_after = _catalogue_scans("schema_probe", "0001")
    forward_after = _catalogue_scans()

    # then: per tenant only indexed lookups; the scans are a fixed cost of each run
    assert (back_after, forward_after) == (back_before, forward_before)
    assert "added_later" in columns("kop_kappa", "schema_probe_probething")
