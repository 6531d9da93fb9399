"""Timing of the trial balance and the balance sheet over 100,000 postings.

Skipped unless MEASURE=1. The postings are inserted in bulk with SQL (50,000 two-line
entries over 2025-2026), not through journal_post, which would take minutes; the
statements read only the entries and postings tables."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from django.db import connection

from tenants.reports.statements import balance_sheet, trial_balance

ENTRIES = 50_000


@pytest.mark.skipif(os.environ.get("MEASURE") != "1", reason="set MEASURE=1 to measure")
def test_measure_100k_postings(books):
    with connection.cursor() as cur:
        cur.execute("SELECT id, code FROM ledger_account WHERE code IN ('1101', '2101', '4101')")
        ids = {code: pk for pk, code in cur.fetchall()}
        cur.execute(
            """
            INSERT INTO ledger_journalentry
                (entry_date, description, kind, idempotency_key, request_digest, created_at)
            SELECT date '2025-01-01' + (g %% 600), 'bulk', 'manual', 'bulk-' || g,
                   repeat('0', 64), now()
            FROM generate_series(1, %s) g
            """,
            [ENTRIES],
        )
        cur.execute(
            """
            INSERT INTO ledger_posting (entry_id, line_no, account_id, debit, credit, member_ref)
            SELECT e.id, l.n, CASE WHEN l.n = 1 THEN %s
                                   WHEN e.id %% 2 = 0 THEN %s ELSE %s END,
                   CASE WHEN l.n = 1 THEN 1000 ELSE 0 END,
                   CASE WHEN l.n = 2 THEN 1000 ELSE 0 END, ''
            FROM ledger_journalentry e CROSS JOIN (VALUES (1), (2)) AS l(n)
            WHERE e.idempotency_key LIKE 'bulk-%%'
            """,
            [ids["1101"], ids["2101"], ids["4101"]],
        )
        cur.execute("SELECT count(*) FROM ledger_posting")
        postings = cur.fetchone()[0]
        cur.execute("ANALYZE ledger_posting; ANALYZE ledger_journalentry")
    assert postings >= 2 * ENTRIES

    started = time.perf_counter()
    tb = trial_balance(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30))
    tb_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bs = balance_sheet(as_of=date(2026, 6, 30))
    bs_seconds = time.perf_counter() - started

    assert tb.totals.closing_debit == tb.totals.closing_credit
    assert bs.balances
    print(
        f"\n{postings} postings: trial balance {tb_seconds * 1000:.0f} ms, "
        f"balance sheet {bs_seconds * 1000:.0f} ms"
    )
