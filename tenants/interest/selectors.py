"""Reads of a member's savings history: every movement of their money, gathered from the
four places it is recorded (read-only; nothing here writes).

- SavingsTransaction: deposits and withdrawals (at the desk, collective, through the books
  door), and the credit into sukarela of a time deposit's or a resignation's payout.
- JasaLine: the month's jasa credited to a sukarela account, dated its run's entry date
  (the month's last day). No SavingsTransaction is written for it (tenants.interest.jasa).
- TermDeposit: the principal placed into a berjangka account of its own on ``opened_on``
  and taken out of it on ``settled_on`` (matured: with its interest; broken: less the
  penalty), the payout going to cash or, as a SavingsTransaction, into sukarela.
- ResignationSettlement: pokok and wajib returned, to zero, when a member leaves.

A movement is dated as tenants.interest.jasa dates an account's balance history: a savings
transaction by its Asia/Jakarta day, a jasa line by its run's entry date, a time deposit
by its own dates. Within a day, movements follow the time they were booked; jasa comes
last on its day (it is worked out on the day's closing balance). Each product's running
balance is the sum of its movements in that order, so the last one is the sum of the
product's account balances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from money.rupiah import format_rupiah

from tenants.ledger.periods import business_day_of, day_bounds
from tenants.models import (
    JasaLine,
    JasaRunStatus,
    PayoutTo,
    ResignationSettlement,
    SavingsAccount,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
    TermDeposit,
    TermDepositStatus,
)

ZERO = Decimal("0.00")

# What a movement is (the API's ``kind``).
DEPOSIT = "deposit"
WITHDRAWAL = "withdrawal"
JASA = "jasa"
TERM_DEPOSIT_PLACED = "term_deposit_placed"
TERM_DEPOSIT_MATURED = "term_deposit_matured"
TERM_DEPOSIT_BROKEN = "term_deposit_broken"
TERM_DEPOSIT_PAYOUT = "term_deposit_payout"
RESIGNATION_RETURN = "resignation_return"
RESIGNATION_PAYOUT = "resignation_payout"
MOVEMENT_KINDS = (
    DEPOSIT,
    WITHDRAWAL,
    JASA,
    TERM_DEPOSIT_PLACED,
    TERM_DEPOSIT_MATURED,
    TERM_DEPOSIT_BROKEN,
    TERM_DEPOSIT_PAYOUT,
    RESIGNATION_RETURN,
    RESIGNATION_PAYOUT,
)
_PAYOUT_ENTRY_KINDS = ("term_deposit_mature", "term_deposit_break")


@dataclass(frozen=True)
class Movement:
    """One movement of one savings account. ``amount`` is signed (+ into the account,
    - out of it); ``balance`` is the product's balance after it."""

    key: str  # stable and unique per member: "tx-12", "jasa-3", "td-5-open", ...
    day: date
    at: datetime
    account_id: int
    product_id: int
    product_code: str
    product_name: str
    product_kind: str
    kind: str
    amount: Decimal
    balance: Decimal
    description: str
    entry_id: int | None
    transaction_id: int | None = None
    jasa_period: str | None = None  # "YYYY-MM" of a jasa credit: its breakdown page

    @property
    def size(self) -> Decimal:
        return abs(self.amount)

    @property
    def direction(self) -> str:
        return "in" if self.amount > 0 else "out"

    @property
    def credit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def debit(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


@dataclass
class _Event:
    key: str
    day: date
    at: datetime
    rank: int  # tie-break within the same instant: placements before settlements
    account: SavingsAccount
    kind: str
    amount: Decimal | None  # None: the account's whole balance goes out (resignation)
    description: str
    entry_id: int | None
    transaction_id: int | None = None
    jasa_period: str | None = None


def _rp(amount: Decimal) -> str:
    return format_rupiah(amount)


def _paid_to(payout_to: str) -> str:
    return _("simpanan sukarela") if payout_to == PayoutTo.SUKARELA else _("cash")


def _term_deposit_events(
    member_id: int, accounts: dict[int, SavingsAccount]
) -> tuple[list[_Event], dict[int, TermDeposit]]:
    """Placement and settlement of each of the member's time deposits, and the deposits by
    their payout entry (whose sukarela credit is a SavingsTransaction)."""
    events: list[_Event] = []
    by_payout: dict[int, TermDeposit] = {}
    deposits = TermDeposit.objects.filter(member_id=member_id).select_related(
        "product", "open_entry", "payout_entry"
    )
    for deposit in deposits:
        account = accounts.get(deposit.account_id)
        if account is None:  # not the member's account: never, but never show a stranger's
            continue
        name = deposit.product.name
        events.append(
            _Event(
                key=f"td-{deposit.pk}-open",
                day=deposit.opened_on,
                at=deposit.open_entry.created_at,
                rank=0,
                account=account,
                kind=TERM_DEPOSIT_PLACED,
                amount=deposit.principal,
                description=_("%(product)s placed: %(rate)s%% a year, matures on %(date)s")
                % {
                    "product": name,
                    "rate": number_format(deposit.rate_percent, decimal_pos=2),
                    "date": deposit.maturity_on.strftime("%d-%m-%Y"),
                },
                entry_id=deposit.open_entry_id,
            )
        )
        entry = deposit.payout_entry
        if deposit.status == TermDepositStatus.ACTIVE or entry is None:
            continue
        by_payout[entry.pk] = deposit
        payout = deposit.principal + deposit.interest - deposit.penalty
        if deposit.status == TermDepositStatus.BROKEN:
            kind = TERM_DEPOSIT_BROKEN
            text = _(
                "%(product)s broken before maturity, penalty %(penalty)s; %(payout)s paid to %(to)s"
            ) % {
                "product": name,
                "penalty": _rp(deposit.penalty),
                "payout": _rp(payout),
                "to": _paid_to(deposit.payout_to),
            }
        else:
            kind = TERM_DEPOSIT_MATURED
            text = _("%(product)s matured: jasa %(interest)s; %(payout)s paid to %(to)s") % {
                "product": name,
                "interest": _rp(deposit.interest),
                "payout": _rp(payout),
                "to": _paid_to(deposit.payout_to),
            }
        assert deposit.settled_on is not None  # a check constraint guarantees it
        events.append(
            _Event(
                key=f"td-{deposit.pk}-settle",
                day=deposit.settled_on,
                at=entry.created_at,
                rank=1,
                account=account,
                kind=kind,
                amount=-deposit.principal,
                description=text,
                entry_id=entry.pk,
            )
        )
    return events, by_payout


def _resignation_events(
    member_id: int, accounts: dict[int, SavingsAccount]
) -> tuple[list[_Event], int | None]:
    """The pokok and wajib accounts emptied by the member's resignation settlement, and its
    entry (whose sukarela credit, if any, is a SavingsTransaction)."""
    settlement = ResignationSettlement.objects.filter(member_id=member_id).first()
    if settlement is None or settlement.journal_entry_id is None:
        return [], None
    events = [
        _Event(
            key=f"resign-{settlement.pk}-{account.pk}",
            day=settlement.settled_on,
            at=settlement.created_at,
            rank=2,
            account=account,
            kind=RESIGNATION_RETURN,
            amount=None,
            description=_("Returned on leaving the cooperative"),
            entry_id=settlement.journal_entry_id,
        )
        for account in accounts.values()
        if account.kind in (SavingsKind.POKOK, SavingsKind.WAJIB)
        and account.closed_at is not None
        and account.closed_at == settlement.created_at
    ]
    return events, settlement.journal_entry_id


def savings_movements(member_id: int) -> list[Movement]:
    """Every movement of the member's savings, oldest first, each with its product's
    balance after it. Five queries whatever the history's length."""
    accounts = {
        account.pk: account
        for account in SavingsAccount.objects.filter(member_id=member_id).select_related("product")
    }
    if not accounts:
        return []
    events, by_payout = _term_deposit_events(member_id, accounts)
    resignation_events, resignation_entry = _resignation_events(member_id, accounts)
    events += resignation_events
    rows = SavingsTransaction.objects.filter(account_id__in=list(accounts)).values_list(
        "pk", "account_id", "kind", "amount", "created_at", "journal_entry_id"
    )
    for pk, account_id, kind, amount, created_at, entry_id in rows:
        deposit = kind == SavingsTransactionKind.DEPOSIT
        what, text = (DEPOSIT, _("Deposit")) if deposit else (WITHDRAWAL, _("Withdrawal"))
        paid_from = by_payout.get(entry_id) if deposit else None
        if paid_from is not None:
            what = TERM_DEPOSIT_PAYOUT
            text = _("%(product)s paid out into simpanan sukarela") % {
                "product": paid_from.product.name
            }
        elif deposit and resignation_entry is not None and entry_id == resignation_entry:
            what = RESIGNATION_PAYOUT
            text = _("Simpanan pokok and wajib returned into simpanan sukarela")
        events.append(
            _Event(
                key=f"tx-{pk}",
                day=business_day_of(created_at),
                at=created_at,
                rank=3,
                account=accounts[account_id],
                kind=what,
                amount=amount if deposit else -amount,
                description=text,
                entry_id=entry_id,
                transaction_id=pk,
            )
        )
    credits = JasaLine.objects.filter(
        account_id__in=list(accounts), amount__gt=0, run__status=JasaRunStatus.POSTED
    ).values_list(
        "pk",
        "account_id",
        "amount",
        "run__year",
        "run__month",
        "run__entry_date",
        "run__journal_entry_id",
    )
    for pk, account_id, amount, year, month, entry_date, entry_id in credits:
        events.append(
            _Event(
                key=f"jasa-{pk}",
                day=entry_date,
                # after every movement of its day: the jasa is worked out on its closing
                at=day_bounds(entry_date)[1],
                rank=4,
                account=accounts[account_id],
                kind=JASA,
                amount=amount,
                description=_("Jasa on simpanan sukarela %(period)s")
                % {"period": f"{month:02d}/{year}"},
                entry_id=entry_id,
                jasa_period=f"{year}-{month:02d}",
            )
        )
    events.sort(key=lambda e: (e.day, e.at, e.rank, e.key))
    by_product: dict[int, Decimal] = {}
    by_account: dict[int, Decimal] = {}
    movements = []
    for event in events:
        account = event.account
        held = by_account.get(account.pk, ZERO)
        amount = -held if event.amount is None else event.amount
        if event.amount is None and amount == ZERO:
            continue
        by_account[account.pk] = held + amount
        balance = by_product[account.product_id] = by_product.get(account.product_id, ZERO) + amount
        movements.append(
            Movement(
                key=event.key,
                day=event.day,
                at=event.at,
                account_id=account.pk,
                product_id=account.product_id,
                product_code=account.product.code,
                product_name=account.product.name,
                product_kind=account.product.kind,
                kind=event.kind,
                amount=amount,
                balance=balance,
                description=event.description,
                entry_id=event.entry_id,
                transaction_id=event.transaction_id,
                jasa_period=event.jasa_period,
            )
        )
    return movements


# ---- statement ----------------------------------------------------------------------


@dataclass
class ProductStatement:
    """One product's part of a statement: the balance before ``date_from``, the period's
    movements (oldest first), their credits and debits, and the balance after ``date_to``.
    closing = opening + credits - debits."""

    product_id: int
    product_code: str
    product_name: str
    kind: str
    opening: Decimal = ZERO
    credits: Decimal = ZERO
    debits: Decimal = ZERO
    movements: list[Movement] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.credits - self.debits


def savings_statement(
    member_id: int, date_from: date, date_to: date, movements: list[Movement] | None = None
) -> list[ProductStatement]:
    """Per savings product of the member (by product code), the statement of the dates
    from ``date_from`` to ``date_to``, both included. A product shows when the member
    holds an open account of it or it has a balance or a movement in the period.
    ``movements``: savings_movements(member_id), when the caller has it already."""
    history = savings_movements(member_id) if movements is None else movements
    products: dict[int, ProductStatement] = {}
    shown: set[int] = set()
    for account in SavingsAccount.objects.filter(member_id=member_id).select_related("product"):
        product = account.product
        products.setdefault(
            product.pk, ProductStatement(product.pk, product.code, product.name, product.kind)
        )
        if account.closed_at is None:
            shown.add(product.pk)
    for movement in history:
        item = products.get(movement.product_id)
        if item is None or movement.day > date_to:
            continue
        if movement.day < date_from:
            item.opening += movement.amount
            continue
        item.movements.append(movement)
        item.credits += movement.credit
        item.debits += movement.debit
    return sorted(
        (
            item
            for pk, item in products.items()
            if pk in shown or item.opening != ZERO or item.movements
        ),
        key=lambda item: (item.product_code, item.product_id),
    )
