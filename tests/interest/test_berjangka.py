"""Time deposits: open, mature and break, with their entries worked out by hand, and every
refusal with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenants.interest.berjangka import (
    add_months,
    term_deposit_break,
    term_deposit_mature,
    term_deposit_open,
)
from tenants.interest.exceptions import TermDepositRefused
from tenants.ledger.periods import business_today
from tenants.members.services import member_resign
from tenants.models import (
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
    TermDeposit,
    TermDepositSetting,
    TermDepositStatus,
)
from tenants.savings.selectors import savings_balances_match_ledger
from tests.interest.conftest import D, account_make, key, postings, product

pytestmark = pytest.mark.django_db
PRINCIPAL = D("10000001")


@pytest.fixture
def three_months(books):
    SavingsProduct.objects.filter(code="berjangka-3").update(annual_rate_percent=D("6.00"))
    return product("berjangka-3")


def open_deposit(member, deposit_product, opened_on=None):
    return term_deposit_open(
        actor=None,
        member=member,
        product=deposit_product,
        principal=PRINCIPAL,
        idempotency_key=key("td"),
        opened_on=opened_on,
    )


def test_opening_debits_cash_and_credits_simpanan_berjangka(member, three_months):
    opened_on = date(2026, 1, 31)
    deposit = open_deposit(member, three_months, opened_on)

    assert (deposit.rate_percent, deposit.term_months, deposit.penalty_percent) == (
        D(6),
        3,
        D(1),
    )
    assert deposit.maturity_on == date(2026, 4, 30)
    assert postings(deposit.open_entry) == [("1101", PRINCIPAL, D(0)), ("2102", D(0), PRINCIPAL)]
    assert deposit.account.balance == PRINCIPAL
    assert savings_balances_match_ledger()


def test_maturity_pays_principal_and_interest_rounded_down_to_cash(member, three_months):
    deposit = open_deposit(member, three_months, business_today() - timedelta(days=100))

    paid = term_deposit_mature(actor=None, deposit=deposit)

    # 10.000.001 x 6% x 3/12 = 150.000,015 -> 150.000
    assert (paid.status, paid.interest, paid.penalty) == (TermDepositStatus.MATURED, D(150_000), 0)
    assert paid.payout_entry is not None
    assert postings(paid.payout_entry) == [
        ("2102", PRINCIPAL, D(0)),
        ("5102", D(150_000), D(0)),
        ("1101", D(0), D("10150001")),
    ]
    holding = SavingsAccount.objects.get(pk=deposit.account_id)
    assert (holding.balance, holding.closed_at is not None) == (D(0), True)
    assert savings_balances_match_ledger()
    # paying out again changes nothing
    assert term_deposit_mature(actor=None, deposit=deposit).payout_entry_id == paid.payout_entry_id


def test_maturity_can_pay_into_sukarela(member, three_months):
    sukarela = account_make("sukarela", member)
    deposit = open_deposit(member, three_months, business_today() - timedelta(days=100))

    paid = term_deposit_mature(actor=None, deposit=deposit, payout_to="sukarela")

    assert paid.payout_entry is not None
    assert postings(paid.payout_entry)[-1] == ("2101", D(0), D("10150001"))
    sukarela.refresh_from_db()
    assert sukarela.balance == D("10150001")
    assert SavingsTransaction.objects.get(account=sukarela).amount == D("10150001")
    assert savings_balances_match_ledger()


@pytest.mark.parametrize(("setting", "penalty"), [(None, D(100_000)), (D("2.5"), D(250_000))])
def test_breaking_early_forfeits_interest_and_books_the_penalty(
    member, three_months, setting, penalty
):
    # 1% of 10.000.001 = 100.000,01 -> 100.000; 2,5% -> 250.000,025 -> 250.000
    if setting is not None:
        TermDepositSetting.objects.create(product=three_months, penalty_percent=setting)
    deposit = open_deposit(member, three_months)

    broken = term_deposit_break(actor=None, deposit=deposit)

    assert (broken.status, broken.interest, broken.penalty) == ("broken", D(0), penalty)
    assert broken.payout_entry is not None
    assert postings(broken.payout_entry) == [
        ("2102", PRINCIPAL, D(0)),
        ("4202", D(0), penalty),
        ("1101", D(0), PRINCIPAL - penalty),
    ]
    assert savings_balances_match_ledger()


def test_maturing_early_is_refused(member, three_months, nothing_written):
    deposit = open_deposit(member, three_months)

    with nothing_written(), pytest.raises(TermDepositRefused) as refused:
        term_deposit_mature(actor=None, deposit=deposit)
    assert refused.value.code == "deposit_not_matured"


def test_breaking_a_matured_or_settled_deposit_is_refused(member, three_months, nothing_written):
    deposit = open_deposit(member, three_months, business_today() - timedelta(days=100))
    with nothing_written(), pytest.raises(TermDepositRefused) as refused:
        term_deposit_break(actor=None, deposit=deposit)
    assert refused.value.code == "deposit_matured"

    term_deposit_mature(actor=None, deposit=deposit)
    with nothing_written(), pytest.raises(TermDepositRefused) as refused:
        term_deposit_break(actor=None, deposit=deposit)
    assert refused.value.code == "deposit_settled"


def test_paying_into_a_missing_sukarela_is_refused(member, three_months, nothing_written):
    deposit = open_deposit(member, three_months, business_today() - timedelta(days=100))

    with nothing_written(), pytest.raises(TermDepositRefused) as refused:
        term_deposit_mature(actor=None, deposit=deposit, payout_to="sukarela")
    assert refused.value.code == "no_sukarela"


@pytest.mark.parametrize(
    ("principal", "product_code", "opened_in_days", "code"),
    [
        (10000.5, "berjangka-3", 0, "principal_invalid"),
        (D("-1"), "berjangka-3", 0, "principal_invalid"),
        (D("0.001"), "berjangka-3", 0, "principal_invalid"),
        (D("1000"), "sukarela", 0, "product_invalid"),
        (D("1000"), "berjangka-3", 1, "date_future"),
    ],
)
def test_bad_openings_are_refused(
    member, three_months, nothing_written, principal, product_code, opened_in_days, code
):
    with nothing_written(), pytest.raises(TermDepositRefused) as refused:
        term_deposit_open(
            actor=None,
            member=member,
            product=product(product_code),
            principal=principal,
            idempotency_key=key("td"),
            opened_on=business_today() + timedelta(days=opened_in_days),
        )
    assert refused.value.code == code


def test_an_inactive_member_cannot_open(member, three_months, nothing_written):
    member_resign(actor=None, member=member)

    with nothing_written(), pytest.raises(TermDepositRefused) as refused:
        open_deposit(member, three_months)
    assert refused.value.code == "member_inactive"


def test_the_same_key_opens_once(member, three_months, nothing_written):
    first = term_deposit_open(
        actor=None, member=member, product=three_months, principal=PRINCIPAL, idempotency_key="k1"
    )
    with nothing_written():
        again = term_deposit_open(
            actor=None,
            member=member,
            product=three_months,
            principal=PRINCIPAL,
            idempotency_key="k1",
        )
        with pytest.raises(TermDepositRefused) as refused:
            term_deposit_open(
                actor=None,
                member=member,
                product=three_months,
                principal=D(5),
                idempotency_key="k1",
            )
    assert again.pk == first.pk
    assert refused.value.code == "idempotency_conflict"
    assert TermDeposit.objects.count() == 1


def test_add_months_keeps_the_day_or_the_months_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2025, 10, 15), 12) == date(2026, 10, 15)
