"""Many tellers taking payments into one loan at once: every payment applied exactly once
(the loan row is locked before what is due is read), a repeated key only once, and the
loan, its schedule and the ledger agree afterwards. Transactional: every thread commits
on its own connection, in the loans' second cooperative ("pinjamdua"), whose loan
accounts see only this test's entries."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.loans.selectors import loan_schedule, loan_schedule_versions
from tenants.loans.services import loan_disburse, loan_repay
from tenants.models import Loan, LoanRepayment, MemberBusiness
from tests.factories import cooperative_ensure, user_make
from tests.loans.conftest import D, apply, approve, books_balanced, key, member_make, overdue_by

SLUG = "pinjamdua"
THREADS = 6
PER_THREAD = 5
PAYMENT = D(10_000)


@pytest.mark.django_db(transaction=True)
def test_concurrent_repayments_of_one_loan_never_double_apply(capsys):
    coop = cooperative_ensure(SLUG)
    teller = user_make("pinjamdua-teller", roles={coop: ["kasir"]})
    board = user_make("pinjamdua-board", roles={coop: ["pengurus"]})
    with tenant_context(coop):
        loan = apply(teller, member_make())
        approve(loan, surveyor=teller, board=board)
        loan = overdue_by(loan_disburse(actor=teller, loan=loan), 0)  # 112,000 due today
    shared = key("shared")
    barrier = threading.Barrier(THREADS)
    done: list[Decimal] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def teller_desk() -> None:
        try:
            connection.set_tenant(coop)  # each thread has its own connection
            barrier.wait()
            for _ in range(PER_THREAD):
                paid = loan_repay(actor=None, loan=loan, amount=PAYMENT, idempotency_key=key("c"))
                with lock:
                    done.append(paid.amount)
            loan_repay(actor=None, loan=loan, amount=PAYMENT, idempotency_key=shared)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=teller_desk) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.perf_counter() - started

    assert not errors, errors
    payments = THREADS * PER_THREAD + 1
    with tenant_context(coop):
        repayments = LoanRepayment.objects.filter(loan_id=loan.pk)
        assert repayments.count() == payments
        assert repayments.filter(idempotency_key=shared).count() == 1
        assert sum(r.amount for r in repayments) == PAYMENT * payments
        # 12,000 interest and 100,000 principal were due; the rest paid principal ahead
        assert sum(r.interest_part for r in repayments) == D(12_000)
        assert sum(r.principal_part for r in repayments) == PAYMENT * payments - D(12_000)
        current = Loan.objects.get(pk=loan.pk)
        assert current.principal_outstanding == D(1_200_000) - (PAYMENT * payments - D(12_000))
        rows = loan_schedule(current)
        assert sum(r.principal for r in rows) == D(1_200_000)
        assert sum(r.principal_paid for r in rows) == D(1_200_000) - current.principal_outstanding
        assert (
            len(loan_schedule_versions(current)) == 1 + repayments.filter(kind="prepayment").count()
        )
        assert sum(
            MemberBusiness.objects.filter(member_id=loan.member_id).values_list("amount", flat=True)
        ) == D(12_000)
        books_balanced()
    with capsys.disabled():
        print(f"\n{payments} concurrent repayments of one loan in {elapsed:.2f}s")
