"""The SHU of a closed book year, split by the bylaws and divided among the members.

Nothing here writes: shu_simulate returns the whole distribution (the simulation the board
reads first), and tenants.shu.services.shu_run_final writes exactly what it returns.

The numbers (docs/decisions/0011-shu.md):
- SHU = income - expenses of the book year (1 January to 31 December) from the closed
  income statement; refused while a month of the year is open, or when there is no SHU.
- The part from business with non-members = SHU x non-member income / total income,
  rounded down to the rupiah (the board enters the non-member income; 0 by default). It
  goes to the reserves and the funds in the proportions of their percentages, never to
  the members. The rest is the part from business with members, split by the version's
  percentages; each part is rounded down to the rupiah and the reserves take what the
  rounding leaves (and any cents of the SHU), so the parts add up to the SHU exactly.
- Per member (SHU_a = Va/VUK x jasa usaha pool + Sa/TMS x jasa modal pool):
  Va = the member's business in the year (MemberBusiness rows: loan interest paid, store,
  marketplace and PPOB purchases...); Sa = the member's pokok + wajib, either at the end
  of the year or its average daily balance over the year (rounded to the cent). Each
  share is rounded down to the rupiah; what is left of each pool is the remainder,
  recorded and booked to the reserves. Every division is exact integer arithmetic.
- Members: everyone who has been admitted (not applicants) with business or capital in
  the year, whatever their kind; shares of members no longer active, or without an open
  simpanan sukarela, are kept as SHU payable (2104).

The whole table for 10,000 members is one grouped query plus the income statement's one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from money.rupiah import format_rupiah

from tenants.ledger.hashing import canonical_json
from tenants.ledger.periods import business_today, day_bounds
from tenants.models import (
    SPLIT_PARTS,
    CapitalBasis,
    FiscalPeriod,
    Member,
    MemberBusiness,
    MemberStatus,
    PeriodStatus,
    SavingsAccount,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
    ShuPayout,
    ShuSplitVersion,
)
from tenants.reports.statements import income_statement
from tenants.shu.exceptions import RunRefused, ShuError, YearNotReady
from tenants.shu.splits import PART_ACCOUNTS, PART_LABELS

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MEMBER_PARTS = ("jasa_usaha", "jasa_modal")
FUND_PARTS = ("board", "staff", "education", "social", "other")


def mul_div_floor(a: Decimal, b: Decimal, c: Decimal) -> Decimal:
    """floor(a x b / c) in whole rupiah, exactly, for non-negative amounts and percentages
    of at most two decimals (as integers of hundredths: no rounding anywhere)."""
    if c <= 0:
        raise ValueError("division by a non-positive total")
    a100, b100, c100 = (int((x * 100).to_integral_exact()) for x in (a, b, c))
    return Decimal(a100 * b100 // (c100 * 100))


def shares_divide(
    pool: Decimal, weights: Sequence[Decimal], total: Decimal | None = None
) -> tuple[list[Decimal], Decimal]:
    """Each weight's share of ``pool`` (whole rupiah), rounded down, and the remainder:
    sum(shares) + remainder == pool exactly. ``total`` defaults to the sum of the weights;
    with no weight at all nothing is shared and the whole pool is the remainder."""
    whole = sum(weights, ZERO) if total is None else total
    if whole <= 0:
        return [ZERO for _w in weights], pool
    shares = [mul_div_floor(pool, weight, whole) for weight in weights]
    return shares, pool - sum(shares, ZERO)


@dataclass(frozen=True)
class Allocation:
    """One part of the split: from the members' part and from the non-members' part."""

    part: str
    percent: Decimal
    member_amount: Decimal
    non_member_amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.member_amount + self.non_member_amount

    @property
    def label(self) -> str:
        return str(PART_LABELS[self.part])

    @property
    def account_code(self) -> str:
        return PART_ACCOUNTS[self.part]


def split_allocate(
    *, shu: Decimal, non_member_part: Decimal, split: ShuSplitVersion
) -> dict[str, Allocation]:
    """The SHU's parts. The members' part is split by every percentage; the non-members'
    part only among the reserves and the funds (in their proportions; all to the reserves
    when those are all 0). Parts are rounded down; the reserves take what is left."""
    member_part = shu - non_member_part
    member: dict[str, Decimal] = {}
    for part in SPLIT_PARTS:
        if part != "reserves":
            member[part] = mul_div_floor(member_part, split.percent(part), HUNDRED)
    member["reserves"] = member_part - sum(member.values(), ZERO)
    outside: dict[str, Decimal] = dict.fromkeys(SPLIT_PARTS, ZERO)
    base = split.percent("reserves") + sum((split.percent(p) for p in FUND_PARTS), ZERO)
    if non_member_part > 0 and base > 0:
        for part in FUND_PARTS:
            outside[part] = mul_div_floor(non_member_part, split.percent(part), base)
    outside["reserves"] = non_member_part - sum(outside.values(), ZERO)
    return {
        part: Allocation(part, split.percent(part), member[part], outside[part])
        for part in SPLIT_PARTS
    }


@dataclass(frozen=True)
class ShareRow:
    member_id: int
    member_number: str
    full_name: str
    kind: str
    status: str
    business: Decimal
    capital: Decimal
    jasa_usaha: Decimal
    jasa_modal: Decimal
    sukarela_account_id: int | None
    paid_to: str

    @property
    def total(self) -> Decimal:
        return self.jasa_usaha + self.jasa_modal


@dataclass
class ShuDistribution:
    """Everything a final run would write, computed without writing."""

    year: int
    split: ShuSplitVersion
    capital_basis: str
    payout: str
    total_income: Decimal
    total_expense: Decimal
    shu: Decimal
    non_member_income: Decimal
    non_member_part: Decimal
    allocations: dict[str, Allocation]
    business_total: Decimal
    capital_total: Decimal
    rows: list[ShareRow]
    remainder_usaha: Decimal
    remainder_modal: Decimal
    digest: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def member_part(self) -> Decimal:
        return self.shu - self.non_member_part

    @property
    def jasa_usaha_pool(self) -> Decimal:
        return self.allocations["jasa_usaha"].total

    @property
    def jasa_modal_pool(self) -> Decimal:
        return self.allocations["jasa_modal"].total

    @property
    def jasa_usaha_paid(self) -> Decimal:
        return sum((r.jasa_usaha for r in self.rows), ZERO)

    @property
    def jasa_modal_paid(self) -> Decimal:
        return sum((r.jasa_modal for r in self.rows), ZERO)

    @property
    def remainder(self) -> Decimal:
        return self.remainder_usaha + self.remainder_modal

    @property
    def to_sukarela(self) -> Decimal:
        return sum((r.total for r in self.rows if r.paid_to == ShuPayout.SUKARELA), ZERO)

    @property
    def to_payable(self) -> Decimal:
        return sum((r.total for r in self.rows if r.paid_to == ShuPayout.PAYABLE), ZERO)

    def amount(self, part: str) -> Decimal:
        return self.allocations[part].total


# ---- checks -------------------------------------------------------------------------


def year_check(year: object) -> int:
    """A book year that is over (the distribution is made in a later year)."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        raise YearNotReady(_("Choose a book year."), code="year_invalid")
    if year >= business_today().year:
        raise YearNotReady(
            _("The book year %(year)s is not over yet.") % {"year": year}, code="year_not_over"
        )
    return year


def year_closed_check(year: int, *, lock: bool = False) -> None:
    """Every month of the year closed (tenants.ledger.periods). ``lock``: hold the months'
    rows FOR SHARE to the end of the transaction, so none is reopened meanwhile."""
    if lock:
        statuses = dict(_months_for_share(year))
    else:
        statuses = dict(FiscalPeriod.objects.filter(year=year).values_list("month", "status"))
    open_months = [m for m in range(1, 13) if statuses.get(m) != PeriodStatus.CLOSED]
    if open_months:
        raise YearNotReady(
            _(
                "The book year %(year)s is not closed: %(months)s still open. Close every "
                "month of the year first."
            )
            % {
                "year": year,
                "months": ", ".join(f"{year}-{m:02d}" for m in open_months),
            },
            code="year_not_closed",
        )


def _months_for_share(year: int) -> list[tuple[int, str]]:
    table = FiscalPeriod._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT month, status FROM {table} WHERE year = %s ORDER BY month FOR SHARE", [year]
        )
        return [(month, status) for month, status in cur.fetchall()]


def amount_check(value: object, *, label: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise RunRefused(_("%(what)s: enter an amount.") % {"what": label}, code="amount_invalid")
    if value < 0:
        raise RunRefused(
            _("%(what)s cannot be negative.") % {"what": label}, code="amount_negative"
        )
    if value != value.quantize(CENT):
        raise RunRefused(
            _("%(what)s: at most two decimal places.") % {"what": label}, code="amount_precision"
        )
    return value


def choices_check(capital_basis: object, payout: object) -> tuple[str, str]:
    if capital_basis not in CapitalBasis.values:
        raise RunRefused(
            _("Choose how jasa modal is counted: year-end or average balance."),
            code="capital_basis_invalid",
        )
    if payout not in ShuPayout.values:
        raise RunRefused(
            _("Choose where the members' shares go: simpanan sukarela or SHU payable."),
            code="payout_invalid",
        )
    return str(capital_basis), str(payout)


# ---- the members' table (one grouped query) -----------------------------------------

_ROWS_SQL = """
WITH business AS (
    SELECT member_id, sum(amount) AS va
    FROM {business}
    WHERE occurred_at >= %(start_ts)s AND occurred_at < %(end_ts)s
    GROUP BY member_id
), moves AS (
    SELECT a.member_id,
           CASE WHEN t.kind = %(deposit)s THEN t.amount ELSE -t.amount END AS delta,
           greatest((t.created_at AT TIME ZONE 'Asia/Jakarta')::date, %(start)s::date) AS day
    FROM {txn} t JOIN {account} a ON a.id = t.account_id
    WHERE a.kind IN (%(pokok)s, %(wajib)s) AND t.created_at < %(end_ts)s
), capital AS (
    SELECT member_id,
           sum(delta) AS year_end,
           round(sum(delta * (%(end)s::date - day + 1)) / %(days)s, 2) AS average
    FROM moves GROUP BY member_id
), sukarela AS (
    SELECT DISTINCT ON (member_id) member_id, id
    FROM {account}
    WHERE kind = %(sukarela)s AND closed_at IS NULL
    ORDER BY member_id, id
)
SELECT m.id, m.member_number, m.full_name, m.kind, m.status,
       coalesce(b.va, 0), coalesce(c.{basis}, 0), s.id
FROM {member} m
LEFT JOIN business b ON b.member_id = m.id
LEFT JOIN capital c ON c.member_id = m.id
LEFT JOIN sukarela s ON s.member_id = m.id
WHERE m.status <> %(applicant)s AND (coalesce(b.va, 0) > 0 OR coalesce(c.{basis}, 0) > 0)
ORDER BY m.member_number
"""


def _inputs(year: int, basis: str) -> list[tuple[Any, ...]]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    sql = _ROWS_SQL.format(
        business=MemberBusiness._meta.db_table,
        txn=SavingsTransaction._meta.db_table,
        account=SavingsAccount._meta.db_table,
        member=Member._meta.db_table,
        basis="average" if basis == CapitalBasis.AVERAGE else "year_end",
    )
    params: dict[str, Any] = {
        "start_ts": day_bounds(start)[0],
        "end_ts": day_bounds(end)[1],
        "start": start,
        "end": end,
        "days": (end - start).days + 1,
        "deposit": SavingsTransactionKind.DEPOSIT,
        "pokok": SavingsKind.POKOK,
        "wajib": SavingsKind.WAJIB,
        "sukarela": SavingsKind.SUKARELA,
        "applicant": MemberStatus.APPLICANT,
    }
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _digest(dist: ShuDistribution, inputs: list[tuple[Any, ...]]) -> str:
    members = hashlib.sha256()
    for row in inputs:
        members.update(f"{row[0]}:{row[5]:.2f}:{row[6]:.2f}:{row[7]}:{row[4]};".encode())
    document = {
        "year": dist.year,
        "split": dist.split.pk,
        "capital_basis": dist.capital_basis,
        "payout": dist.payout,
        "income": f"{dist.total_income:.2f}",
        "expense": f"{dist.total_expense:.2f}",
        "non_member_income": f"{dist.non_member_income:.2f}",
        "members": members.hexdigest(),
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()


def shu_simulate(
    *,
    year: int,
    split: ShuSplitVersion,
    capital_basis: str = CapitalBasis.YEAR_END,
    payout: str = ShuPayout.SUKARELA,
    non_member_income: Decimal = ZERO,
    lock: bool = False,
) -> ShuDistribution:
    """The whole distribution of ``year`` under ``split``, written nowhere. Refused
    (ShuError) when the year is not over or not closed, made no SHU, or an input is bad.
    ``lock`` (the final run) holds the year's months FOR SHARE."""
    year = year_check(year)
    capital_basis, payout = choices_check(capital_basis, payout)
    non_member_income = amount_check(
        non_member_income, label=_("Income from business with non-members")
    )
    if not isinstance(split, ShuSplitVersion) or split.pk is None:
        raise ShuError(_("Choose a split version."), code="split_missing")
    year_closed_check(year, lock=lock)
    statement = income_statement(date_from=date(year, 1, 1), date_to=date(year, 12, 31))
    shu = statement.shu
    if shu <= 0:
        raise YearNotReady(
            _("The book year %(year)s made no SHU to distribute (income - expenses = %(shu)s).")
            % {"year": year, "shu": format_rupiah(shu)},
            code="no_shu",
        )
    if non_member_income > statement.total_income:
        raise RunRefused(
            _(
                "The income from non-members (%(given)s) is more than the year's income "
                "(%(income)s)."
            )
            % {
                "given": format_rupiah(non_member_income),
                "income": format_rupiah(statement.total_income),
            },
            code="non_member_income_too_large",
        )
    non_member_part = (
        mul_div_floor(shu, non_member_income, statement.total_income)
        if non_member_income > 0
        else ZERO
    )
    allocations = split_allocate(shu=shu, non_member_part=non_member_part, split=split)
    inputs = _inputs(year, capital_basis)
    business_total = sum((row[5] for row in inputs), ZERO)
    capital_total = sum((row[6] for row in inputs), ZERO)
    usaha, remainder_usaha = shares_divide(
        allocations["jasa_usaha"].total, [row[5] for row in inputs], business_total
    )
    modal, remainder_modal = shares_divide(
        allocations["jasa_modal"].total, [row[6] for row in inputs], capital_total
    )
    rows = []
    for row, ju, jm in zip(inputs, usaha, modal, strict=True):
        pk, number, name, kind, status, business, capital, sukarela = row
        to_sukarela = (
            payout == ShuPayout.SUKARELA and status == MemberStatus.ACTIVE and sukarela is not None
        )
        rows.append(
            ShareRow(
                member_id=pk,
                member_number=number,
                full_name=name,
                kind=kind,
                status=status,
                business=business,
                capital=capital,
                jasa_usaha=ju,
                jasa_modal=jm,
                sukarela_account_id=sukarela,
                paid_to=ShuPayout.SUKARELA if to_sukarela else ShuPayout.PAYABLE,
            )
        )
    dist = ShuDistribution(
        year=year,
        split=split,
        capital_basis=capital_basis,
        payout=payout,
        total_income=statement.total_income,
        total_expense=statement.total_expenses,
        shu=shu,
        non_member_income=non_member_income,
        non_member_part=non_member_part,
        allocations=allocations,
        business_total=business_total,
        capital_total=capital_total,
        rows=rows,
        remainder_usaha=remainder_usaha,
        remainder_modal=remainder_modal,
    )
    dist.digest = _digest(dist, inputs)
    dist.warnings = _warnings(dist)
    return dist


def _warnings(dist: ShuDistribution) -> list[str]:
    found = []
    if dist.jasa_usaha_pool > 0 and dist.business_total <= 0:
        found.append(
            _("No member business was recorded in %(year)s: the jasa usaha pool cannot be divided.")
            % {"year": dist.year}
        )
    if dist.jasa_modal_pool > 0 and dist.capital_total <= 0:
        found.append(
            _(
                "No member held pokok or wajib savings in %(year)s: the jasa modal pool "
                "cannot be divided."
            )
            % {"year": dist.year}
        )
    if not dist.split.is_approved:
        found.append(
            _(
                "Split version %(number)s is not approved at a members' meeting yet: the final "
                "run needs an approved version."
            )
            % {"number": dist.split.number}
        )
    kept = sum(1 for r in dist.rows if r.paid_to == ShuPayout.PAYABLE and r.total > 0)
    if dist.payout == ShuPayout.SUKARELA and kept:
        found.append(
            _(
                "%(count)s members have left or have no open simpanan sukarela: their shares "
                "are kept as SHU payable (2104)."
            )
            % {"count": kept}
        )
    return found
