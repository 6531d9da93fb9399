"""Monthly jasa on simpanan sukarela: hand-computed amounts, the remainder, idempotent
reruns, refusals with nothing written, the balances still matching the ledger."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.interest.exceptions import JasaRefused
from tenants.interest.jasa import jasa_lines_of, jasa_post_month
from tenants.ledger.periods import business_today, period_close
from tenants.models import (
    Account,
    JasaLine,
    JasaRun,
    JasaRunStatus,
    JournalEntry,
    Member,
    MemberKind,
    MemberStatus,
    Posting,
    SavingsAccount,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
    Sex,
)
from tenants.savings.selectors import savings_balances_match_ledger
from tenants.tasks_interest import jasa_post_previous_month
from tests.interest.conftest import D, account_make, member_make, move_at, postings, product, wib

pytestmark = pytest.mark.django_db

RATE = D("0.03")
YEAR = D(365)


def exact(*runs: tuple[int, int]) -> Decimal:
    """sum(balance x days) x 3% / 365, unrounded."""
    return sum((D(balance) * D(days) for balance, days in runs), D(0)) * RATE / YEAR


@pytest.fixture
def june(member):
    """Two accounts over June 2025 (30 days):
    A: Rp 1.000.000 from May; + Rp 500.000 on 11 June 00:10 WIB (17:10 UTC on the 10th)
       -> 1.000.000 x 10 days, 1.500.000 x 20 days.
    B: Rp 2.000.000 from May; - Rp 300.000 on 21 June 23:30 WIB
       -> 2.000.000 x 20 days, 1.700.000 x 10 days."""
    a = account_make("sukarela", member)
    move_at(a, 1_000_000, wib(date(2025, 5, 20)))
    move_at(a, 500_000, wib(date(2025, 6, 11), 0, 10))
    b = account_make("sukarela", member_make())
    move_at(b, 2_000_000, wib(date(2025, 5, 2)))
    move_at(b, -300_000, wib(date(2025, 6, 21), 23, 30))
    return a, b


def test_jasa_is_balance_times_days_times_rate_rounded_down(books, june):
    a, b = june

    # when
    run = jasa_post_month(actor=None, year=2025, month=6)

    # then: A 821.917... + 2,465.753... = 3,287.67...; B 4,684.93...
    exact_a = exact((1_000_000, 10), (1_500_000, 20))
    exact_b = exact((2_000_000, 20), (1_700_000, 10))
    assert exact_a.quantize(D("0.0001")) == D("3287.6712")
    assert exact_b.quantize(D("0.0001")) == D("4684.9315")
    line_a = JasaLine.objects.get(run=run, account=a)
    line_b = JasaLine.objects.get(run=run, account=b)
    assert (line_a.amount, line_b.amount) == (D(3287), D(4684))
    assert (line_a.days, line_a.rate_percent) == (30, D(3))
    assert line_a.balance_days == D(1_000_000 * 10 + 1_500_000 * 20)
    assert line_a.average_balance == D("1333333.33")
    assert line_a.breakdown == [
        {"from": "2025-06-01", "to": "2025-06-10", "days": 10, "balance": "1000000.00",
         "jasa": "821.91780821"},
        {"from": "2025-06-11", "to": "2025-06-30", "days": 20, "balance": "1500000.00",
         "jasa": "2465.75342465"},
    ]  # fmt: skip
    assert [(r["from"], r["days"], r["balance"]) for r in line_b.breakdown] == [
        ("2025-06-01", 20, "2000000.00"),
        ("2025-06-21", 10, "1700000.00"),
    ]
    # the run: total posted, and what rounding down left over, recorded
    assert run.status == JasaRunStatus.POSTED
    assert (run.accounts_count, run.total_amount) == (2, D(7971))
    assert run.remainder == (exact_a + exact_b - D(7971)).quantize(D("0.00000001"), "ROUND_DOWN")
    assert run.remainder == D("1.60273972")
    assert run.total_amount + run.remainder == run.total_exact
    # one balanced entry on the month's last day
    entry = run.journal_entry
    assert entry is not None and entry.entry_date == date(2025, 6, 30)
    assert postings(entry) == [("5101", D(7971), D(0)), ("2101", D(0), D(7971))]
    # the accounts are credited, and still match the ledger
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.balance, b.balance) == (D(1_503_287), D(1_704_684))
    assert savings_balances_match_ledger()
    assert [line.run_id for line in jasa_lines_of(a)] == [run.pk]


def test_next_month_counts_last_months_jasa_in_the_balance(books, june):
    a, _b = june
    jasa_post_month(actor=None, year=2025, month=6)

    # when
    july = jasa_post_month(actor=None, year=2025, month=7)

    # then: 1.503.287 for all 31 days
    line = JasaLine.objects.get(run=july, account=a)
    assert line.breakdown == [
        {"from": "2025-07-01", "to": "2025-07-31", "days": 31, "balance": "1503287.00",
         "jasa": "3830.29290410"},
    ]  # fmt: skip
    assert line.amount == D(3830) == int(exact((1_503_287, 31)))
    assert savings_balances_match_ledger()


def test_running_the_month_again_posts_once(books, june, nothing_written):
    first = jasa_post_month(actor=None, year=2025, month=6)

    with nothing_written():
        again = jasa_post_month(actor=None, year=2025, month=6)

    assert again.pk == first.pk
    assert JasaRun.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "month", "code"),
    [(2025, 13, "month_invalid"), (2025, "6", "month_invalid"), (9999, 12, "month_not_ended")],
)
def test_bad_months_are_refused(books, june, nothing_written, year, month, code):
    with nothing_written(), pytest.raises(JasaRefused) as refused:
        jasa_post_month(actor=None, year=year, month=month)
    assert refused.value.code == code


def test_the_current_month_is_refused(books, june, nothing_written):
    today = business_today()
    with nothing_written(), pytest.raises(JasaRefused) as refused:
        jasa_post_month(actor=None, year=today.year, month=today.month)
    assert refused.value.code == "month_not_ended"


def test_a_closed_period_is_refused(books, june, nothing_written):
    period_close(actor=None, year=2025, month=6)

    with nothing_written(), pytest.raises(JasaRefused) as refused:
        jasa_post_month(actor=None, year=2025, month=6)
    assert refused.value.code == "period_closed"


def test_an_earlier_month_after_a_later_one_is_refused(books, june, nothing_written):
    jasa_post_month(actor=None, year=2025, month=6)

    with nothing_written(), pytest.raises(JasaRefused) as refused:
        jasa_post_month(actor=None, year=2025, month=5)
    assert refused.value.code == "later_run"


def test_a_month_without_balances_posts_nothing_but_is_recorded(books, member):
    account_make("sukarela", member)

    run = jasa_post_month(actor=None, year=2025, month=3)

    assert (run.status, run.journal_entry, run.total_amount) == (JasaRunStatus.EMPTY, None, 0)
    assert not run.lines.exists()


def test_closed_accounts_and_other_kinds_earn_no_jasa(books, member):
    wajib = account_make("wajib", member)
    move_at(wajib, 100_000, wib(date(2025, 5, 1)))
    closed = account_make("sukarela", member_make())
    move_at(closed, 100_000, wib(date(2025, 5, 1)))
    SavingsAccount.objects.filter(pk=closed.pk).update(closed_at=timezone.now())

    run = jasa_post_month(actor=None, year=2025, month=6)

    assert run.status == JasaRunStatus.EMPTY


def test_the_task_posts_the_previous_month(books, member):
    account = account_make("sukarela", member)
    first_of_month = business_today().replace(day=1)
    last_month = first_of_month - timedelta(days=1)
    move_at(account, 3_650_000, wib(last_month.replace(day=1)))

    run_id = jasa_post_previous_month()
    again = jasa_post_previous_month()

    run = JasaRun.objects.get(pk=run_id)
    assert again == run_id
    assert (run.year, run.month) == (last_month.year, last_month.month)
    # 3.650.000 x 3% / 365 = 300 a day
    assert run.total_amount == D(300 * last_month.day)
    assert savings_balances_match_ledger()


@pytest.mark.skipif(os.environ.get("MEASURE") != "1", reason="set MEASURE=1 to measure")
def test_measure_jasa_for_2000_accounts(books, capsys):
    # given 2,000 sukarela accounts, each with an opening deposit and 4 moves in June 2025
    count = 2000
    sukarela = product("sukarela")
    members = Member.objects.bulk_create(
        [
            Member(
                member_number=f"9{n:07d}",
                nik_encrypted="x",
                nik_hash=f"{n:064x}",
                kk_encrypted="x",
                full_name="Anggota",
                birth_place="Bandung",
                birth_date=date(1980, 1, 1),
                sex=Sex.MALE,
                desa="Sukamaju",
                kecamatan="Cibeunying",
                kabupaten="Bandung",
                provinsi="Jawa Barat",
                kind=MemberKind.BIASA,
                status=MemberStatus.ACTIVE,
                join_date=date(2024, 1, 1),
            )
            for n in range(1, count + 1)
        ]
    )
    moves = [(wib(date(2025, 5, 1)), D(1_000_000))] + [
        (wib(date(2025, 6, day)), D(amount))
        for day, amount in ((3, 250_000), (9, -100_000), (17, 400_000), (28, -50_000))
    ]
    final = sum((amount for _when, amount in moves), D(0))
    now = timezone.now()
    accounts = SavingsAccount.objects.bulk_create(
        [
            SavingsAccount(
                member=m, product=sukarela, kind=SavingsKind.SUKARELA, balance=final, opened_at=now
            )
            for m in members
        ]
    )
    entries = JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                entry_date=date(2025, 6, 1),
                description="measure",
                kind="measure",
                idempotency_key=f"measure-{a.pk}-{i}",
                request_digest="0" * 64,
                created_at=now,
            )
            for a in accounts
            for i in range(len(moves))
        ],
        batch_size=5000,
    )
    # the moves' own entries: Kas against Simpanan Sukarela (balanced, as the triggers ask)
    codes = dict(Account.objects.filter(code__in=["1101", "2101"]).values_list("code", "pk"))
    lines = []
    for index, _account in enumerate(accounts):
        for i, (_when, amount) in enumerate(moves):
            entry = entries[index * len(moves) + i]
            cash, saving = (codes["1101"], codes["2101"])
            debit_id, credit_id = (cash, saving) if amount > 0 else (saving, cash)
            lines.append(Posting(entry=entry, line_no=1, account_id=debit_id, debit=abs(amount)))
            lines.append(Posting(entry=entry, line_no=2, account_id=credit_id, credit=abs(amount)))
    Posting.objects.bulk_create(lines, batch_size=5000)
    txs = []
    for index, account in enumerate(accounts):
        balance = D(0)
        for i, (when, amount) in enumerate(moves):
            balance += amount
            txs.append(
                SavingsTransaction(
                    account=account,
                    kind=SavingsTransactionKind.DEPOSIT
                    if amount > 0
                    else SavingsTransactionKind.WITHDRAWAL,
                    amount=abs(amount),
                    balance_after=balance,
                    journal_entry=entries[index * len(moves) + i],
                    idempotency_key=f"measure-{account.pk}-{i}",
                    request_digest="0" * 64,
                    created_at=when,
                )
            )
    SavingsTransaction.objects.bulk_create(txs, batch_size=5000)

    # when
    started = time.perf_counter()
    run = jasa_post_month(actor=None, year=2025, month=6)
    seconds = time.perf_counter() - started

    # then
    with capsys.disabled():
        print(f"\njasa_post_month for {count} sukarela accounts: {seconds:.2f} s")
    per_account = int(
        exact((1_000_000, 2), (1_250_000, 6), (1_150_000, 8), (1_550_000, 11), (1_500_000, 3))
    )
    assert run.accounts_count == count
    assert run.total_amount == D(per_account) * count
