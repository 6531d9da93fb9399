"""Wajib arrears, worked out by hand: Rp 25.000 due every month from the join month."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.interest.arrears import wajib_arrears, wajib_arrears_report
from tenants.members.services import member_resign
from tests.interest.conftest import D, account_make, member_make, move_at, wib

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)


def test_arrears_are_months_due_times_the_amount_less_what_was_paid(books):
    # given: joined 15 Jan 2025, Jan..Jun due = 6 x 25.000; paid 100.000 by March
    member = member_make(join_date=date(2025, 1, 15))
    wajib = account_make("wajib", member)
    move_at(wajib, 100_000, wib(date(2025, 3, 1)))
    # paid after the day asked about: not counted
    move_at(wajib, 25_000, wib(date(2025, 7, 1), 0, 5))

    found = wajib_arrears(member, AS_OF)

    assert found is not None
    assert (found.months_due, found.amount_due, found.paid) == (6, D(150_000), D(100_000))
    assert (found.amount, found.months) == (D(50_000), 2)
    later = wajib_arrears(member, date(2025, 7, 31))
    assert later is not None
    assert (later.months_due, later.paid, later.amount, later.months) == (
        7,
        D(125_000),
        D(50_000),
        2,
    )


def test_paying_ahead_is_never_negative_arrears(books):
    member = member_make(join_date=date(2025, 6, 1))
    move_at(account_make("wajib", member), 75_000, wib(date(2025, 6, 2)))

    found = wajib_arrears(member, AS_OF)

    assert found is not None
    assert (found.months_due, found.amount, found.months) == (1, D(0), 0)


def test_the_report_lists_active_members_in_arrears(books):
    # given
    owes_all = member_make(join_date=date(2025, 4, 30))  # Apr..Jun, nothing paid, no account
    owes_part = member_make(join_date=date(2025, 5, 1))
    move_at(account_make("wajib", owes_part), 25_000, wib(date(2025, 5, 3)))
    paid_up = member_make(join_date=date(2025, 6, 1))
    move_at(account_make("wajib", paid_up), 25_000, wib(date(2025, 6, 1)))
    member_make(join_date=date(2025, 7, 1))  # joined after the day asked about
    left = member_make(join_date=date(2025, 1, 1))
    member_resign(actor=None, member=left)

    report = wajib_arrears_report(AS_OF)

    assert [(r.member_number, r.months, r.amount) for r in report] == sorted(
        [
            (owes_all.member_number, 3, D(75_000)),
            (owes_part.member_number, 1, D(25_000)),
        ]
    )
