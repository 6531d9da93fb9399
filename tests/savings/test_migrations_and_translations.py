"""The savings migrations go back and forth (the default products with them); every
savings message has an Indonesian translation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from federation.i18n_catalog import ROOT
from registry.schema_template import template_schema

SAVINGS_TXT = ROOT / "locale" / "id" / "LC_MESSAGES" / "savings.txt"
OURS = ("tenants/savings/", "tenants/models/savings.py")
TABLES = {"savings_product", "savings_account", "savings_transaction"}


def savings_tables(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE 'savings%%'",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


def product_codes(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(f'SELECT code FROM "{schema}".savings_product')
        return {row[0] for row in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_savings_migrations_are_reversible(alpha):
    call_command("migrate", "tenants", "0005", verbosity=0)
    assert product_codes(template_schema()) == set()

    call_command("migrate", "tenants", "0004", verbosity=0)
    assert savings_tables(alpha.schema_name) == set()
    assert savings_tables(template_schema()) == set()

    call_command("migrate", verbosity=0)
    for schema in (template_schema(), alpha.schema_name):
        assert savings_tables(schema) == TABLES
        assert "sukarela" in product_codes(schema)
