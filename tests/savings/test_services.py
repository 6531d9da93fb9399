"""Deposits and withdrawals: the happy paths with their journal entries, every refusal
with nothing written, and idempotent repeats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from audit.models import AuditEntry
from django.db import connection
from django.utils import timezone

from tenants.ledger.exceptions import LedgerError
from tenants.members.services import member_resign
from tenants.models import JournalEntry, SavingsAccount, SavingsProduct, SavingsTransaction
from tenants.savings.exceptions import (
    AccountUnavailable,
    AmountInvalid,
    DepositRefused,
    IdempotencyConflict,
    SavingsError,
    WithdrawalRefused,
)
from tenants.savings.selectors import (
    savings_balances_match_ledger,
    savings_ledger_differences,
    savings_products,
)
from tenants.savings.services import savings_account_open, savings_deposit, savings_withdraw
from tests.savings.conftest import D, account_make, key, member_make, product

pytestmark = pytest.mark.django_db


def postings(entry: JournalEntry) -> list[tuple[str, Decimal, Decimal, str]]:
    return [
        (p.account.code, p.debit, p.credit, p.member_ref)
        for p in entry.postings.select_related("account").order_by("line_no")
    ]


def test_every_cooperative_starts_with_the_default_products(books):
    found = {p.code: p for p in savings_products()}
    assert set(found) == {"pokok", "wajib", "sukarela"} | {f"berjangka-{n}" for n in (3, 6, 12)}
    assert (found["pokok"].amount, found["pokok"].account_code) == (D("300000"), "3101")
    assert (found["wajib"].amount, found["wajib"].account_code) == (D("25000"), "3102")
    assert found["sukarela"].account_code == "2101"
    assert (found["sukarela"].minimum_balance, found["sukarela"].annual_rate_percent) == (
        D(0),
        D(3),
    )
    assert sorted(found[f"berjangka-{n}"].term_months for n in (3, 6, 12)) == [3, 6, 12]


def test_a_deposit_debits_cash_and_credits_the_savings_account(books, sukarela):
    # when
    tx = savings_deposit(actor=None, account=sukarela, amount=D("150000.50"), idempotency_key=key())

    # then
    sukarela.refresh_from_db()
    assert sukarela.balance == tx.balance_after == D("150000.50")
    assert tx.kind == "deposit"
    number = sukarela.member.member_number
    assert postings(tx.journal_entry) == [
        ("1101", D("150000.50"), D(0), ""),
        ("2101", D(0), D("150000.50"), number),
    ]
    audit = AuditEntry.objects.get(action="savings.deposit", object_id=str(tx.pk))
    assert "Budi" not in f"{audit.summary} {audit.data}"  # no personal data
    assert audit.data["member"] == number
    assert savings_balances_match_ledger()


def test_a_withdrawal_debits_savings_and_credits_cash(books, sukarela):
    savings_deposit(actor=None, account=sukarela, amount=D(100000), idempotency_key=key())

    tx = savings_withdraw(actor=None, account=sukarela, amount=D(40000), idempotency_key=key())

    sukarela.refresh_from_db()
    assert sukarela.balance == tx.balance_after == D(60000)
    assert postings(tx.journal_entry) == [
        ("1101", D(0), D(40000), ""),
        ("2101", D(40000), D(0), sukarela.member.member_number),
    ]
    assert savings_ledger_differences() == []


def test_the_whole_balance_can_be_withdrawn(books, sukarela):
    savings_deposit(actor=None, account=sukarela, amount=D(5000), idempotency_key=key())
    tx = savings_withdraw(actor=None, account=sukarela, amount=D(5000), idempotency_key=key())
    assert tx.balance_after == D(0)


def test_pokok_is_paid_once_and_wajib_in_monthly_multiples(books, member):
    pokok, wajib = account_make("pokok", member), account_make("wajib", member)

    savings_deposit(actor=None, account=pokok, amount=D(300000), idempotency_key=key())
    tx = savings_deposit(actor=None, account=wajib, amount=D(75000), idempotency_key=key())

    assert postings(tx.journal_entry)[1][:3] == ("3102", D(0), D(75000))
    pokok.refresh_from_db()
    assert pokok.balance == D(300000)
    assert savings_balances_match_ledger()


def test_a_bank_deposit_debits_the_bank_account(books, sukarela):
    tx = savings_deposit(
        actor=None,
        account=sukarela,
        amount=D(1000),
        idempotency_key=key(),
        cash_account_code="1102",
    )
    assert postings(tx.journal_entry)[0] == ("1102", D(1000), D(0), "")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (D(0), "amount_not_positive"),
        (D(-1000), "amount_not_positive"),
        (1000.0, "amount_type"),
        (1000, "amount_type"),
        ("1000", "amount_type"),
        (D("1000.005"), "amount_precision"),
        (Decimal("NaN"), "amount_invalid"),
        (Decimal("Infinity"), "amount_invalid"),
        (D("10000000000000000"), "amount_too_large"),
    ],
)
@pytest.mark.parametrize("service", [savings_deposit, savings_withdraw])
def test_a_bad_amount_is_refused_and_nothing_written(
    books, sukarela, nothing_written, service, amount, code
):
    savings_deposit(actor=None, account=sukarela, amount=D(50000), idempotency_key=key())
    with nothing_written(sukarela), pytest.raises(AmountInvalid) as refused:
        service(actor=None, account=sukarela, amount=amount, idempotency_key=key())
    assert refused.value.code == code


@pytest.mark.parametrize("idempotency_key", ["", "   ", "x" * 91, None])
def test_a_missing_or_long_key_is_refused(books, sukarela, nothing_written, idempotency_key):
    with nothing_written(sukarela), pytest.raises(AmountInvalid) as refused:
        savings_deposit(
            actor=None, account=sukarela, amount=D(1000), idempotency_key=idempotency_key
        )
    assert refused.value.code == "key_invalid"


@pytest.mark.parametrize("code", ["pokok", "wajib", "berjangka-6"])
def test_only_sukarela_can_be_withdrawn(books, member, nothing_written, code):
    account = account_make(code, member)
    amount = D(300000) if code == "pokok" else D(50000)
    savings_deposit(actor=None, account=account, amount=amount, idempotency_key=key())
    with nothing_written(account), pytest.raises(WithdrawalRefused) as refused:
        savings_withdraw(actor=None, account=account, amount=D(25000), idempotency_key=key())
    assert refused.value.code == "not_withdrawable"


def test_overdrawing_is_refused(books, sukarela, nothing_written):
    savings_deposit(actor=None, account=sukarela, amount=D(10000), idempotency_key=key())
    with nothing_written(sukarela), pytest.raises(WithdrawalRefused) as refused:
        savings_withdraw(actor=None, account=sukarela, amount=D("10000.01"), idempotency_key=key())
    assert refused.value.code == "insufficient_balance"
    assert "Rp 10.000" in refused.value.messages[0]


def test_the_product_minimum_balance_stays(books, sukarela, nothing_written):
    SavingsProduct.objects.filter(code="sukarela").update(minimum_balance=D(20000))
    savings_deposit(actor=None, account=sukarela, amount=D(50000), idempotency_key=key())
    with nothing_written(sukarela), pytest.raises(WithdrawalRefused) as refused:
        savings_withdraw(actor=None, account=sukarela, amount=D(30001), idempotency_key=key())
    assert refused.value.code == "below_minimum"
    savings_withdraw(actor=None, account=sukarela, amount=D(30000), idempotency_key=key())


def test_a_reserved_amount_cannot_be_withdrawn(books, sukarela, nothing_written):
    savings_deposit(actor=None, account=sukarela, amount=D(50000), idempotency_key=key())
    SavingsAccount.objects.filter(pk=sukarela.pk).update(reserved=D(40000))
    with nothing_written(sukarela), pytest.raises(WithdrawalRefused) as refused:
        savings_withdraw(actor=None, account=sukarela, amount=D(10001), idempotency_key=key())
    assert refused.value.code == "reserved"


@pytest.mark.parametrize("amount", [D(299999), D(300001), D(600000)])
def test_pokok_must_be_the_configured_amount(books, member, nothing_written, amount):
    pokok = account_make("pokok", member)
    with nothing_written(pokok), pytest.raises(DepositRefused) as refused:
        savings_deposit(actor=None, account=pokok, amount=amount, idempotency_key=key())
    assert refused.value.code == "pokok_amount"
    assert "Rp 300.000" in refused.value.messages[0]


def test_pokok_is_refused_the_second_time(books, member, nothing_written):
    pokok = account_make("pokok", member)
    savings_deposit(actor=None, account=pokok, amount=D(300000), idempotency_key=key())
    with nothing_written(pokok), pytest.raises(DepositRefused) as refused:
        savings_deposit(actor=None, account=pokok, amount=D(300000), idempotency_key=key())
    assert refused.value.code == "pokok_paid"


@pytest.mark.parametrize("amount", [D(10000), D(30000), D("25000.01")])
def test_wajib_outside_monthly_multiples_is_refused(books, member, nothing_written, amount):
    wajib = account_make("wajib", member)
    with nothing_written(wajib), pytest.raises(DepositRefused) as refused:
        savings_deposit(actor=None, account=wajib, amount=amount, idempotency_key=key())
    assert refused.value.code == "wajib_multiple"


@pytest.mark.parametrize("service", [savings_deposit, savings_withdraw])
def test_an_inactive_member_is_refused(books, sukarela, nothing_written, service):
    savings_deposit(actor=None, account=sukarela, amount=D(10000), idempotency_key=key())
    member_resign(actor=None, member=sukarela.member, reason="pindah")
    with nothing_written(sukarela), pytest.raises(AccountUnavailable) as refused:
        service(actor=None, account=sukarela, amount=D(1000), idempotency_key=key())
    assert refused.value.code == "member_inactive"


def test_an_applicant_cannot_open_an_account(books, nothing_written):
    applicant = member_make(status="applicant")
    with nothing_written(), pytest.raises(AccountUnavailable) as refused:
        savings_account_open(actor=None, member=applicant, product=product("sukarela"))
    assert refused.value.code == "member_inactive"


def test_a_second_sukarela_account_is_refused_but_time_deposits_repeat(books, sukarela):
    with pytest.raises(AccountUnavailable) as refused:
        account_make("sukarela", sukarela.member)
    assert refused.value.code == "account_duplicate"
    account_make("berjangka-3", sukarela.member)
    account_make("berjangka-3", sukarela.member)


def test_a_closed_account_is_refused(books, sukarela, nothing_written):
    SavingsAccount.objects.filter(pk=sukarela.pk).update(closed_at=timezone.now())
    with nothing_written(sukarela), pytest.raises(AccountUnavailable) as refused:
        savings_deposit(actor=None, account=sukarela, amount=D(1000), idempotency_key=key())
    assert refused.value.code == "account_closed"


@pytest.mark.parametrize("service", [savings_deposit, savings_withdraw])
def test_another_cooperatives_account_is_refused(books, beta, nothing_written, service):
    # given: a funded account in beta, and one in our cooperative with the same id space
    ours = account_make("sukarela")
    savings_deposit(actor=None, account=ours, amount=D(90000), idempotency_key=key())
    connection.set_tenant(beta)
    theirs = account_make("sukarela")
    savings_deposit(actor=None, account=theirs, amount=D(90000), idempotency_key=key())
    connection.set_tenant(books)
    # the worst case: beta's account object carries the id of one of ours
    disguised = SavingsAccount(
        pk=ours.pk,
        member_id=ours.member_id,
        product_id=ours.product_id,
        kind=theirs.kind,
        opened_at=theirs.opened_at,
    )

    for foreign in (theirs, disguised):
        with nothing_written(ours), pytest.raises(AccountUnavailable) as refused:
            service(actor=None, account=foreign, amount=D(1000), idempotency_key=key())
        assert refused.value.code == "account_foreign"


def test_another_cooperatives_member_cannot_open_an_account_here(books, beta, nothing_written):
    connection.set_tenant(beta)
    theirs = member_make()
    connection.set_tenant(books)
    with nothing_written(), pytest.raises(AccountUnavailable) as refused:
        savings_account_open(actor=None, member=theirs, product=product("sukarela"))
    assert refused.value.code == "member_foreign"


def test_the_public_schema_has_no_savings(books, sukarela):
    connection.set_schema_to_public()
    with pytest.raises(LedgerError):
        savings_deposit(actor=None, account=sukarela, amount=D(1000), idempotency_key=key())


def test_a_repeated_request_returns_the_first_transaction_and_posts_once(books, sukarela):
    same = key()
    first = savings_deposit(actor=None, account=sukarela, amount=D(70000), idempotency_key=same)
    entries = JournalEntry.objects.count()

    again = savings_deposit(actor=None, account=sukarela, amount=D(70000), idempotency_key=same)

    assert again.pk == first.pk
    assert JournalEntry.objects.count() == entries
    assert SavingsTransaction.objects.filter(idempotency_key=same).count() == 1
    sukarela.refresh_from_db()
    assert sukarela.balance == D(70000)


@pytest.mark.parametrize(
    "change",
    [
        {"amount": D(70001)},
        {"cash_account_code": "1102"},
        {"service": savings_withdraw},
    ],
)
def test_the_same_key_for_a_different_request_is_refused(books, sukarela, nothing_written, change):
    same = key()
    savings_deposit(actor=None, account=sukarela, amount=D(70000), idempotency_key=same)
    fields = {"amount": D(70000), "cash_account_code": "1101", **change}
    service = fields.pop("service", savings_deposit)
    with nothing_written(sukarela), pytest.raises(IdempotencyConflict):
        service(actor=None, account=sukarela, idempotency_key=same, **fields)


def test_the_same_key_on_another_account_is_refused(books, sukarela, nothing_written):
    same = key()
    savings_deposit(actor=None, account=sukarela, amount=D(1000), idempotency_key=same)
    other = account_make("sukarela")
    with nothing_written(other), pytest.raises(SavingsError):
        savings_deposit(actor=None, account=other, amount=D(1000), idempotency_key=same)


def test_a_ledger_refusal_writes_nothing(books, sukarela, nothing_written):
    with nothing_written(sukarela), pytest.raises(LedgerError):
        savings_deposit(
            actor=None,
            account=sukarela,
            amount=D(1000),
            idempotency_key=key(),
            cash_account_code="9999",
        )
