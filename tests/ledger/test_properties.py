"""Property: any sequence of balanced postings and reversals keeps the trial balance at
zero, the stored balances equal to the postings, and the chain verifiable."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenants.ledger.chain import chain_seal_pending
from tenants.ledger.exceptions import LedgerError
from tenants.ledger.periods import business_today
from tenants.ledger.posting import journal_post, journal_reverse, ledger_check_balances
from tenants.ledger.reports import trial_balance
from tenants.ledger.verify import ledger_verify
from tenants.models import AccountBalance, JournalEntry

CODES = ["1101", "1102", "1103", "2101", "3101", "3102", "4101", "5101", "5202"]
ZERO = Decimal("0.00")
amounts = st.integers(min_value=1, max_value=10**10).map(lambda cents: Decimal(cents).scaleb(-2))
_keys = itertools.count()


@st.composite
def balanced_lines(draw: Any) -> list[tuple[str, Decimal, Decimal, str]]:
    debits = draw(st.lists(st.tuples(st.sampled_from(CODES), amounts), min_size=1, max_size=3))
    cents = int(sum(amount for _code, amount in debits) * 100)
    parts = draw(st.integers(min_value=1, max_value=min(3, cents)))
    cuts = sorted(
        draw(st.sets(st.integers(1, cents - 1), min_size=parts - 1, max_size=parts - 1))
        if parts > 1
        else set()
    )
    bounds = [0, *cuts, cents]
    credits = [Decimal(b - a).scaleb(-2) for a, b in itertools.pairwise(bounds)]
    codes = draw(st.lists(st.sampled_from(CODES), min_size=parts, max_size=parts))
    return [(code, amount, ZERO, "") for code, amount in debits] + [
        (code, ZERO, amount, "") for code, amount in zip(codes, credits, strict=True)
    ]


operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), balanced_lines()),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=1000)),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_postings_and_reversals_keep_the_books_balanced(books, ops):
    for op, arg in ops:
        if op == "post":
            journal_post(
                actor=None,
                entry_date=business_today(),
                description="Transaksi acak",
                lines=arg,
                idempotency_key=f"prop-{next(_keys)}",
            )
            continue
        entries = list(JournalEntry.objects.filter(reversal_of__isnull=True).order_by("id"))
        if entries:
            try:
                journal_reverse(actor=None, entry=entries[arg % len(entries)])
            except LedgerError as refused:
                assert refused.code == "already_reversed"
    trial = trial_balance()
    assert trial.difference == 0
    assert ledger_check_balances() == []
    totals = AccountBalance.objects.values_list("debit_total", "credit_total")
    assert sum(d for d, _c in totals) == sum(c for _d, c in totals)
    chain_seal_pending()
    report = ledger_verify(books)
    assert report.ok, report.lines()
