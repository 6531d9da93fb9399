"""Several tellers posting at once against the same accounts: no deadlock, no lost update,
balances equal postings, and after sealing the chain runs 1..n without a gap."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.ledger.chain import chain_seal_pending
from tenants.ledger.periods import business_today
from tenants.ledger.posting import journal_post, ledger_check_balances
from tenants.ledger.verify import ledger_verify
from tenants.models import AccountBalance, JournalEntry
from tests.ledger.conftest import BANK, KAS, SUKARELA, D

THREADS = 6
PER_THREAD = 12
# Opposite account orders on purpose: without ordered locking these would deadlock.
PAIRS = [
    (KAS, SUKARELA),
    (SUKARELA, KAS),
    (KAS, BANK),
    (BANK, KAS),
    (BANK, SUKARELA),
    (SUKARELA, BANK),
]


def run_threads(
    cooperative: Any, work: Callable[[int], Any]
) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            connection.set_tenant(cooperative)  # each thread has its own connection
            barrier.wait()
            results[n] = work(n)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_keep_balances_and_the_chain(alpha):
    with tenant_context(alpha):
        before = {b.account.code: b for b in AccountBalance.objects.select_related("account")}
        entries_before = JournalEntry.objects.count()

    def work(n: int) -> Decimal:
        debit, credit = PAIRS[n % len(PAIRS)]
        total = Decimal("0.00")
        for i in range(PER_THREAD):
            amount = D(f"{1000 + n * 100 + i}.25")
            journal_post(
                actor=None,
                entry_date=business_today(),
                description=f"Teller {n} transaksi {i}",
                lines=[(debit, amount, D(0), ""), (credit, D(0), amount, f"A-{n:03d}")],
                idempotency_key=f"concurrent-{n}-{i}",
            )
            total += amount
        return total

    totals, errors = run_threads(alpha, work)
    assert not errors, errors

    with tenant_context(alpha):
        # each commit ran a sealer that gave way when another held the chain lock; the
        # holders looked again after releasing it, so nothing is left unsealed
        assert not JournalEntry.objects.filter(seq__isnull=True).exists()
        assert chain_seal_pending() == 0
        assert JournalEntry.objects.count() == entries_before + THREADS * PER_THREAD
        seqs = list(JournalEntry.objects.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
        assert ledger_check_balances() == []
        for code in (KAS, BANK, SUKARELA):
            balance = AccountBalance.objects.get(account__code=code)
            debits = sum(t for n, t in enumerate(totals) if PAIRS[n % len(PAIRS)][0] == code)
            credits = sum(t for n, t in enumerate(totals) if PAIRS[n % len(PAIRS)][1] == code)
            assert balance.debit_total - before[code].debit_total == debits
            assert balance.credit_total - before[code].credit_total == credits
        report = ledger_verify(alpha)
        assert report.ok, report.lines()
        assert report.unsealed == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_key_from_several_threads_makes_one_entry(alpha):
    def work(n: int) -> int:
        entry = journal_post(
            actor=None,
            entry_date=business_today(),
            description="Setoran yang dikirim ulang",
            lines=[(KAS, D(5000), D(0), ""), (SUKARELA, D(0), D(5000), "A-001")],
            idempotency_key="retried-request",
        )
        return entry.pk

    ids, errors = run_threads(alpha, work)
    assert not errors, errors
    assert len(set(ids)) == 1
    with tenant_context(alpha):
        assert JournalEntry.objects.filter(idempotency_key="retried-request").count() == 1
        assert ledger_check_balances() == []
