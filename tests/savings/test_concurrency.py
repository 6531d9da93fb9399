"""Many tellers withdrawing from one account at once never overdraw it, and the balance
still equals the ledger afterwards. Transactional: every thread commits on its own
connection. The rows stay in the savings cooperative's schema (journal entries are
immutable), which keeps its balances and ledger in step for later tests."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.models import SavingsAccount, SavingsTransaction
from tenants.savings.exceptions import WithdrawalRefused
from tenants.savings.selectors import savings_ledger_differences
from tenants.savings.services import savings_deposit, savings_withdraw
from tests.factories import cooperative_ensure
from tests.savings.conftest import SLUG, D, account_make, key

THREADS = 8
PER_THREAD = 6
OPENING = D(1000000)
WITHDRAWAL = D(30000)  # 48 x 30,000 = 1,440,000: only 33 fit


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_never_overdraw(capsys):
    simpan = cooperative_ensure(SLUG)
    with tenant_context(simpan):
        account = account_make("sukarela")
        savings_deposit(actor=None, account=account, amount=OPENING, idempotency_key=key())
    barrier = threading.Barrier(THREADS)
    done: list[Decimal] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def teller() -> None:
        try:
            connection.set_tenant(simpan)  # each thread has its own connection
            barrier.wait()
            for _ in range(PER_THREAD):
                try:
                    tx = savings_withdraw(
                        actor=None, account=account, amount=WITHDRAWAL, idempotency_key=key("c")
                    )
                    done.append(tx.balance_after)
                except WithdrawalRefused as exc:
                    refused.append(exc.code or "")
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=teller) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started

    assert not errors, errors
    fit = int(OPENING // WITHDRAWAL)
    assert len(done) == fit
    assert refused == ["insufficient_balance"] * (THREADS * PER_THREAD - fit)
    # every withdrawal saw the balance the one before it left
    assert sorted(done, reverse=True) == [OPENING - WITHDRAWAL * n for n in range(1, fit + 1)]
    with tenant_context(simpan):
        final = SavingsAccount.objects.get(pk=account.pk).balance
        assert final == OPENING - WITHDRAWAL * fit
        assert SavingsTransaction.objects.filter(account=account).count() == fit + 1
        assert savings_ledger_differences() == []
    with capsys.disabled():
        print(f"\n{THREADS * PER_THREAD} concurrent withdrawals in {elapsed:.2f}s")
