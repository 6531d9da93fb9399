"""What a loan owes on a given day, and how a payment is split. Pure functions over the
loan's current instalments (no queries); docs/loans.md states the rules:

- penalty (denda) of an instalment: its scheduled amount x the loan's percent a day x the
  days it stayed unpaid beyond the grace days, counted up to the day it was settled (or
  ``as_of``), rounded half-up to the rupiah. Penalty of replaced schedule versions is kept
  in ``loan.penalty_carried``; what the loan owes is carried + accrued - paid.
- due now: the penalty, then the unpaid interest and principal of instalments due on or
  before ``as_of``.
- payoff: due now + the interest of the running period + the principal not yet due. The
  running period's interest is, for flat loans, the instalment's whole interest once the
  period has begun; for effective and annuity loans, its interest pro rata to the days
  elapsed. Interest of periods not begun is never charged.
- a payment goes to the penalty, then to interest (oldest instalment first), then to
  principal (oldest first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from money.rupiah import round_rupiah

from tenants.models import InterestMethod

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class InstalmentLike(Protocol):
    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    settled_on: date | None
    carried: bool


class LoanTerms(Protocol):
    interest_method: str
    penalty_percent_per_day: Decimal
    penalty_grace_days: int
    penalty_carried: Decimal
    penalty_paid: Decimal
    principal_outstanding: Decimal


def instalment_penalty(
    inst: InstalmentLike, *, percent_per_day: Decimal, grace_days: int, as_of: date
) -> Decimal:
    """The late penalty this instalment has accrued by ``as_of`` (0 for carried rows)."""
    if inst.carried or percent_per_day <= 0:
        return ZERO
    end = min(inst.settled_on, as_of) if inst.settled_on is not None else as_of
    days = (end - inst.due_date).days - grace_days
    if days <= 0:
        return ZERO
    base = inst.principal + inst.interest
    return round_rupiah(base * percent_per_day / HUNDRED * days)


def penalty_accrued(loan: LoanTerms, instalments: Sequence[InstalmentLike], as_of: date) -> Decimal:
    """Penalty accrued on these (current) instalments by ``as_of``."""
    return sum(
        (
            instalment_penalty(
                inst,
                percent_per_day=loan.penalty_percent_per_day,
                grace_days=loan.penalty_grace_days,
                as_of=as_of,
            )
            for inst in instalments
        ),
        ZERO,
    )


def running_instalment(instalments: Sequence[InstalmentLike], as_of: date) -> InstalmentLike | None:
    """The first open instalment falling due after ``as_of`` (its period is running)."""
    upcoming = [i for i in instalments if i.settled_on is None and i.due_date > as_of]
    return min(upcoming, key=lambda i: (i.due_date, i.number)) if upcoming else None


def running_interest(method: str, inst: InstalmentLike | None, as_of: date) -> Decimal:
    """Interest of the running period owed by ``as_of`` (see the module's docstring)."""
    if inst is None or as_of <= inst.period_start:
        return ZERO
    left = inst.interest - inst.interest_paid
    if method == InterestMethod.FLAT:
        return left
    period_days = max((inst.due_date - inst.period_start).days, 1)
    elapsed = min((as_of - inst.period_start).days, period_days)
    return min(left, round_rupiah(inst.interest * elapsed / period_days))


@dataclass(frozen=True)
class Dues:
    as_of: date
    penalty: Decimal  # penalty owed (carried + accrued - paid)
    penalty_accrued: Decimal  # on the current version, by as_of
    interest_due: Decimal  # unpaid interest of instalments due by as_of
    principal_due: Decimal  # unpaid principal of instalments due by as_of
    running_interest: Decimal  # interest of the running period owed on a payoff
    principal_outstanding: Decimal
    next_due_date: date | None
    next_due_amount: Decimal  # the running instalment's unpaid amount

    @property
    def due_now(self) -> Decimal:
        return self.penalty + self.interest_due + self.principal_due

    @property
    def payoff(self) -> Decimal:
        return self.due_now + self.running_interest + self.principal_not_due

    @property
    def principal_not_due(self) -> Decimal:
        return self.principal_outstanding - self.principal_due


def dues_on(loan: LoanTerms, instalments: Sequence[InstalmentLike], as_of: date) -> Dues:
    """What the loan owes on ``as_of`` given its current schedule's instalments."""
    due = [i for i in instalments if i.settled_on is None and i.due_date <= as_of]
    accrued = penalty_accrued(loan, instalments, as_of)
    running = running_instalment(instalments, as_of)
    owed_penalty = max(ZERO, loan.penalty_carried + accrued - loan.penalty_paid)
    return Dues(
        as_of=as_of,
        penalty=owed_penalty,
        penalty_accrued=accrued,
        interest_due=sum((i.interest - i.interest_paid for i in due), ZERO),
        principal_due=sum((i.principal - i.principal_paid for i in due), ZERO),
        running_interest=running_interest(loan.interest_method, running, as_of),
        principal_outstanding=loan.principal_outstanding,
        next_due_date=running.due_date if running else None,
        next_due_amount=(
            running.principal - running.principal_paid + running.interest - running.interest_paid
            if running
            else ZERO
        ),
    )


@dataclass
class Allocation:
    """How a payment was split; ``per_instalment`` maps number -> [interest, principal]."""

    penalty: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO
    left: Decimal = ZERO  # beyond what is due now
    per_instalment: dict[int, list[Decimal]] = field(default_factory=dict)

    def rows(self) -> list[dict[str, str | int]]:
        return [
            {"number": number, "interest": f"{parts[0]:.2f}", "principal": f"{parts[1]:.2f}"}
            for number, parts in sorted(self.per_instalment.items())
        ]


def allocate(amount: Decimal, dues: Dues, instalments: Sequence[InstalmentLike]) -> Allocation:
    """Split ``amount`` over what is due on ``dues.as_of``: penalty, then interest oldest
    first, then principal oldest first. What is left over is returned in ``left``."""
    out = Allocation()
    left = amount
    out.penalty = min(left, dues.penalty)
    left -= out.penalty
    due = sorted(
        (i for i in instalments if i.settled_on is None and i.due_date <= dues.as_of),
        key=lambda i: (i.due_date, i.number),
    )
    for inst in due:
        part = min(left, inst.interest - inst.interest_paid)
        if part > 0:
            out.per_instalment.setdefault(inst.number, [ZERO, ZERO])[0] += part
            out.interest += part
            left -= part
    for inst in due:
        part = min(left, inst.principal - inst.principal_paid)
        if part > 0:
            out.per_instalment.setdefault(inst.number, [ZERO, ZERO])[1] += part
            out.principal += part
            left -= part
    out.left = left
    return out
