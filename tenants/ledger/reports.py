"""Read-only selectors: trial balance and general ledger, computed from the postings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from tenants.ledger.exceptions import AccountInvalid
from tenants.models import Account, JournalEntry, NormalSide, Posting

ZERO = Decimal("0.00")


def _signed(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    """A balance on the account's normal side is positive."""
    return debit - credit if account.normal_side == NormalSide.DEBIT else credit - debit


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    type: str
    debit_total: Decimal
    credit_total: Decimal
    debit: Decimal  # the net balance, in the debit column when it is a debit balance
    credit: Decimal


@dataclass(frozen=True)
class TrialBalance:
    as_of: date | None
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def difference(self) -> Decimal:
        return self.total_debit - self.total_credit


def trial_balance(*, as_of: date | None = None, include_zero: bool = False) -> TrialBalance:
    """Every postable account's net balance up to ``as_of`` (entry date, inclusive)."""
    postings = Posting.objects.all()
    if as_of is not None:
        postings = postings.filter(entry__entry_date__lte=as_of)
    sums = {
        row["account_id"]: (row["d"] or ZERO, row["c"] or ZERO)
        for row in postings.values("account_id").annotate(d=Sum("debit"), c=Sum("credit"))
    }
    rows = []
    for account in Account.objects.filter(is_group=False).order_by("code"):
        debit_total, credit_total = sums.get(account.pk, (ZERO, ZERO))
        if not include_zero and account.pk not in sums:
            continue
        net = debit_total - credit_total
        rows.append(
            TrialBalanceRow(
                code=account.code,
                name=account.name,
                type=account.type,
                debit_total=debit_total,
                credit_total=credit_total,
                debit=net if net > 0 else ZERO,
                credit=-net if net < 0 else ZERO,
            )
        )
    return TrialBalance(
        as_of=as_of,
        rows=rows,
        total_debit=sum((r.debit for r in rows), ZERO),
        total_credit=sum((r.credit for r in rows), ZERO),
    )


@dataclass(frozen=True)
class LedgerLine:
    entry_id: int
    seq: int | None
    entry_date: date
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running, on the account's normal side
    member_ref: str


@dataclass(frozen=True)
class GeneralLedger:
    account: Account
    date_from: date | None
    date_to: date | None
    opening_balance: Decimal
    lines: list[LedgerLine]
    closing_balance: Decimal


def general_ledger(
    *, account_code: str, date_from: date | None = None, date_to: date | None = None
) -> GeneralLedger:
    """One account's postings between two entry dates (inclusive), in date then entry
    order, with the opening balance and a running balance on the account's normal side."""
    account = Account.objects.filter(code=account_code).first()
    if account is None:
        raise AccountInvalid(
            _("Unknown account: %(code)s.") % {"code": account_code}, code="account_unknown"
        )
    postings = Posting.objects.filter(account=account)
    opening = ZERO
    if date_from is not None:
        before = postings.filter(entry__entry_date__lt=date_from).aggregate(
            d=Sum("debit"), c=Sum("credit")
        )
        opening = _signed(account, before["d"] or ZERO, before["c"] or ZERO)
        postings = postings.filter(entry__entry_date__gte=date_from)
    if date_to is not None:
        postings = postings.filter(entry__entry_date__lte=date_to)
    balance = opening
    lines = []
    for p in postings.select_related("entry").order_by("entry__entry_date", "entry_id", "line_no"):
        entry: JournalEntry = p.entry
        balance += _signed(account, p.debit, p.credit)
        lines.append(
            LedgerLine(
                entry_id=entry.pk,
                seq=entry.seq,
                entry_date=entry.entry_date,
                description=entry.description,
                debit=p.debit,
                credit=p.credit,
                balance=balance,
                member_ref=p.member_ref,
            )
        )
    return GeneralLedger(
        account=account,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        lines=lines,
        closing_balance=balance,
    )
