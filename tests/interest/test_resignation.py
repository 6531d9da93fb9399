"""A member who leaves gets their pokok and wajib back, once; refused while a time deposit
runs, while savings are held for an obligation, or before they have resigned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.interest.berjangka import term_deposit_break, term_deposit_open
from tenants.interest.exceptions import ResignationRefused
from tenants.interest.resignation import resignation_settle
from tenants.ledger.periods import business_today
from tenants.members.services import member_resign
from tenants.models import ResignationSettlement, SavingsAccount, TermDepositStatus
from tenants.savings.selectors import savings_balances_match_ledger
from tests.interest.conftest import D, account_make, key, move_at, postings, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def saver(member):
    """A member with pokok 300.000, wajib 75.000 and sukarela 40.000."""
    now = timezone.now()
    accounts = {code: account_make(code, member) for code in ("pokok", "wajib", "sukarela")}
    move_at(accounts["pokok"], 300_000, now)
    move_at(accounts["wajib"], 75_000, now)
    move_at(accounts["sukarela"], 40_000, now)
    return member, accounts


def test_pokok_and_wajib_are_paid_out_in_cash_and_the_accounts_closed(saver):
    member, accounts = saver
    member_resign(actor=None, member=member)

    settlement = resignation_settle(actor=None, member=member)

    assert (settlement.pokok, settlement.wajib, settlement.total) == (
        D(300_000),
        D(75_000),
        D(375_000),
    )
    assert settlement.journal_entry is not None
    assert postings(settlement.journal_entry) == [
        ("3101", D(300_000), D(0)),
        ("3102", D(75_000), D(0)),
        ("1101", D(0), D(375_000)),
    ]
    for code in ("pokok", "wajib"):
        account = SavingsAccount.objects.get(pk=accounts[code].pk)
        assert (account.balance, account.closed_at is not None) == (D(0), True)
    assert SavingsAccount.objects.get(pk=accounts["sukarela"].pk).balance == D(40_000)
    assert savings_balances_match_ledger()


def test_settling_again_pays_once(saver, nothing_written):
    member, _accounts = saver
    member_resign(actor=None, member=member)
    first = resignation_settle(actor=None, member=member)

    with nothing_written():
        again = resignation_settle(actor=None, member=member, payout_to="sukarela")

    assert again.pk == first.pk
    assert ResignationSettlement.objects.count() == 1


def test_the_payout_can_go_into_sukarela(saver):
    member, accounts = saver
    member_resign(actor=None, member=member)

    settlement = resignation_settle(actor=None, member=member, payout_to="sukarela")

    assert settlement.journal_entry is not None
    assert postings(settlement.journal_entry)[-1] == ("2101", D(0), D(375_000))
    assert SavingsAccount.objects.get(pk=accounts["sukarela"].pk).balance == D(415_000)
    assert savings_balances_match_ledger()


def test_an_active_member_is_refused(saver, nothing_written):
    member, _accounts = saver
    with nothing_written(), pytest.raises(ResignationRefused) as refused:
        resignation_settle(actor=None, member=member)
    assert refused.value.code == "member_not_resigned"


def test_a_running_time_deposit_is_refused_until_settled(saver, nothing_written):
    member, _accounts = saver
    deposit = term_deposit_open(
        actor=None,
        member=member,
        product=product("berjangka-6"),
        principal=D(1_000_000),
        idempotency_key=key("td"),
        opened_on=business_today() - timedelta(days=1),
    )
    member_resign(actor=None, member=member)

    with nothing_written(), pytest.raises(ResignationRefused) as refused:
        resignation_settle(actor=None, member=member)
    assert refused.value.code == "term_deposit_active"

    assert term_deposit_break(actor=None, deposit=deposit).status == TermDepositStatus.BROKEN
    assert resignation_settle(actor=None, member=member).total == D(375_000)


def test_savings_held_for_an_obligation_are_refused(saver, nothing_written):
    member, accounts = saver
    # held as collateral of an outstanding loan
    SavingsAccount.objects.filter(pk=accounts["sukarela"].pk).update(reserved=D(10_000))
    member_resign(actor=None, member=member)

    with nothing_written(), pytest.raises(ResignationRefused) as refused:
        resignation_settle(actor=None, member=member)
    assert refused.value.code == "obligation_outstanding"


def test_a_bad_payout_target_is_refused(saver, nothing_written):
    member, _accounts = saver
    member_resign(actor=None, member=member)
    with nothing_written(), pytest.raises(ResignationRefused) as refused:
        resignation_settle(actor=None, member=member, payout_to="bank")
    assert refused.value.code == "payout_invalid"


def test_a_deceased_members_savings_are_paid_out_to_the_heirs_in_cash(saver):
    from tenants.members.services import member_record_death

    member, accounts = saver
    member_record_death(actor=None, member=member, date_of_death=business_today())

    settlement = resignation_settle(actor=None, member=member)

    assert settlement.journal_entry is not None
    assert postings(settlement.journal_entry)[-1] == ("1101", D(0), D(375_000))
    assert SavingsAccount.objects.get(pk=accounts["pokok"].pk).closed_at is not None
    assert savings_balances_match_ledger()


def test_an_open_loan_is_refused_until_it_is_paid_off(saver, bunga, nothing_written):
    from tenants.loans.selectors import loan_dues, loan_product_get
    from tenants.loans.services import (
        loan_apply,
        loan_approve,
        loan_disburse,
        loan_repay,
        loan_survey_note_add,
    )
    from tests.factories import user_make

    member, _accounts = saver
    teller = user_make("bunga-kasir", roles={bunga: ["kasir"]})
    board = user_make("bunga-pengurus", roles={bunga: ["pengurus"]})
    umum = loan_product_get("umum")
    assert umum is not None
    loan = loan_apply(
        actor=teller,
        channel="staff",
        member=member,
        product=umum,
        amount=D(1_000_000),
        term_months=10,
        purpose="Modal warung",
        idempotency_key=key("loan"),
    )
    loan_survey_note_add(actor=teller, loan=loan, note="Usaha berjalan.")
    loan_approve(actor=board, loan=loan)
    loan = loan_disburse(actor=teller, loan=loan)
    member_resign(actor=None, member=member)

    with nothing_written(), pytest.raises(ResignationRefused) as refused:
        resignation_settle(actor=None, member=member)
    assert refused.value.code == "open_loan"

    loan_repay(
        actor=teller, loan=loan, amount=loan_dues(loan).payoff, idempotency_key=key("payoff")
    )
    assert resignation_settle(actor=None, member=member).total == D(375_000)
