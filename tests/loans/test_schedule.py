"""Schedules for the three methods against hand-computed cases, and the rounding rule:
every part rounded half-up to the rupiah, the last instalment takes the remainder, so the
principal parts add up to the principal exactly (property)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.loans.schedule import annuity_payment, due_dates_from, schedule_build

D = Decimal
START = date(2026, 1, 31)


def parts(method: str, principal: int, rate: str, n: int) -> list[tuple[Decimal, Decimal]]:
    rows = schedule_build(
        method=method, principal=D(principal), annual_rate_percent=D(rate), start=START, n=n
    )
    return [(row.principal, row.interest) for row in rows]


def test_annuity_check_from_the_domain_note():
    # Rp 10,000,000 at 12 % a year over 24 months: A = 100,000 / (1 - 1.01^-24) = 470,734.72
    assert annuity_payment(D(10_000_000), D(12), 24) == D(470_735)
    rows = schedule_build(
        method="annuity", principal=D(10_000_000), annual_rate_percent=D(12), start=START, n=24
    )
    assert {row.total for row in rows[:-1]} == {D(470_735)}
    assert (rows[0].interest, rows[0].principal) == (D(100_000), D(370_735))
    # 10,000,000 - 370,735 = 9,629,265 x 1 % = 96,292.65 -> 96,293
    assert (rows[1].interest, rows[1].principal) == (D(96_293), D(374_442))
    # rounding A up by 0.28 a month leaves the last instalment a few rupiah short
    assert (rows[-1].principal, rows[-1].interest, rows[-1].total) == (
        D(466_068),
        D(4_661),
        D(470_729),
    )
    assert sum(row.principal for row in rows) == D(10_000_000)


def test_annuity_three_months_by_hand():
    # A = 10,000 / (1 - 1.01^-3) = 340,022.11 -> 340,022
    # 1: interest 10,000, principal 330,022, left 669,978
    # 2: interest 6,699.78 -> 6,700, principal 333,322, left 336,656
    # 3: interest 3,366.56 -> 3,367, principal 336,656 (the rest): 340,023
    assert parts("annuity", 1_000_000, "12", 3) == [
        (D(330_022), D(10_000)),
        (D(333_322), D(6_700)),
        (D(336_656), D(3_367)),
    ]


def test_flat_by_hand():
    # 1,200,000 at 12 %: 100,000 principal + 12,000 interest every month
    assert parts("flat", 1_200_000, "12", 12) == [(D(100_000), D(12_000))] * 12
    # 1,000,000 at 10 % for 3 months: 333,333.33 -> 333,333 (last 333,334); interest
    # 8,333.33 -> 8,333 a month, total 25,000 exactly: the last takes 8,334
    assert parts("flat", 1_000_000, "10", 3) == [
        (D(333_333), D(8_333)),
        (D(333_333), D(8_333)),
        (D(333_334), D(8_334)),
    ]


def test_effective_by_hand():
    # 3,000,000 at 12 %: 1,000,000 principal; interest 1 % of 3m, 2m, 1m
    assert parts("effective", 3_000_000, "12", 3) == [
        (D(1_000_000), D(30_000)),
        (D(1_000_000), D(20_000)),
        (D(1_000_000), D(10_000)),
    ]
    # 1,000,000 at 18 % (1.5 % a month): 15,000; 666,667 x 1.5 % = 10,000.005 -> 10,000;
    # 333,334 x 1.5 % = 5,000.01 -> 5,000
    assert parts("effective", 1_000_000, "18", 3) == [
        (D(333_333), D(15_000)),
        (D(333_333), D(10_000)),
        (D(333_334), D(5_000)),
    ]


def test_zero_rate_and_one_instalment():
    assert parts("annuity", 1_000, "0", 3) == [(D(333), D(0)), (D(333), D(0)), (D(334), D(0))]
    assert parts("flat", 500_000, "12", 1) == [(D(500_000), D(5_000))]


def test_due_dates_keep_the_day_or_take_the_months_last():
    assert due_dates_from(date(2026, 1, 31), 4) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    rows = schedule_build(
        method="flat", principal=D(300), annual_rate_percent=D(0), start=START, n=3
    )
    assert [(r.period_start, r.due_date) for r in rows] == [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2026, 2, 28), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 4, 30)),
    ]


def test_a_schedule_on_given_dates_continues_the_numbers():
    dates = [date(2026, 3, 15), date(2026, 4, 15)]
    rows = schedule_build(
        method="effective",
        principal=D(200_000),
        annual_rate_percent=D(12),
        start=date(2026, 2, 15),
        due_dates=dates,
        first_number=5,
    )
    assert [(r.number, r.due_date, r.principal, r.interest) for r in rows] == [
        (5, date(2026, 3, 15), D(100_000), D(2_000)),
        (6, date(2026, 4, 15), D(100_000), D(1_000)),
    ]


@pytest.mark.parametrize("method", ["flat", "effective", "annuity", "simple"])
def test_bad_arguments_are_refused(method):
    with pytest.raises(ValueError):
        schedule_build(
            method=method, principal=D(1000), annual_rate_percent=D(12), start=START, n=0
        )


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["flat", "effective", "annuity"]),
    principal=st.integers(min_value=1, max_value=10**12),
    rate=st.decimals(min_value=0, max_value=100, places=2),
    n=st.integers(min_value=1, max_value=360),
)
def test_principal_parts_add_up_to_the_principal_exactly(method, principal, rate, n):
    rows = schedule_build(
        method=method, principal=D(principal), annual_rate_percent=rate, start=START, n=n
    )
    assert len(rows) == n
    assert sum(row.principal for row in rows) == principal
    assert all(row.principal >= 0 and row.interest >= 0 for row in rows)
    assert all(row.principal == row.principal.to_integral_value() for row in rows)
    if method == "flat":
        assert sum(row.interest for row in rows) == (D(principal) * rate / 1200 * n).quantize(
            D(1), rounding="ROUND_HALF_UP"
        )
    if method == "annuity" and n > 1 and principal >= 1_000_000 and rate <= 24 and n <= 120:
        # Rounding A to the rupiah drifts by < 0.5 x ((1+r)^n - 1) / r over the term: for
        # loans of this size the last instalment absorbs it and the others stay level.
        payment = annuity_payment(D(principal), rate, n)
        assert {row.total for row in rows[:-1]} == {payment}
