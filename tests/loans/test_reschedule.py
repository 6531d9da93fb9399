"""Rescheduling keeps the history: the old version unchanged, what was owed carried into
the new one, the committee's decision only, nothing posted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenants.ledger.periods import business_today
from tenants.loans.exceptions import LoanError
from tenants.loans.selectors import loan_dues, loan_schedule, loan_schedule_versions
from tenants.loans.services import loan_repay, loan_reschedule
from tenants.models import JournalEntry, LoanInstalment, LoanSchedule
from tests.loans.conftest import D, books_balanced, key, overdue_by

pytestmark = pytest.mark.django_db


def v1_rows(loan):
    return list(
        LoanInstalment.objects.filter(schedule__loan=loan, schedule__version=1)
        .order_by("number")
        .values_list(
            "number",
            "due_date",
            "principal",
            "interest",
            "principal_paid",
            "interest_paid",
            "settled_on",
        )
    )


def test_a_late_loan_rescheduled_over_24_months(active_loan, board):
    loan = overdue_by(active_loan(), 20)  # instalment 1 is 20 days late, 2 is running
    # 112,000 x 0.1 % x 17 days = 1,904 penalty; 5,000 pays it and 3,096 of the interest
    loan_repay(actor=None, loan=loan, amount=D(5_000), idempotency_key=key())
    loan.refresh_from_db()
    history = v1_rows(loan)
    entries = JournalEntry.objects.count()

    new = loan_reschedule(
        actor=board, loan=loan, term_months=24, reason="Usaha sepi setelah banjir"
    )

    assert (new.version, new.reason, new.is_current, new.start_date) == (
        2,
        "reschedule",
        True,
        business_today(),
    )
    # owed: 12,000 - 3,096 of instalment 1 + instalment 2's running month (flat, 12,000)
    assert new.carried_interest == D(20_904)
    rows = loan_schedule(loan)
    assert [(r.number, r.kind, r.principal, r.interest, r.state) for r in rows[:3]] == [
        (1, "instalment", D(0), D(3_096), "paid"),
        (2, "arrears", D(0), D(20_904), "due"),
        (3, "instalment", D(50_000), D(12_000), "upcoming"),
    ]
    assert len(rows) == 26 and sum(r.principal for r in rows) == D(1_200_000)
    assert v1_rows(loan) == history  # the old version is kept as it was
    assert not LoanSchedule.objects.get(loan=loan, version=1).is_current
    assert JournalEntry.objects.count() == entries  # no money moved
    loan.refresh_from_db()
    assert (loan.penalty_carried, loan.penalty_paid) == (D(1_904), D(1_904))
    dues = loan_dues(loan)
    assert (dues.penalty, dues.due_now) == (D(0), D(20_904))

    paid = loan_repay(actor=None, loan=loan, amount=D(20_904), idempotency_key=key())
    assert (paid.interest_part, paid.principal_part) == (D(20_904), D(0))
    assert [v.schedule.version for v in loan_schedule_versions(loan)] == [1, 2]
    books_balanced()


def test_a_new_rate_within_the_products_range(active_loan, board):
    loan = active_loan(product_code="menurun", annual_rate_percent=D(18))
    new = loan_reschedule(
        actor=board, loan=loan, term_months=12, annual_rate_percent=D(12), reason="Keringanan"
    )
    assert new.annual_rate_percent == D(12)
    assert new.carried_interest == 0  # rescheduled on the day it was paid out
    assert loan_schedule(loan)[0].interest == D(12_000)


@pytest.mark.parametrize(
    ("who", "kwargs", "code"),
    [
        ("teller", {}, "committee_role_required"),
        ("board", {"term_months": 48}, "term_out_of_range"),
        ("board", {"annual_rate_percent": D(30)}, "rate_out_of_range"),
        ("board", {"annual_rate_percent": Decimal("12.001")}, "rate_type"),
        ("board", {"reason": ""}, "reason_invalid"),
    ],
)
def test_bad_reschedules_are_refused_with_nothing_written(
    active_loan, teller, board, who, kwargs, code, nothing_written
):
    loan = active_loan()
    fields = {"term_months": 24, "reason": "Keringanan", **kwargs}
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_reschedule(actor={"teller": teller, "board": board}[who], loan=loan, **fields)
    assert caught.value.code == code


def test_a_paid_off_loan_cannot_be_rescheduled(active_loan, board, nothing_written):
    loan = active_loan()
    loan_repay(actor=None, loan=loan, amount=D(1_200_000), idempotency_key=key())
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_reschedule(actor=board, loan=loan, term_months=12, reason="x")
    assert caught.value.code == "loan_not_active"
