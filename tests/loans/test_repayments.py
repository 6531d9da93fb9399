"""Repayments by hand: on time, late with penalty, partial, paid ahead (a new schedule
version), early payoff, the whole schedule; what is refused, with nothing written; the
interest recorded as the member's business for SHU."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tenants.ledger.periods import business_today
from tenants.loans.exceptions import LoanError
from tenants.loans.products import loan_product_save
from tenants.loans.selectors import (
    loan_dues,
    loan_repayments,
    loan_schedule,
    loan_schedule_versions,
    member_has_open_loans,
)
from tenants.loans.services import loan_repay
from tenants.models import (
    LoanInstalment,
    LoanRepaymentKind,
    LoanSchedule,
    LoanStatus,
    MemberBusiness,
    MemberBusinessKind,
)
from tests.interest.conftest import postings
from tests.loans.conftest import D, age_loan, apply, books_balanced, key, overdue_by

pytestmark = pytest.mark.django_db


def repay(loan, amount, **kwargs):
    """Pay, then refresh ``loan`` (the selectors read the object they are given)."""
    paid = loan_repay(actor=None, loan=loan, amount=D(amount), idempotency_key=key("r"), **kwargs)
    loan.refresh_from_db()
    return paid


def test_an_instalment_paid_on_its_due_date(active_loan):
    loan = overdue_by(active_loan(), 0)  # instalment 1 falls due today

    paid = repay(loan, 112_000)

    assert (paid.kind, paid.penalty_part, paid.interest_part, paid.principal_part) == (
        LoanRepaymentKind.REPAYMENT,
        D(0),
        D(12_000),
        D(100_000),
    )
    assert postings(paid.journal_entry) == [
        ("1101", D(112_000), D(0)),
        ("4101", D(0), D(12_000)),
        ("1103", D(0), D(100_000)),
    ]
    assert paid.principal_outstanding_after == D(1_100_000)
    rows = loan_schedule(loan)
    assert (rows[0].state, rows[0].settled_on, rows[1].state) == (
        "paid",
        business_today(),
        "upcoming",
    )
    business = MemberBusiness.objects.get(idempotency_key=f"loans:repay:{paid.idempotency_key}")
    assert (business.kind, business.amount, business.member_id) == (
        MemberBusinessKind.LOAN_INTEREST,
        D(12_000),
        loan.member_id,
    )
    books_balanced()


def test_a_late_instalment_paid_in_two_parts_with_its_penalty(active_loan):
    loan = overdue_by(active_loan(), 10)
    # 112,000 x 0.1 % a day x (10 - 3 grace) days = 784
    assert loan_dues(loan).due_now == D(112_784)
    assert loan_schedule(loan)[0].state == "overdue"

    first = repay(loan, 50_000)

    assert (first.penalty_part, first.interest_part, first.principal_part) == (
        D(784),
        D(12_000),
        D(37_216),
    )
    assert postings(first.journal_entry) == [
        ("1101", D(50_000), D(0)),
        ("4104", D(0), D(784)),
        ("4101", D(0), D(12_000)),
        ("1103", D(0), D(37_216)),
    ]
    assert loan_dues(loan).due_now == D(62_784)

    second = repay(loan, 62_784)

    assert (second.penalty_part, second.interest_part, second.principal_part) == (
        D(0),
        D(0),
        D(62_784),
    )
    assert loan_dues(loan).due_now == 0
    assert [r.amount for r in loan_repayments(loan)] == [D(50_000), D(62_784)]
    books_balanced()


def test_paying_ahead_reamortises_the_rest_in_a_new_version(active_loan):
    loan = overdue_by(active_loan(), 0)

    paid = repay(loan, 412_000)  # instalment 1 (112,000) + 300,000 principal ahead

    assert (paid.kind, paid.interest_part, paid.principal_part) == (
        LoanRepaymentKind.PREPAYMENT,
        D(12_000),
        D(400_000),
    )
    versions = loan_schedule_versions(loan)
    assert [(v.schedule.version, v.schedule.reason, v.schedule.is_current) for v in versions] == [
        (1, "original", False),
        (2, "prepayment", True),
    ]
    old, new = versions[0].rows, versions[1].rows
    assert len(old) == 12 and {r.total for r in old} == {D(112_000)}  # the history, unchanged
    # the paid instalment and the prepayment as paid rows, then 800,000 over the 11
    # remaining dates, flat 1 %: 72,727 (the last 72,730) + 8,000 a month
    assert [(r.number, r.kind, r.principal, r.interest, r.state) for r in new[:3]] == [
        (1, "instalment", D(100_000), D(12_000), "paid"),
        (2, "prepayment", D(300_000), D(0), "paid"),
        (3, "instalment", D(72_727), D(8_000), "upcoming"),
    ]
    assert (new[-1].number, new[-1].principal) == (13, D(72_730))
    assert [r.due_date for r in new[2:]] == [r.due_date for r in old[1:]]
    assert sum(r.principal for r in new) == D(1_200_000)
    books_balanced()


def test_paying_ahead_on_an_effective_loan_lowers_the_interest(active_loan):
    loan = overdue_by(
        active_loan(product_code="menurun", annual_rate_percent=D(12)), 0
    )  # 1,200,000 at 1 % a month, declining

    repay(loan, 612_000)  # instalment 1 + 500,000 ahead: 600,000 left

    rows = loan_schedule(loan)
    # 600,000 over 11 months: 54,545 (last 54,550); interest 6,000, then on 545,455: 5,455
    assert [(r.principal, r.interest) for r in rows[2:4]] == [
        (D(54_545), D(6_000)),
        (D(54_545), D(5_455)),
    ]


def test_early_payoff_of_a_flat_loan_charges_the_running_months_interest(active_loan):
    loan = overdue_by(active_loan(), 0)
    repay(loan, 112_000)
    loan = age_loan(loan, 5)  # five days into the second month
    dues = loan_dues(loan)
    # flat: the running month's 12,000 in full; nothing after it
    assert (dues.due_now, dues.running_interest, dues.payoff) == (D(0), D(12_000), D(1_112_000))

    paid = repay(loan, 1_112_000)

    assert (paid.kind, paid.interest_part, paid.principal_part) == (
        LoanRepaymentKind.PAYOFF,
        D(12_000),
        D(1_100_000),
    )
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on, loan.principal_outstanding) == (
        LoanStatus.CLOSED,
        business_today(),
        D(0),
    )
    states = [r.state for r in loan_schedule(loan)]  # one version: nothing was paid ahead
    assert states == ["paid", "paid"] + ["settled"] * 10  # interest of later months forgiven
    assert not member_has_open_loans(loan.member)
    books_balanced()


def test_early_payoff_of_an_effective_loan_charges_interest_by_the_day(active_loan):
    loan = age_loan(active_loan(product_code="menurun", annual_rate_percent=D(12)), 10)
    first = LoanInstalment.objects.filter(loan=loan).order_by("number").first()
    assert first is not None
    period = (first.due_date - first.period_start).days
    expected = (D(12_000) * 10 / period).quantize(D(1), rounding="ROUND_HALF_UP")

    dues = loan_dues(loan)

    assert (dues.running_interest, dues.payoff) == (expected, D(1_200_000) + expected)
    paid = repay(loan, dues.payoff)
    assert (paid.kind, paid.interest_part) == (LoanRepaymentKind.PAYOFF, expected)


def test_payoff_on_the_day_of_disbursement_is_the_principal(active_loan):
    loan = active_loan()
    assert loan_dues(loan).payoff == D(1_200_000)
    paid = repay(loan, 1_200_000)
    assert (paid.kind, paid.interest_part) == (LoanRepaymentKind.PAYOFF, D(0))
    assert not MemberBusiness.objects.filter(member=loan.member).exists()


def test_the_whole_schedule_paid_instalment_by_instalment_closes_the_loan(
    books, active_loan, nothing_written
):
    loan_product_save(actor=None, code="umum", fields={"penalty_percent_per_day": D(0)})
    loan = active_loan(amount=D(600_000), term=6)
    last = LoanInstalment.objects.filter(loan=loan).order_by("-number").first()
    assert last is not None
    loan = age_loan(loan, (last.due_date - business_today()).days)  # all six are due

    for _ in range(6):
        repay(loan, 106_000)  # 100,000 + 6,000

    loan.refresh_from_db()
    assert (loan.status, loan.principal_outstanding) == (LoanStatus.CLOSED, D(0))
    assert sum(
        MemberBusiness.objects.filter(member=loan.member).values_list("amount", flat=True)
    ) == D(36_000)
    with nothing_written(), pytest.raises(LoanError) as caught:
        repay(loan, 106_000)
    assert caught.value.code == "loan_closed"
    assert caught.value.messages == ["This loan is paid off; it takes no more payments."]
    books_balanced()


def test_more_than_the_payoff_or_a_near_payoff_is_refused(active_loan, nothing_written):
    loan = age_loan(active_loan(product_code="menurun", annual_rate_percent=D(12)), 10)
    payoff = loan_dues(loan).payoff
    for amount, code in ((payoff + 1, "more_than_payoff"), (D(1_200_000), "pay_payoff")):
        with nothing_written(), pytest.raises(LoanError) as caught:
            repay(loan, amount)
        assert caught.value.code == code


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (112_000.0, "amount_type"),
        (112_000, "amount_type"),
        (D(0), "amount_not_positive"),
        (D(-5), "amount_not_positive"),
        (D("1.005"), "amount_precision"),
        (Decimal("Infinity"), "amount_invalid"),
    ],
)
def test_bad_amounts_are_refused_with_nothing_written(active_loan, amount, code, nothing_written):
    loan = overdue_by(active_loan(), 0)
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_repay(actor=None, loan=loan, amount=amount, idempotency_key=key())
    assert caught.value.code == code


def test_payments_into_a_loan_not_paid_out_or_dated_wrong_are_refused(
    books, member, teller, active_loan, nothing_written
):
    applied = apply(teller, member)
    loan = active_loan()
    for target, kwargs, code in (
        (applied, {}, "loan_not_active"),
        (loan, {"paid_on": business_today() + timedelta(days=1)}, "date_invalid"),
        (loan, {"paid_on": business_today() - timedelta(days=1)}, "date_invalid"),
        (loan, {"cash_account_code": " "}, "cash_account"),
        (loan, {"idempotency_key": ""}, "key_invalid"),
    ):
        fields = {"idempotency_key": key(), **kwargs}
        with nothing_written(), pytest.raises(LoanError) as caught:
            loan_repay(actor=None, loan=target, amount=D(1_000), **fields)
        assert caught.value.code == code


def test_the_same_key_returns_the_first_payment(active_loan, nothing_written):
    loan = overdue_by(active_loan(), 0)
    same = key("same")
    first = loan_repay(actor=None, loan=loan, amount=D(112_000), idempotency_key=same)
    with nothing_written():
        again = loan_repay(actor=None, loan=loan, amount=D(112_000), idempotency_key=same)
    assert again.pk == first.pk
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_repay(actor=None, loan=loan, amount=D(100_000), idempotency_key=same)
    assert caught.value.code == "idempotency_conflict"


def test_a_back_dated_payment_counts_the_penalty_to_its_day(active_loan):
    loan = overdue_by(active_loan(), 10)
    day = business_today() - timedelta(days=5)  # 5 days late: 2 beyond grace = 224
    paid = repay(loan, 112_224, paid_on=day)
    assert (paid.paid_on, paid.penalty_part, paid.journal_entry.entry_date) == (day, D(224), day)
    assert loan_dues(loan).penalty == 0
    with pytest.raises(LoanError) as caught:
        repay(loan, 1_000, paid_on=day - timedelta(days=1))
    assert caught.value.code == "date_invalid"
    assert LoanSchedule.objects.filter(loan=loan).count() == 1
