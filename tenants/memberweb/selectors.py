"""Reads for a member's own pages and API: every function takes the member, so nothing here
can show another member's data."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from money.rupiah import round_rupiah
from notary.selectors import root_on

from tenants.interest.selectors import (
    JASA,
    Movement,
    ProductStatement,
    savings_movements,
    savings_statement,
)
from tenants.ledger.chain import entry_day, merkle_proof
from tenants.ledger.hashing import proof_verify
from tenants.ledger.periods import business_today
from tenants.models import JasaLine as JasaCredit
from tenants.models import (
    JournalEntry,
    Member,
    SavingsAccount,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
)
from tenants.savings.selectors import savings_accounts_of

ZERO = Decimal("0.00")
DAYS_IN_YEAR = Decimal(365)


def member_of_user(user: Any) -> Member | None:
    """The member of the current cooperative linked to this login, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user_id=user.pk).first()


def member_balances(member: Member) -> list[SavingsAccount]:
    return list(savings_accounts_of(member).order_by("product__code", "id"))


def member_transactions(member: Member) -> QuerySet[SavingsTransaction]:
    """The member's savings transactions only, newest first, with their journal entries
    (the history pages show member_movements, which has every movement)."""
    return (
        SavingsTransaction.objects.filter(account__member=member)
        .select_related("account__product", "journal_entry")
        .order_by("-created_at", "-id")
    )


def member_movements(member: Member) -> list[Movement]:
    """Every movement of the member's money, newest first: deposits and withdrawals, the
    monthly jasa on sukarela, time deposits placed and settled, pokok and wajib returned;
    each with its product's balance after it (tenants.interest.selectors)."""
    return savings_movements(member.pk)[::-1]


# ---- wajib arrears -----------------------------------------------------------------


@dataclass(frozen=True)
class WajibArrears:
    monthly_amount: Decimal
    months_due: int
    amount_due: Decimal
    paid: Decimal
    arrears: Decimal
    months_behind: int


def months_counted(start: date, end: date) -> int:
    """Monthly dues fallen due from the month of ``start`` to that of ``end``, both counted."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + (end.month - start.month) + 1


def wajib_arrears(member: Member, *, today: date | None = None) -> WajibArrears | None:
    """Mandatory savings due since the join month (Asia/Jakarta) less what was paid into
    the member's wajib account; None when the member has no wajib account."""
    account = savings_accounts_of(member).filter(kind=SavingsKind.WAJIB).first()
    if account is None or not account.product.amount:
        return None
    monthly = account.product.amount
    months = months_counted(member.join_date, today or business_today())
    due = monthly * months
    paid = SavingsTransaction.objects.filter(
        account=account, kind=SavingsTransactionKind.DEPOSIT
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    arrears = max(ZERO, due - paid)
    return WajibArrears(
        monthly_amount=monthly,
        months_due=months,
        amount_due=due,
        paid=paid,
        arrears=arrears,
        months_behind=int((arrears / monthly).to_integral_value(rounding="ROUND_CEILING")),
    )


# ---- jasa on sukarela ----------------------------------------------------------------


@dataclass(frozen=True)
class JasaLine:
    first_day: date
    last_day: date
    days: int
    balance: Decimal
    jasa: Decimal  # unrounded: balance x days x rate / 365


@dataclass
class JasaBreakdown:
    year: int
    month: int
    rate_percent: Decimal
    through: date
    lines: list[JasaLine] = field(default_factory=list)
    exact_total: Decimal = ZERO
    total: Decimal = ZERO  # rounded down to the rupiah, only here
    posted_on: date | None = None  # the day it was credited, once the month is posted
    entry_id: int | None = None  # the run's journal entry, when something was credited


def month_parse(text: str | None) -> tuple[int, int] | None:
    """(year, month) from "YYYY-MM", or None when malformed."""
    if not text:
        return None
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    year, month = int(parts[0]), int(parts[1])
    return (year, month) if 1 <= month <= 12 and year >= 2000 else None


def month_days(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _jasa_posted(account: SavingsAccount, year: int, month: int) -> JasaBreakdown | None:
    """The month's jasa as it was posted (the run's own record of the balance runs), so
    the page shows exactly what was credited; None before the month's run."""
    credit = (
        JasaCredit.objects.filter(account=account, run__year=year, run__month=month)
        .select_related("run")
        .first()
    )
    if credit is None:
        return None
    run = credit.run
    result = JasaBreakdown(
        year=year,
        month=month,
        rate_percent=credit.rate_percent,
        through=run.entry_date,
        exact_total=credit.balance_days * credit.rate_percent / 100 / DAYS_IN_YEAR,
        total=credit.amount,
        posted_on=run.entry_date,
        entry_id=run.journal_entry_id if credit.amount > 0 else None,
    )
    for item in credit.breakdown:
        result.lines.append(
            JasaLine(
                date.fromisoformat(item["from"]),
                date.fromisoformat(item["to"]),
                int(item["days"]),
                Decimal(item["balance"]),
                Decimal(item["jasa"]),
            )
        )
    return result


def jasa_breakdown(
    member: Member, year: int, month: int, *, today: date | None = None
) -> JasaBreakdown | None:
    """How the month's jasa on sukarela is computed: the end-of-day balance of each day of
    the month (through today for the current month), grouped into runs of equal balance,
    each earning balance x days x rate / 365; rounded down to the rupiah only at the total.
    Once the month's jasa is posted, the lines the run recorded and the amount credited.
    The balance counts the jasa credited for earlier months, as the run does
    (tenants.interest.jasa). None when the member has no sukarela account or the month
    has not begun."""
    account = savings_accounts_of(member).filter(kind=SavingsKind.SUKARELA).first()
    first, last = month_days(year, month)
    today = today or business_today()
    if account is None or first > today:
        return None
    posted = _jasa_posted(account, year, month)
    if posted is not None:
        return posted
    through = min(last, today)
    rate = account.product.annual_rate_percent
    running = opening = ZERO
    closing: dict[date, Decimal] = {}
    for movement in savings_movements(member.pk):
        if movement.account_id != account.pk or movement.day > through:
            continue
        if movement.kind == JASA and movement.day >= first:
            continue  # the month's own jasa is not part of its balance
        running += movement.amount
        if movement.day < first:
            opening = running
        else:
            closing[movement.day] = running
    result = JasaBreakdown(year=year, month=month, rate_percent=rate, through=through)
    balance = opening
    run_start = first
    day = first
    while day <= through:
        balance = closing.get(day, balance)
        following = day + timedelta(days=1)
        next_balance = closing.get(following, balance)
        if following > through or next_balance != balance:
            days = (day - run_start).days + 1
            jasa = balance * days * rate / 100 / DAYS_IN_YEAR
            result.lines.append(JasaLine(run_start, day, days, balance, jasa))
            result.exact_total += jasa
            run_start = following
        day = following
    result.total = round_rupiah(result.exact_total, down=True)
    return result


# ---- statement -----------------------------------------------------------------------


def member_statement(member: Member, year: int, month: int) -> list[ProductStatement]:
    """Per savings product: the balance before the month, every movement in the month
    (Asia/Jakarta) with the balance after it, and the balance after the month."""
    first, last = month_days(year, month)
    return savings_statement(member.pk, first, last)


# ---- verification of journal entries --------------------------------------------------

PUBLISHED = "published"
SEALED = "sealed"
PENDING = "pending"


def entry_status(entry: JournalEntry, cooperative: Any) -> str:
    """published: sealed and its day's root is with the notary; sealed: waiting for the
    day's root; pending: waiting for the seal."""
    if entry.seq is None or entry.sealed_at is None:
        return PENDING
    return PUBLISHED if root_on(cooperative, entry_day(entry)) is not None else SEALED


def entry_statuses(transactions: list[SavingsTransaction], cooperative: Any) -> dict[int, str]:
    """entry id -> status, one notary look-up per day."""
    published: dict[date, bool] = {}
    statuses: dict[int, str] = {}
    for row in transactions:
        entry = row.journal_entry
        if entry.seq is None or entry.sealed_at is None:
            statuses[entry.pk] = PENDING
            continue
        day = entry_day(entry)
        if day not in published:
            published[day] = root_on(cooperative, day) is not None
        statuses[entry.pk] = PUBLISHED if published[day] else SEALED
    return statuses


def movement_statuses(movements: list[Movement], cooperative: Any) -> dict[int, str]:
    """entry id -> status of the movements' journal entries, one query for the entries and
    one notary look-up per day."""
    ids = {m.entry_id for m in movements if m.entry_id is not None}
    entries = JournalEntry.objects.filter(pk__in=ids).only("pk", "seq", "sealed_at")
    published: dict[date, bool] = {}
    statuses: dict[int, str] = {}
    for entry in entries:
        if entry.seq is None or entry.sealed_at is None:
            statuses[entry.pk] = PENDING
            continue
        day = entry_day(entry)
        if day not in published:
            published[day] = root_on(cooperative, day) is not None
        statuses[entry.pk] = PUBLISHED if published[day] else SEALED
    return statuses


def member_entry_get(member: Member, entry_id: int) -> JournalEntry:
    """A journal entry that moved the member's own savings: a savings transaction of
    theirs, a jasa run that credited them, one of their time deposits placed or paid out,
    their resignation payout. 404 otherwise (another member's entry looks exactly like one
    that does not exist)."""
    mine = (
        Q(savings_transactions__account__member=member)
        | Q(jasa_run__lines__account__member=member, jasa_run__lines__amount__gt=0)
        | Q(term_deposit_opened__member=member)
        | Q(term_deposit_paid__member=member)
        | Q(resignation_settlement__member=member)
    )
    entry = JournalEntry.objects.filter(mine, pk=entry_id).distinct().first()
    if entry is None:
        raise Http404(_("No such transaction of yours."))
    return entry


@dataclass(frozen=True)
class EntryProof:
    entry: JournalEntry
    status: str
    day: date | None
    path: list[tuple[str, str]]
    merkle_root: str
    chained_root: str
    verified: bool


def entry_proof(entry: JournalEntry, cooperative: Any) -> EntryProof:
    """The entry's hash, its Merkle path and its day's published root, verified here with
    the ledger's own proof_verify."""
    status = entry_status(entry, cooperative)
    if status != PUBLISHED:
        return EntryProof(entry, status, None, [], "", "", False)
    day = entry_day(entry)
    root = root_on(cooperative, day)
    assert root is not None
    path: list[tuple[str, str]] = [(step.position, step.hash) for step in merkle_proof(entry)]
    verified = proof_verify(entry.entry_hash or "", path, root.merkle_root)
    return EntryProof(entry, status, day, path, root.merkle_root, root.chained_root, verified)
