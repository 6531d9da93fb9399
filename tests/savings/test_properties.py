"""Property: any sequence of deposits and withdrawals keeps each account's balance equal
to the sum of its transactions and the savings balances equal to the ledger; a refused
withdrawal changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenants.models import SavingsAccount, SavingsTransaction
from tenants.savings.exceptions import WithdrawalRefused
from tenants.savings.selectors import savings_ledger_differences
from tenants.savings.services import savings_deposit, savings_withdraw
from tests.savings.conftest import account_make, key

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=1, max_value=10**9).map(lambda cents: Decimal(cents).scaleb(-2))
operations = st.lists(
    st.tuples(st.sampled_from(["deposit", "withdraw", "wajib"]), amounts, st.booleans()),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_balances_always_equal_the_ledger(books: Any, ops: Any) -> None:
    sukarela = account_make("sukarela")  # a new member each example
    wajib = account_make("wajib", sukarela.member)
    expected = Decimal("0.00")
    for op, amount, repeat in ops:
        if op == "wajib":
            months = int(amount) % 4 + 1
            savings_deposit(
                actor=None, account=wajib, amount=Decimal(25000 * months), idempotency_key=key()
            )
            continue
        service = savings_deposit if op == "deposit" else savings_withdraw
        same = key("p")
        try:
            first = service(actor=None, account=sukarela, amount=amount, idempotency_key=same)
        except WithdrawalRefused:
            assert amount > expected
            continue
        expected += amount if op == "deposit" else -amount
        if repeat:  # a retried request changes nothing
            again = service(actor=None, account=sukarela, amount=amount, idempotency_key=same)
            assert again == first
        assert first.balance_after == expected
    assert SavingsAccount.objects.get(pk=sukarela.pk).balance == expected
    movements = SavingsTransaction.objects.filter(account=sukarela)
    assert (
        sum((t.amount if t.kind == "deposit" else -t.amount for t in movements), Decimal(0))
        == expected
    )
    assert savings_ledger_differences() == []
