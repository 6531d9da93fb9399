"""Each statement's numbers, worked out by hand from tests/reports/conftest.py ENTRIES.

Cash (Kas + Bank) before 2026: 1.100.000. In 2026-Q1: Kas +10.000.000 -4.000.000
-5.000.000 +1.250.000 -300.000 +2.000.000 = +3.950.000; Bank +4.000.000 -1.500.000.
So Kas 5.050.000 and Bank 2.500.000 on 31 March; the April entry is outside every range.
"""

from __future__ import annotations

from datetime import date

import pytest

from tenants.reports.statements import (
    FINANCING,
    INVESTING,
    OPERATING,
    ReportError,
    balance_sheet,
    cash_flow,
    equity_changes,
    general_ledger,
    income_statement,
    trial_balance,
)
from tests.reports.conftest import END, START, D


def test_trial_balance_totals_agree(entries):
    tb = trial_balance(date_from=START, date_to=END)
    rows = {line.code: line for line in tb.lines}
    assert rows["1101"].opening_debit == D(1100000)
    assert rows["1101"].debit == D(13250000)
    assert rows["1101"].credit == D(9300000)
    assert rows["1101"].closing_debit == D(5050000)
    assert rows["1305"].closing_credit == D(50000)
    assert tb.totals.opening_debit == tb.totals.opening_credit == D(1100000)
    assert tb.totals.debit == tb.totals.credit == D(24100000)
    assert tb.totals.closing_debit == tb.totals.closing_credit == D(13400000)


def test_balance_sheet_balances(entries):
    bs = balance_sheet(as_of=END)
    assert [(code, amount) for code, _, amount in bs.assets] == [
        ("1101", D(5050000)),
        ("1102", D(2500000)),
        ("1103", D(4000000)),
        ("1303", D(1500000)),
        ("1305", D(-50000)),
    ]
    assert bs.liabilities == [("2101", "Simpanan Sukarela", D(2000000))]
    assert [amount for _, _, amount in bs.equity] == [
        D(10000000),  # simpanan pokok
        D(1000000),  # hibah
        D(100000),  # 2025's result, never closed
        D(-100000),  # 2026's SHU: 250.000 - 300.000 - 50.000
    ]
    assert bs.total_assets == D(13000000)
    assert bs.total_liabilities + bs.total_equity == D(13000000)
    assert bs.current_shu == D(-100000)
    assert bs.balances


def test_balance_sheet_includes_the_as_of_day_only(entries):
    assert balance_sheet(as_of=date(2026, 4, 2)).total_assets == D(13000000 - 70000)
    assert balance_sheet(as_of=date(2026, 1, 4)).total_assets == D(1100000)


def test_income_statement(entries):
    report = income_statement(date_from=START, date_to=END)
    assert report.income == [("4101", "Pendapatan Jasa Pinjaman", D(250000))]
    assert [(code, amount) for code, _, amount in report.expenses] == [
        ("5202", D(300000)),
        ("5203", D(50000)),
    ]
    assert report.total_income == D(250000)
    assert report.total_expenses == D(350000)
    assert report.shu == D(-100000) == balance_sheet(as_of=END).current_shu


def test_cash_flow_direct_method(entries):
    report = cash_flow(date_from=START, date_to=END)
    assert report.opening_cash == D(1100000)
    assert [(code, amount) for code, _, amount in report.flows[OPERATING]] == [
        ("1103", D(-4000000)),
        ("2101", D(2000000)),
        ("4101", D(250000)),
        ("5202", D(-300000)),
    ]
    assert [(code, amount) for code, _, amount in report.flows[INVESTING]] == [
        ("1303", D(-1500000))
    ]
    assert [(code, amount) for code, _, amount in report.flows[FINANCING]] == [
        ("3101", D(10000000))
    ]
    assert report.totals == {
        OPERATING: D(-2050000),
        INVESTING: D(-1500000),
        FINANCING: D(10000000),
    }
    assert report.net_change == D(6450000)
    # closing cash = the cash accounts' balance on the balance sheet
    cash = sum(
        (amount for code, _, amount in balance_sheet(as_of=END).assets if code in ("1101", "1102")),
        D(0),
    )
    assert report.closing_cash == cash == D(7550000)


def test_equity_changes_close_at_the_balance_sheet_equity(entries):
    report = equity_changes(date_from=START, date_to=END)
    assert [(x.code, x.opening, x.increase, x.decrease, x.closing) for x in report.lines] == [
        ("3101", D(0), D(10000000), D(0), D(10000000)),
        ("3104", D(1000000), D(0), D(0), D(1000000)),
        ("", D(100000), D(0), D(100000), D(0)),
    ]
    assert report.total.opening == D(1100000)
    assert report.total.closing == D(11000000) == balance_sheet(as_of=END).total_equity
    assert report.total.opening == balance_sheet(as_of=date(2025, 12, 31)).total_equity


def test_general_ledger_running_balance(entries):
    table = general_ledger(account_code="1102", date_from=START, date_to=END)
    balances = [row.cells[5] for row in table.rows]
    assert balances == [D(0), D(4000000), D(2500000), D(2500000)]
    assert table.rows[-1].cells[3:5] == (D(4000000), D(1500000))


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        (trial_balance, {"date_from": END, "date_to": START}),
        (general_ledger, {"account_code": "9999", "date_from": START, "date_to": END}),
        (general_ledger, {"account_code": "11", "date_from": START, "date_to": END}),
    ],
)
def test_bad_requests_are_refused(books, call, kwargs):
    with pytest.raises(ReportError):
        call(**kwargs)


def test_beta_postings_never_appear_in_alpha(entries, beta):
    from django.db import connection

    from tenants.ledger.posting import journal_post

    connection.set_tenant(beta)
    journal_post(
        actor=None,
        entry_date=date(2026, 2, 2),
        description="Beta only",
        lines=[("1101", D(999000), D(0), ""), ("3101", D(0), D(999000), "")],
        idempotency_key="beta-only-reports",
    )
    assert balance_sheet(as_of=END).total_assets >= D(999000)
    connection.set_tenant(entries)
    assert balance_sheet(as_of=END).total_assets == D(13000000)
    assert cash_flow(date_from=START, date_to=END).totals[FINANCING] == D(10000000)
