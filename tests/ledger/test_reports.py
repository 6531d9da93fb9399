"""Trial balance and general ledger, computed from the postings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tenants.ledger.exceptions import AccountInvalid
from tenants.ledger.periods import business_today
from tenants.ledger.reports import general_ledger, trial_balance
from tests.ledger.conftest import (
    ADMINISTRASI,
    JASA_PINJAMAN,
    KAS,
    PINJAMAN,
    SUKARELA,
    D,
)


@pytest.fixture
def month(books, post):
    """A loan of Rp 1.000.000 with Rp 20.000 admin fee, then a repayment with interest."""
    today = business_today()
    first, second = today - timedelta(days=10), today - timedelta(days=2)
    post("5000000", entry_date=first - timedelta(days=1), description="Setoran awal")
    post(
        lines=[
            (PINJAMAN, D(1000000), D(0), "A-001"),
            (KAS, D(0), D(980000), ""),
            (ADMINISTRASI, D(0), D(20000), "A-001"),
        ],
        entry_date=first,
        description="Pencairan pinjaman A-001",
    )
    post(
        lines=[
            (KAS, D(110000), D(0), ""),
            (PINJAMAN, D(0), D(100000), "A-001"),
            (JASA_PINJAMAN, D(0), D(10000), "A-001"),
        ],
        entry_date=second,
        description="Angsuran 1 A-001",
    )
    return first, second


def test_the_trial_balance_balances_and_shows_each_accounts_net(month):
    trial = trial_balance()
    assert trial.difference == 0
    rows = {r.code: (r.debit, r.credit) for r in trial.rows}
    assert rows[KAS] == (D(5000000 - 980000 + 110000), D(0))
    assert rows[PINJAMAN] == (D(900000), D(0))
    assert rows[SUKARELA] == (D(0), D(5000000))
    assert rows[ADMINISTRASI] == (D(0), D(20000))
    assert rows[JASA_PINJAMAN] == (D(0), D(10000))
    assert trial.total_debit == D(5000000 - 980000 + 110000 + 900000)


def test_the_trial_balance_as_of_a_date(month):
    first, _second = month
    rows = {r.code: r for r in trial_balance(as_of=first).rows}
    assert rows[PINJAMAN].debit == D(1000000)
    assert JASA_PINJAMAN not in rows
    assert JASA_PINJAMAN in {r.code for r in trial_balance(as_of=first, include_zero=True).rows}


def test_the_general_ledger_has_opening_and_running_balances(month):
    first, second = month
    ledger = general_ledger(account_code=KAS, date_from=first, date_to=second)
    assert ledger.opening_balance == D(5000000)
    assert [(line.debit, line.credit, line.balance) for line in ledger.lines] == [
        (D(0), D(980000), D(4020000)),
        (D(110000), D(0), D(4130000)),
    ]
    assert ledger.closing_balance == D(4130000)
    # on a credit-normal account a credit raises the balance
    savings = general_ledger(account_code=SUKARELA)
    assert savings.closing_balance == D(5000000)
    assert savings.lines[0].member_ref == "A-001"


def test_the_general_ledger_of_an_unknown_account(books):
    with pytest.raises(AccountInvalid):
        general_ledger(account_code="0000")
