"""The drawer and counter services: opening and closing with the difference booked and
balanced, no counter transaction without an open drawer, and idempotent repeats."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from audit.models import AuditEntry

from tenants.models import JournalEntry, Posting, SavingsTransaction
from tenants.models.teller import CashDrawer, CashDrawerMovement
from tenants.teller.exceptions import CountInvalid, DrawerAlreadyOpen, DrawerNotOpen
from tenants.teller.selectors import drawer_open_of, drawer_totals
from tenants.teller.services import (
    drawer_close,
    drawer_open,
    teller_deposit,
    teller_withdraw,
)

pytestmark = pytest.mark.django_db


def D(value: str) -> Decimal:
    return Decimal(value)


def key() -> str:
    return f"t-{uuid.uuid4().hex}"


def entry_lines(entry: JournalEntry) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (p.account.code, p.debit, p.credit)
        for p in entry.postings.select_related("account").order_by("line_no")
    ]


def test_a_balanced_drawer_closes_with_no_entry(books, alpha_teller, sukarela):
    # given
    drawer_open(actor=alpha_teller, opening_count=D("500000"))
    teller_deposit(actor=alpha_teller, account=sukarela, amount=D("200000"), idempotency_key=key())
    teller_withdraw(actor=alpha_teller, account=sukarela, amount=D("50000"), idempotency_key=key())
    entries = JournalEntry.objects.count()

    # when
    closed = drawer_close(actor=alpha_teller, closing_count=D("650000"))

    # then
    assert (closed.expected, closed.closing_count, closed.difference) == (
        D("650000"),
        D("650000"),
        D("0"),
    )
    assert closed.difference_entry is None
    assert JournalEntry.objects.count() == entries
    assert drawer_open_of(alpha_teller.pk) is None
    assert AuditEntry.objects.filter(action="teller.drawer.close").count() == 1


@pytest.mark.parametrize(
    ("counted", "difference", "lines"),
    [
        ("652500", "2500", [("1101", D("2500"), D("0")), ("4202", D("0"), D("2500"))]),
        ("640000", "-10000", [("5302", D("10000"), D("0")), ("1101", D("0"), D("10000"))]),
    ],
)
def test_a_difference_at_close_is_booked_as_cash_over_or_short(
    books, alpha_teller, sukarela, counted, difference, lines
):
    # given: 500.000 opening + 200.000 deposit - 50.000 withdrawal = 650.000 expected
    drawer_open(actor=alpha_teller, opening_count=D("500000"))
    teller_deposit(actor=alpha_teller, account=sukarela, amount=D("200000"), idempotency_key=key())
    teller_withdraw(actor=alpha_teller, account=sukarela, amount=D("50000"), idempotency_key=key())

    # when
    closed = drawer_close(actor=alpha_teller, closing_count=D(counted))

    # then
    assert closed.expected == D("650000")
    assert closed.difference == D(difference)
    entry = closed.difference_entry
    assert entry is not None
    assert entry.kind == "cash_over_short"
    assert entry_lines(entry) == lines
    postings = Posting.objects.filter(entry=entry)
    assert sum(p.debit for p in postings) == sum(p.credit for p in postings) == abs(D(difference))


def test_the_drawer_counts_only_its_own_movements(books, alpha_teller, sukarela):
    drawer = drawer_open(actor=alpha_teller, opening_count=D("0"))
    teller_deposit(actor=alpha_teller, account=sukarela, amount=D("75000"), idempotency_key=key())
    teller_withdraw(actor=alpha_teller, account=sukarela, amount=D("25000"), idempotency_key=key())

    totals = drawer_totals(drawer)

    assert (totals.deposits, totals.withdrawals, totals.count) == (D("75000"), D("25000"), 2)
    assert sorted(m.amount for m in CashDrawerMovement.objects.filter(drawer=drawer)) == [
        D("-25000"),
        D("75000"),
    ]


def test_one_open_drawer_per_teller(books, alpha_teller):
    drawer_open(actor=alpha_teller, opening_count=D("100000"))

    with pytest.raises(DrawerAlreadyOpen):
        drawer_open(actor=alpha_teller, opening_count=D("100000"))

    assert CashDrawer.objects.filter(teller_id=alpha_teller.pk).count() == 1


@pytest.mark.parametrize("count", [D("-1"), D("1.001"), D("NaN")])
def test_a_bad_count_is_refused(books, alpha_teller, count):
    with pytest.raises(CountInvalid):
        drawer_open(actor=alpha_teller, opening_count=count)
    assert not CashDrawer.objects.filter(teller_id=alpha_teller.pk).exists()


@pytest.mark.parametrize("withdraw", [False, True])
def test_no_counter_transaction_without_an_open_drawer(books, alpha_teller, sukarela, withdraw):
    # given: money in the account, but no open drawer
    drawer_open(actor=alpha_teller, opening_count=D("0"))
    teller_deposit(actor=alpha_teller, account=sukarela, amount=D("100000"), idempotency_key=key())
    drawer_close(actor=alpha_teller, closing_count=D("100000"))
    before = (SavingsTransaction.objects.count(), JournalEntry.objects.count())

    # when / then
    service = teller_withdraw if withdraw else teller_deposit
    with pytest.raises(DrawerNotOpen):
        service(actor=alpha_teller, account=sukarela, amount=D("10000"), idempotency_key=key())
    assert (SavingsTransaction.objects.count(), JournalEntry.objects.count()) == before
    sukarela.refresh_from_db()
    assert sukarela.balance == D("100000")


def test_the_same_key_posts_once_and_links_once(books, alpha_teller, sukarela):
    drawer = drawer_open(actor=alpha_teller, opening_count=D("0"))
    same = key()

    first = teller_deposit(
        actor=alpha_teller, account=sukarela, amount=D("5000"), idempotency_key=same
    )
    again = teller_deposit(
        actor=alpha_teller, account=sukarela, amount=D("5000"), idempotency_key=same
    )

    assert first.pk == again.pk
    assert CashDrawerMovement.objects.filter(drawer=drawer).count() == 1
    sukarela.refresh_from_db()
    assert sukarela.balance == D("5000")


def test_a_refused_withdrawal_writes_nothing(books, alpha_teller, sukarela):
    from django.core.exceptions import ValidationError

    drawer = drawer_open(actor=alpha_teller, opening_count=D("0"))
    before = (SavingsTransaction.objects.count(), JournalEntry.objects.count())

    with pytest.raises(ValidationError):
        teller_withdraw(actor=alpha_teller, account=sukarela, amount=D("1"), idempotency_key=key())

    assert (SavingsTransaction.objects.count(), JournalEntry.objects.count()) == before
    assert not CashDrawerMovement.objects.filter(drawer=drawer).exists()
