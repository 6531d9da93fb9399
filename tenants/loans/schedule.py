"""Instalment schedules for the three interest methods (docs: domain/koperasi.md, and
docs/loans.md for the rounding). Pure functions: no database.

With P the principal, r the monthly rate (annual percent / 1200) and n the instalments:

flat       principal P/n and interest P*r every month
effective  principal P/n; interest on the principal still outstanding * r
annuity    a level instalment A = P*r / (1 - (1+r)^-n); interest on the outstanding
           principal * r, the rest of A is principal

Every part is rounded half-up to the rupiah (money.rupiah.round_rupiah); the last
instalment takes whatever rounding left over, so the principal parts add up to P exactly
(and, for flat, the interest parts to round(P*r*n)). A part never goes below zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from money.rupiah import round_rupiah

from tenants.interest.berjangka import add_months
from tenants.models import InterestMethod

ZERO = Decimal("0")
ONE = Decimal("1")
MONTHS_PERCENT = Decimal(1200)


@dataclass(frozen=True)
class PlannedInstalment:
    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    """The monthly rate as a fraction: 12 % a year -> 0.01."""
    return annual_rate_percent / MONTHS_PERCENT


def annuity_payment(principal: Decimal, annual_rate_percent: Decimal, n: int) -> Decimal:
    """The level instalment P*r / (1 - (1+r)^-n), rounded half-up to the rupiah (P/n at 0 %).

    >>> annuity_payment(Decimal(10_000_000), Decimal(12), 24)
    Decimal('470735')
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    r = monthly_rate(annual_rate_percent)
    if r == 0:
        return round_rupiah(principal / n)
    with localcontext() as ctx:
        ctx.prec = 50
        exact = principal * r / (ONE - (ONE + r) ** -n)
    return round_rupiah(exact)


def due_dates_from(start: date, n: int) -> list[date]:
    """n monthly due dates after ``start``: the same day of the month, or the month's last
    day (disbursed 31 January: 28/29 February, 31 March, ...)."""
    return [add_months(start, k) for k in range(1, n + 1)]


def schedule_build(
    *,
    method: str,
    principal: Decimal,
    annual_rate_percent: Decimal,
    start: date,
    n: int | None = None,
    due_dates: Sequence[date] | None = None,
    first_number: int = 1,
) -> list[PlannedInstalment]:
    """The instalments amortising ``principal`` from ``start``: n monthly ones, or one per
    date of ``due_dates`` (a re-amortisation keeps the dates of the schedule it replaces).
    Each period is one month of interest, whatever its length in days."""
    if method not in InterestMethod.values:
        raise ValueError(f"unknown interest method {method!r}")
    dates = list(due_dates) if due_dates is not None else due_dates_from(start, n or 0)
    count = len(dates)
    if count < 1:
        raise ValueError("a schedule needs at least one instalment")
    if principal < 0:
        raise ValueError("principal must not be negative")
    r = monthly_rate(annual_rate_percent)
    if method == InterestMethod.FLAT:
        principals, interests = _flat(principal, r, count)
    elif method == InterestMethod.EFFECTIVE:
        principals, interests = _effective(principal, r, count)
    else:
        principals, interests = _annuity(principal, annual_rate_percent, r, count)
    starts = [start, *dates[:-1]]
    return [
        PlannedInstalment(
            number=first_number + k,
            period_start=starts[k],
            due_date=dates[k],
            principal=principals[k],
            interest=interests[k],
        )
        for k in range(count)
    ]


def _even_parts(total: Decimal, n: int, regular: Decimal) -> list[Decimal]:
    """n parts of ``regular`` each (never taking more than is left), the last one taking
    the rest: they add up to ``total`` exactly."""
    parts: list[Decimal] = []
    left = total
    for _ in range(n - 1):
        part = min(regular, left)
        parts.append(part)
        left -= part
    parts.append(left)
    return parts


def _flat(principal: Decimal, r: Decimal, n: int) -> tuple[list[Decimal], list[Decimal]]:
    principals = _even_parts(principal, n, round_rupiah(principal / n))
    interests = _even_parts(round_rupiah(principal * r * n), n, round_rupiah(principal * r))
    return principals, interests


def _effective(principal: Decimal, r: Decimal, n: int) -> tuple[list[Decimal], list[Decimal]]:
    principals = _even_parts(principal, n, round_rupiah(principal / n))
    interests: list[Decimal] = []
    outstanding = principal
    for part in principals:
        interests.append(round_rupiah(outstanding * r))
        outstanding -= part
    return principals, interests


def _annuity(
    principal: Decimal, annual_rate_percent: Decimal, r: Decimal, n: int
) -> tuple[list[Decimal], list[Decimal]]:
    payment = annuity_payment(principal, annual_rate_percent, n)
    principals: list[Decimal] = []
    interests: list[Decimal] = []
    outstanding = principal
    for k in range(n):
        interest = round_rupiah(outstanding * r)
        part = outstanding if k == n - 1 else max(ZERO, min(payment - interest, outstanding))
        principals.append(part)
        interests.append(interest)
        outstanding -= part
    return principals, interests
