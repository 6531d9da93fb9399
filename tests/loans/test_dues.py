"""What a loan owes on a day, by hand: the late penalty, the running period's interest by
method, the payoff amount, and the split penalty -> interest -> principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenants.loans.dues import allocate, dues_on, instalment_penalty, running_interest
from tenants.loans.schedule import schedule_build

D = Decimal
NIL = Decimal(0)
TENTH = Decimal("0.1")
PRINCIPAL = Decimal(1_200_000)


@dataclass
class Inst:
    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal
    principal_paid: Decimal = NIL
    interest_paid: Decimal = NIL
    settled_on: date | None = None
    carried: bool = False


@dataclass
class Terms:
    interest_method: str
    penalty_percent_per_day: Decimal = TENTH
    penalty_grace_days: int = 3
    penalty_carried: Decimal = NIL
    penalty_paid: Decimal = NIL
    principal_outstanding: Decimal = PRINCIPAL


def plan(method: str) -> list[Inst]:
    rows = schedule_build(
        method=method,
        principal=D(1_200_000),
        annual_rate_percent=D(12),
        start=date(2026, 1, 31),
        n=12,
    )
    return [Inst(r.number, r.period_start, r.due_date, r.principal, r.interest) for r in rows]


def test_penalty_counts_days_beyond_the_grace_until_settled():
    inst = Inst(1, date(2026, 2, 1), date(2026, 3, 1), D(100_000), D(12_000))
    penalty = {"percent_per_day": D("0.1"), "grace_days": 3}
    # 112,000 x 0.1 % x (10 - 3) days = 784
    assert instalment_penalty(inst, as_of=date(2026, 3, 11), **penalty) == D(784)
    assert instalment_penalty(inst, as_of=date(2026, 3, 4), **penalty) == 0  # within grace
    inst.settled_on = date(2026, 3, 5)  # 4 days late: 1 day beyond the grace = 112
    assert instalment_penalty(inst, as_of=date(2026, 4, 30), **penalty) == D(112)
    inst.carried = True  # counted on the version it was copied from
    assert instalment_penalty(inst, as_of=date(2026, 4, 30), **penalty) == 0


def test_running_interest_flat_in_full_declining_pro_rata():
    effective = plan("effective")
    # period 2: 28 Feb -> 31 Mar (31 days), interest 1,100,000 x 1 % = 11,000
    assert (effective[1].period_start, effective[1].interest) == (date(2026, 2, 28), D(11_000))
    # 10 of 31 days: 11,000 x 10 / 31 = 3,548.39 -> 3,548
    assert running_interest("effective", effective[1], date(2026, 3, 10)) == D(3_548)
    assert running_interest("annuity", effective[1], date(2026, 3, 10)) == D(3_548)
    assert running_interest("effective", effective[1], date(2026, 2, 28)) == 0
    flat = plan("flat")
    assert running_interest("flat", flat[1], date(2026, 3, 1)) == D(12_000)
    assert running_interest("flat", flat[1], date(2026, 2, 28)) == 0


def test_dues_and_payoff_of_an_effective_loan_by_hand():
    instalments = plan("effective")
    dues = dues_on(Terms("effective"), instalments, date(2026, 3, 10))
    # instalment 1 (due 28 Feb) is 10 days late: 112,000 x 0.1 % x 7 = 784
    assert (dues.penalty, dues.interest_due, dues.principal_due) == (D(784), D(12_000), D(100_000))
    assert dues.due_now == D(112_784)
    assert dues.running_interest == D(3_548)
    assert (dues.next_due_date, dues.next_due_amount) == (date(2026, 3, 31), D(111_000))
    # payoff = 112,784 due + 3,548 running interest + 1,100,000 principal not yet due
    assert dues.payoff == D(1_216_332)


def test_dues_of_a_flat_loan_charge_the_running_months_interest_in_full():
    dues = dues_on(Terms("flat"), plan("flat"), date(2026, 3, 10))
    assert dues.payoff == D(784) + D(112_000) + D(12_000) + D(1_100_000)


def test_penalty_owed_is_carried_plus_accrued_less_paid():
    terms = Terms("flat", penalty_carried=D(500), penalty_paid=D(1_000))
    dues = dues_on(terms, plan("flat"), date(2026, 3, 10))
    assert (dues.penalty_accrued, dues.penalty) == (D(784), D(284))


def test_a_payment_goes_to_penalty_then_interest_then_principal_oldest_first():
    instalments = plan("flat")
    as_of = date(2026, 4, 5)  # instalments 1 (28 Feb) and 2 (31 Mar) are due
    dues = dues_on(Terms("flat"), instalments, as_of)
    # 1: 36 days late - 3 = 33 x 112 = 3,696; 2: 5 - 3 = 2 x 112 = 224
    assert dues.penalty == D(3_920)
    small = allocate(D(20_000), dues, instalments)
    assert (small.penalty, small.interest, small.principal, small.left) == (
        D(3_920),
        D(16_080),
        D(0),
        D(0),
    )
    assert small.per_instalment == {1: [D(12_000), D(0)], 2: [D(4_080), D(0)]}
    big = allocate(D(250_000), dues, instalments)
    assert (big.penalty, big.interest, big.principal, big.left) == (
        D(3_920),
        D(24_000),
        D(200_000),
        D(22_080),
    )
    assert big.rows() == [
        {"number": 1, "interest": "12000.00", "principal": "100000.00"},
        {"number": 2, "interest": "12000.00", "principal": "100000.00"},
    ]
