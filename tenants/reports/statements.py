"""Financial statements of the current cooperative, computed from the postings.

Each selector runs one grouped query over the postings (conditional sums per account) and
returns a plain result plus a Table (tenants.reports.table) that the screen, the PDF and
the Excel renderers share. Dates are entry dates (business dates, Asia/Jakarta), both
ends inclusive.

Balance sheet: assets are shown debit-positive (contra accounts such as accumulated
depreciation reduce them), liabilities and equity credit-positive. Income and expense
are never closed by this module: the current year's SHU (income - expense from 1 January
of the as-of year) and any earlier years' result not yet closed into equity are shown as
equity lines, so assets = liabilities + equity always holds.

Cash flow (direct method): the cash accounts are Kas (1101) and Bank (1102). For every
entry that touches a cash account, each non-cash posting of the entry is one cash flow of
(credit - debit), classified by that counter-account:
- investing: accounts under groups 12 (Investasi) and 13 (Aset Tetap);
- financing: equity accounts (simpanan pokok and wajib, hibah, SHU paid out of equity)
  and accounts under group 22 (long-term borrowings);
- operating: everything else: income and expense, loans to members and other current
  assets (lending is a savings and loan cooperative's operation), and current
  liabilities, including voluntary savings and time deposits (member deposits).
Transfers between cash accounts have no counter-account and so no flow. The flows of an
entry add up to its cash movement, so opening cash + flows = closing cash exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from tenants.interest.arrears import WajibArrears, wajib_arrears_report
from tenants.interest.selectors import savings_statement
from tenants.ledger.reports import general_ledger as ledger_general_ledger
from tenants.members.selectors import member_find_by_number
from tenants.models import (
    Account,
    AccountType,
    Member,
    Posting,
)
from tenants.reports.table import Column, Table

ZERO = Decimal("0.00")
CASH_ACCOUNTS = ("1101", "1102")
INVESTING_GROUPS = ("12", "13")
FINANCING_GROUPS = ("22",)
OPERATING, INVESTING, FINANCING = "operating", "investing", "financing"


class ReportError(ValueError):
    pass


def _period_text(date_from: date, date_to: date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_from.strftime("%d-%m-%Y"),
        "end": date_to.strftime("%d-%m-%Y"),
    }


def _as_of_text(as_of: date) -> str:
    return _("As of %(date)s") % {"date": as_of.strftime("%d-%m-%Y")}


def _check_range(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise ReportError(_("The start date is after the end date."))


def _accounts() -> dict[int, Account]:
    return {a.pk: a for a in Account.objects.filter(is_group=False).select_related("parent")}


def _sums(**filters: Q) -> dict[int, dict[str, Decimal]]:
    """Per account id, one sum of debit/credit per named filter, in one grouped query.
    ``d_<name>``/``c_<name>`` hold the sums; accounts without postings are left out."""
    annotations: dict[str, Any] = {}
    for name, condition in filters.items():
        annotations[f"d_{name}"] = Sum("debit", filter=condition, default=ZERO)
        annotations[f"c_{name}"] = Sum("credit", filter=condition, default=ZERO)
    rows = Posting.objects.values("account_id").annotate(**annotations).order_by()
    return {row.pop("account_id"): row for row in rows}


def _before(day: date) -> Q:
    return Q(entry__entry_date__lt=day)


def _upto(day: date) -> Q:
    return Q(entry__entry_date__lte=day)


def _between(date_from: date, date_to: date) -> Q:
    return Q(entry__entry_date__gte=date_from, entry__entry_date__lte=date_to)


def _credit_side(account: Account) -> bool:
    return account.type in (AccountType.LIABILITY, AccountType.EQUITY, AccountType.INCOME)


def _net(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    """Positive on the side the account's section is shown: debit for assets and
    expenses (so a contra asset is negative), credit for the others."""
    return credit - debit if _credit_side(account) else debit - credit


# Trial balance ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceLine:
    code: str
    name: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal


@dataclass(frozen=True)
class TrialBalanceReport:
    date_from: date
    date_to: date
    lines: list[TrialBalanceLine]
    totals: TrialBalanceLine
    table: Table


def _split(net: Decimal) -> tuple[Decimal, Decimal]:
    return (net, ZERO) if net > 0 else (ZERO, -net)


def trial_balance(*, date_from: date, date_to: date) -> TrialBalanceReport:
    """Every account with postings up to ``date_to``: opening balance (before
    ``date_from``), the period's debits and credits, and the closing balance."""
    _check_range(date_from, date_to)
    accounts = _accounts()
    sums = _sums(open=_before(date_from), period=_between(date_from, date_to))
    lines = []
    for account in sorted(accounts.values(), key=lambda a: a.code):
        s = sums.get(account.pk)
        if s is None or not any(s.values()):
            continue
        opening = s["d_open"] - s["c_open"]
        closing = opening + s["d_period"] - s["c_period"]
        lines.append(
            TrialBalanceLine(
                account.code,
                account.name,
                *_split(opening),
                s["d_period"],
                s["c_period"],
                *_split(closing),
            )
        )
    totals = TrialBalanceLine(
        "",
        _("Total"),
        *(sum((getattr(x, f) for x in lines), ZERO) for f in TB_AMOUNTS),
    )
    table = Table(
        _("Trial balance"),
        _period_text(date_from, date_to),
        [
            Column(_("Code")),
            Column(_("Account")),
            Column(_("Opening debit"), True),
            Column(_("Opening credit"), True),
            Column(_("Debit"), True),
            Column(_("Credit"), True),
            Column(_("Closing debit"), True),
            Column(_("Closing credit"), True),
        ],
    )
    for x in [*lines, totals]:
        table.add(
            x.code,
            x.name,
            *(getattr(x, f) for f in TB_AMOUNTS),
            style="total" if x is totals else "",
        )
    return TrialBalanceReport(date_from, date_to, lines, totals, table)


TB_AMOUNTS = (
    "opening_debit",
    "opening_credit",
    "debit",
    "credit",
    "closing_debit",
    "closing_credit",
)


# General ledger --------------------------------------------------------------------


def general_ledger(*, account_code: str, date_from: date, date_to: date) -> Table:
    """One account's postings in the range with the opening and a running balance on the
    account's normal side (tenants.ledger.reports.general_ledger)."""
    _check_range(date_from, date_to)
    if not Account.objects.filter(code=account_code, is_group=False).exists():
        raise ReportError(_("Unknown account: %(code)s.") % {"code": account_code})
    ledger = ledger_general_ledger(account_code=account_code, date_from=date_from, date_to=date_to)
    table = Table(
        _("General ledger: %(account)s") % {"account": str(ledger.account)},
        _period_text(date_from, date_to),
        [
            Column(_("Date")),
            Column(_("Entry")),
            Column(_("Description")),
            Column(_("Debit"), True),
            Column(_("Credit"), True),
            Column(_("Balance"), True),
        ],
    )
    table.add(
        date_from, "", _("Opening balance"), None, None, ledger.opening_balance, style="total"
    )
    for line in ledger.lines:
        table.add(
            line.entry_date,
            str(line.entry_id),
            line.description,
            line.debit or None,
            line.credit or None,
            line.balance,
        )
    table.add(
        date_to,
        "",
        _("Closing balance"),
        sum((line.debit for line in ledger.lines), ZERO),
        sum((line.credit for line in ledger.lines), ZERO),
        ledger.closing_balance,
        style="total",
    )
    return table


# Balance sheet (Neraca) ------------------------------------------------------------


@dataclass(frozen=True)
class BalanceSheet:
    as_of: date
    assets: list[tuple[str, str, Decimal]]
    liabilities: list[tuple[str, str, Decimal]]
    equity: list[tuple[str, str, Decimal]]  # equity accounts, then the result lines
    total_assets: Decimal
    total_liabilities: Decimal
    total_equity: Decimal
    current_shu: Decimal
    table: Table

    @property
    def balances(self) -> bool:
        return self.total_assets == self.total_liabilities + self.total_equity


def balance_sheet(*, as_of: date) -> BalanceSheet:
    """Neraca as of a date. Current year's SHU = income - expense since 1 January."""
    accounts = _accounts()
    sums = _sums(upto=_upto(as_of), year=_between(date(as_of.year, 1, 1), as_of))
    sections: dict[str, list[tuple[str, str, Decimal]]] = {
        AccountType.ASSET: [],
        AccountType.LIABILITY: [],
        AccountType.EQUITY: [],
    }
    current = prior = ZERO
    for account in sorted(accounts.values(), key=lambda a: a.code):
        s = sums.get(account.pk)
        if s is None:
            continue
        total = s["c_upto"] - s["d_upto"]  # credit-positive
        if account.type in (AccountType.INCOME, AccountType.EXPENSE):
            this_year = s["c_year"] - s["d_year"]
            current += this_year
            prior += total - this_year
        elif s["d_upto"] or s["c_upto"]:
            sections[account.type].append(
                (account.code, account.name, _net(account, s["d_upto"], s["c_upto"]))
            )
    equity = list(sections[AccountType.EQUITY])
    if prior:
        equity.append(("", _("Result of earlier years not yet closed"), prior))
    equity.append(("", _("Current year's SHU (income - expense)"), current))
    assets, liabilities = sections[AccountType.ASSET], sections[AccountType.LIABILITY]
    total_assets = sum((x[2] for x in assets), ZERO)
    total_liabilities = sum((x[2] for x in liabilities), ZERO)
    total_equity = sum((x[2] for x in equity), ZERO)
    table = Table(
        _("Balance sheet (Neraca)"),
        _as_of_text(as_of),
        [Column(_("Code")), Column(_("Account")), Column(_("Amount"), True)],
    )
    for heading, rows, total_label, total in (
        (_("Assets"), assets, _("Total assets"), total_assets),
        (_("Liabilities"), liabilities, _("Total liabilities"), total_liabilities),
        (_("Equity"), equity, _("Total equity"), total_equity),
    ):
        table.add("", heading, style="heading")
        for code, name, amount in rows:
            table.add(code, name, amount)
        table.add("", total_label, total, style="total")
    table.add(
        "",
        _("Total liabilities and equity"),
        total_liabilities + total_equity,
        style="total",
    )
    return BalanceSheet(
        as_of,
        assets,
        liabilities,
        equity,
        total_assets,
        total_liabilities,
        total_equity,
        current,
        table,
    )


# Income statement (Perhitungan Hasil Usaha) ----------------------------------------


@dataclass(frozen=True)
class IncomeStatement:
    date_from: date
    date_to: date
    income: list[tuple[str, str, Decimal]]
    expenses: list[tuple[str, str, Decimal]]
    total_income: Decimal
    total_expenses: Decimal
    shu: Decimal
    table: Table


def income_statement(*, date_from: date, date_to: date) -> IncomeStatement:
    _check_range(date_from, date_to)
    accounts = _accounts()
    sums = _sums(period=_between(date_from, date_to))
    income, expenses = [], []
    for account in sorted(accounts.values(), key=lambda a: a.code):
        s = sums.get(account.pk)
        if s is None or not (s["d_period"] or s["c_period"]):
            continue
        amount = _net(account, s["d_period"], s["c_period"])
        if account.type == AccountType.INCOME:
            income.append((account.code, account.name, amount))
        elif account.type == AccountType.EXPENSE:
            expenses.append((account.code, account.name, amount))
    total_income = sum((x[2] for x in income), ZERO)
    total_expenses = sum((x[2] for x in expenses), ZERO)
    table = Table(
        _("Income statement (Perhitungan Hasil Usaha)"),
        _period_text(date_from, date_to),
        [Column(_("Code")), Column(_("Account")), Column(_("Amount"), True)],
    )
    for heading, rows, total_label, total in (
        (_("Income"), income, _("Total income"), total_income),
        (_("Expenses"), expenses, _("Total expenses"), total_expenses),
    ):
        table.add("", heading, style="heading")
        for code, name, amount in rows:
            table.add(code, name, amount)
        table.add("", total_label, total, style="total")
    shu = total_income - total_expenses
    table.add("", _("SHU (income - expenses)"), shu, style="total")
    return IncomeStatement(
        date_from, date_to, income, expenses, total_income, total_expenses, shu, table
    )


# Cash flow (Laporan Arus Kas), direct method ----------------------------------------


def cash_flow_category(account: Account) -> str:
    """Operating, investing or financing, for a counter-account of a cash posting."""
    group = account.parent.code if account.parent is not None else ""
    if group in INVESTING_GROUPS:
        return INVESTING
    if account.type == AccountType.EQUITY or group in FINANCING_GROUPS:
        return FINANCING
    return OPERATING


@dataclass(frozen=True)
class CashFlow:
    date_from: date
    date_to: date
    opening_cash: Decimal
    flows: dict[str, list[tuple[str, str, Decimal]]]
    totals: dict[str, Decimal]
    net_change: Decimal
    closing_cash: Decimal
    table: Table


def cash_flow(*, date_from: date, date_to: date) -> CashFlow:
    _check_range(date_from, date_to)
    accounts = _accounts()
    cash_ids = [pk for pk, a in accounts.items() if a.code in CASH_ACCOUNTS]
    opening = Posting.objects.filter(_before(date_from), account_id__in=cash_ids).aggregate(
        d=Sum("debit", default=ZERO), c=Sum("credit", default=ZERO)
    )
    opening_cash = opening["d"] - opening["c"]
    touches_cash = Posting.objects.filter(entry_id=OuterRef("entry_id"), account_id__in=cash_ids)
    flows_by_account = (
        Posting.objects.filter(_between(date_from, date_to), Exists(touches_cash))
        .exclude(account_id__in=cash_ids)
        .values("account_id")
        .annotate(d=Sum("debit", default=ZERO), c=Sum("credit", default=ZERO))
        .order_by()
    )
    flows: dict[str, list[tuple[str, str, Decimal]]] = {OPERATING: [], INVESTING: [], FINANCING: []}
    for row in flows_by_account:
        account = accounts[row["account_id"]]
        flows[cash_flow_category(account)].append((account.code, account.name, row["c"] - row["d"]))
    for rows in flows.values():
        rows.sort()
    totals = {k: sum((x[2] for x in rows), ZERO) for k, rows in flows.items()}
    net = sum(totals.values(), ZERO)
    table = Table(
        _("Cash flow statement (Laporan Arus Kas)"),
        _period_text(date_from, date_to),
        [Column(_("Code")), Column(_("Counter-account")), Column(_("Amount"), True)],
    )
    table.add("", _("Cash and bank at the start"), opening_cash, style="total")
    for key, heading, total_label in (
        (OPERATING, _("Operating activities"), _("Net cash from operating activities")),
        (INVESTING, _("Investing activities"), _("Net cash from investing activities")),
        (FINANCING, _("Financing activities"), _("Net cash from financing activities")),
    ):
        table.add("", heading, style="heading")
        for code, name, amount in flows[key]:
            table.add(code, name, amount)
        table.add("", total_label, totals[key], style="total")
    table.add("", _("Net change in cash and bank"), net, style="total")
    table.add("", _("Cash and bank at the end"), opening_cash + net, style="total")
    return CashFlow(date_from, date_to, opening_cash, flows, totals, net, opening_cash + net, table)


# Statement of changes in equity (Laporan Perubahan Ekuitas) -------------------------


@dataclass(frozen=True)
class EquityLine:
    code: str
    name: str
    opening: Decimal
    increase: Decimal
    decrease: Decimal
    closing: Decimal


@dataclass(frozen=True)
class EquityChanges:
    date_from: date
    date_to: date
    lines: list[EquityLine]
    total: EquityLine
    table: Table


def equity_changes(*, date_from: date, date_to: date) -> EquityChanges:
    """Opening, increases, decreases and closing of each equity account; the result
    (income - expense, not yet closed into equity) is one more line, so the closing total
    equals the balance sheet's equity on ``date_to``."""
    _check_range(date_from, date_to)
    accounts = _accounts()
    sums = _sums(open=_before(date_from), period=_between(date_from, date_to))
    lines = []
    result = [ZERO, ZERO, ZERO]
    for account in sorted(accounts.values(), key=lambda a: a.code):
        s = sums.get(account.pk)
        if s is None:
            continue
        opening = s["c_open"] - s["d_open"]
        if account.type == AccountType.EQUITY and any(s.values()):
            lines.append(
                EquityLine(
                    account.code,
                    account.name,
                    opening,
                    s["c_period"],
                    s["d_period"],
                    opening + s["c_period"] - s["d_period"],
                )
            )
        elif account.type in (AccountType.INCOME, AccountType.EXPENSE):
            result[0] += opening
            result[1] += s["c_period"] - s["d_period"]
    shu = result[1]
    lines.append(
        EquityLine(
            "",
            _("SHU not yet closed (income - expense)"),
            result[0],
            shu if shu > 0 else ZERO,
            -shu if shu < 0 else ZERO,
            result[0] + shu,
        )
    )
    total = EquityLine(
        "",
        _("Total equity"),
        *(
            sum((getattr(x, f) for x in lines), ZERO)
            for f in ("opening", "increase", "decrease", "closing")
        ),
    )
    table = Table(
        _("Statement of changes in equity (Laporan Perubahan Ekuitas)"),
        _period_text(date_from, date_to),
        [
            Column(_("Code")),
            Column(_("Account")),
            Column(_("Opening"), True),
            Column(_("Increase"), True),
            Column(_("Decrease"), True),
            Column(_("Closing"), True),
        ],
    )
    for x in [*lines, total]:
        table.add(
            x.code,
            x.name,
            x.opening,
            x.increase,
            x.decrease,
            x.closing,
            style="total" if x is total else "",
        )
    return EquityChanges(date_from, date_to, lines, total, table)


# Member statement ------------------------------------------------------------------


@dataclass(frozen=True)
class MemberProductStatement:
    product_id: int
    product: str
    opening: Decimal
    deposits: Decimal  # every credit: deposits, jasa, time deposits placed, payouts in
    withdrawals: Decimal  # every debit: withdrawals, time deposits settled, returns
    closing: Decimal


@dataclass(frozen=True)
class MemberStatement:
    member: Member
    products: list[MemberProductStatement]
    table: Table


def member_statement(*, member_number: str, date_from: date, date_to: date) -> MemberStatement:
    """Every movement of a member's savings in the range, per savings product, with the
    opening and closing balance of each and the balance after each line: deposits and
    withdrawals, the monthly jasa on sukarela, time deposits placed and settled, pokok and
    wajib returned (tenants.interest.selectors.savings_statement, the member's own
    statement's lines)."""
    _check_range(date_from, date_to)
    member = member_find_by_number(member_number.strip())
    if member is None:
        raise ReportError(_("No member with number %(number)s.") % {"number": member_number})
    table = Table(
        _("Member statement: %(number)s %(name)s")
        % {"number": member.member_number, "name": member.full_name},
        _period_text(date_from, date_to),
        [
            Column(_("Date")),
            Column(_("Description")),
            Column(_("Deposit"), True),
            Column(_("Withdrawal"), True),
            Column(_("Balance"), True),
        ],
    )
    products = []
    for item in savings_statement(member.pk, date_from, date_to):
        products.append(
            MemberProductStatement(
                item.product_id,
                item.product_name,
                item.opening,
                item.credits,
                item.debits,
                item.closing,
            )
        )
        table.add(None, item.product_name, style="heading")
        table.add(date_from, _("Opening balance"), None, None, item.opening, style="total")
        for movement in item.movements:
            table.add(
                movement.day,
                movement.description,
                movement.credit or None,
                movement.debit or None,
                movement.balance,
            )
        table.add(
            date_to, _("Closing balance"), item.credits, item.debits, item.closing, style="total"
        )
    return MemberStatement(member, products, table)


# Wajib arrears (tunggakan simpanan wajib) ----------------------------------------------


@dataclass(frozen=True)
class ArrearsList:
    as_of: date
    rows: list[WajibArrears]
    total: Decimal
    table: Table


def arrears_list(*, as_of: date) -> ArrearsList:
    """Every active member behind on simpanan wajib on ``as_of``
    (tenants.interest.arrears), with their names."""
    rows = wajib_arrears_report(as_of)
    names = dict(
        Member.objects.filter(pk__in=[r.member_id for r in rows]).values_list("pk", "full_name")
    )
    table = Table(
        _("Mandatory savings in arrears"),
        _as_of_text(as_of),
        [
            Column(_("Member number")),
            Column(_("Name")),
            Column(_("Months in arrears")),
            Column(_("Due"), True),
            Column(_("Paid"), True),
            Column(_("In arrears"), True),
        ],
    )
    for r in rows:
        table.add(
            r.member_number,
            names.get(r.member_id, ""),
            str(r.months),
            r.amount_due,
            r.paid,
            r.amount,
        )
    total = sum((r.amount for r in rows), ZERO)
    table.add("", _("Total"), "", None, None, total, style="total")
    return ArrearsList(as_of, rows, total, table)
