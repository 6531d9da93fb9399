"""The loan migrations go back and forth (the default products and settings with them);
every loan message has an Indonesian line in loans.txt (or in the merged catalog), with
its placeholders kept."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from federation.i18n_catalog import ROOT, extract_messages, load_catalog
from registry.schema_template import template_schema

LOANS_TXT = ROOT / "locale" / "id" / "LC_MESSAGES" / "loans.txt"
OURS = ("tenants/loans/", "tenants/models/loans.py", "tenants/tasks_loans.py")
TABLES = {
    "loans_product",
    "loans_settings",
    "loans_loan",
    "loans_guarantor",
    "loans_survey_note",
    "loans_schedule",
    "loans_instalment",
    "loans_repayment",
    "loans_aging_run",
    "loans_aging_line",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def loan_tables(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE 'loans%%'",
            [schema],
        )
        return {row[0] for row in cur.fetchall()}


def product_codes(schema: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(f'SELECT code FROM "{schema}".loans_product')
        return {row[0] for row in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_loan_migrations_are_reversible(alpha):
    call_command("migrate", "tenants", "0013", verbosity=0)
    assert product_codes(template_schema()) == set()

    call_command("migrate", "tenants", "0012", verbosity=0)
    assert loan_tables(alpha.schema_name) == set()
    assert loan_tables(template_schema()) == set()

    call_command("migrate", verbosity=0)
    for schema in (template_schema(), alpha.schema_name):
        assert loan_tables(schema) == TABLES
        assert product_codes(schema) == {"umum", "menurun", "anuitas"}


def test_every_loan_message_has_an_indonesian_line():
    lines = dict(
        line.split("\t", 1)
        for line in LOANS_TXT.read_text(encoding="utf-8").splitlines()
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
