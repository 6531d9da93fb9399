"""Migration 0015 goes back and forth (tables and triggers with it); every SHU and RAT
message has an Indonesian line in shu.txt (or in the merged catalog), placeholders kept."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from federation.i18n_catalog import ROOT, extract_messages, load_catalog
from registry.schema_template import template_schema

SHU_TXT = ROOT / "locale" / "id" / "LC_MESSAGES" / "shu.txt"
OURS = (
    "tenants/shu/",
    "tenants/rat/",
    "tenants/models/shu.py",
    "tenants/models/rat.py",
    "tenants/templates/shu/",
    "tenants/templates/rat/",
)
TABLES = {
    "shu_split_version",
    "shu_run",
    "shu_share",
    "rat_meeting",
    "rat_agenda_item",
    "rat_document",
    "rat_attendance",
    "rat_vote",
    "rat_vote_marker",
    "rat_ballot_box",
    "rat_ballot",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def tables(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s "
            "AND (tablename LIKE 'shu%%' OR tablename LIKE 'rat%%')",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


def triggers(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers "
            "WHERE trigger_schema = %s AND (event_object_table LIKE 'shu%%' "
            "OR event_object_table LIKE 'rat%%')",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_migration_0015_is_reversible(alpha):
    call_command("migrate", "tenants", "0014", verbosity=0)
    assert tables(template_schema()) == set()
    assert tables(alpha.schema_name) == set()
    call_command("migrate", verbosity=0)
    for schema in (template_schema(), alpha.schema_name):
        assert tables(schema) == TABLES
        assert {"shu_split_guard", "shu_run_immutable", "rat_ballot_insert_check"} <= triggers(
            schema
        )


def test_every_shu_and_rat_message_has_an_indonesian_line():
    lines = dict(
        line.split("\t", 1)
        for line in SHU_TXT.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    catalog = {m.id: m.string for m in load_catalog() if m.id}
    ours = [
        msgid
        for msgid, where in extract_messages().items()
        if any(w.startswith(OURS) for w in where)
    ]
    missing = [m for m in ours if not lines.get(m) and not catalog.get(m)]
    assert not missing, missing
    broken = [
        m
        for m, indonesian in lines.items()
        if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(indonesian))
    ]
    assert not broken, broken
