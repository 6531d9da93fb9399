"""The members migration goes back and forth; every message has an Indonesian translation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from federation.i18n_catalog import ROOT
from registry.schema_template import template_schema

MEMBERS_TXT = ROOT / "locale" / "id" / "LC_MESSAGES" / "members.txt"
OURS = (
    "tenants/members/",
    "tenants/models/members.py",
    "tenants/management/commands/member_keys_rotate.py",
)


def member_tables(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE 'members%%'",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


TABLES = {"members_member", "members_heir", "members_status_change", "members_number_counter"}


@pytest.mark.django_db(transaction=True)
def test_the_members_migration_is_reversible(alpha):
    call_command("migrate", "tenants", "0003", verbosity=0)
    assert member_tables(alpha.schema_name) == set()
    assert member_tables(template_schema()) == set()

    call_command("migrate", verbosity=0)
    for schema in (template_schema(), alpha.schema_name):
        assert member_tables(schema) == TABLES
