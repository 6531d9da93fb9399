"""The ledger's migrations go back and forth, and a cooperative made from the template
afterwards has the tables, the guards and the default chart."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from registry.schema_template import template_schema

from tests.factories import cooperative_ensure


def ledger_tables(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE 'ledger%%'",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


def guards(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND t.tgname LIKE 'ledger%%'",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


GUARDS = {
    "ledger_entry_guard",
    "ledger_entry_balanced",
    "ledger_posting_guard",
    "ledger_posting_insert_check",
    "ledger_account_guard",
}


@pytest.mark.django_db(transaction=True)
def test_the_ledger_migrations_are_reversible(alpha):
    # when: back to nothing
    call_command("migrate", "tenants", "zero", verbosity=0)
    call_command("migrate", "notary", "zero", verbosity=0)
    # then
    assert ledger_tables(alpha.schema_name) == set()
    assert ledger_tables(template_schema()) == set()
    # when: forward again, and a cooperative is made from the template
    call_command("migrate", verbosity=0)
    newer = cooperative_ensure("ledger-new")
    # then
    for schema in (template_schema(), alpha.schema_name, newer.schema_name):
        assert "ledger_journalentry" in ledger_tables(schema)
        assert guards(schema) == GUARDS
    with connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{newer.schema_name}".ledger_account')
        assert cur.fetchone()[0] > 50
    connection.set_schema_to_public()
