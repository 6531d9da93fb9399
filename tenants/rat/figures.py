"""What the RAT pack and the ODS export report about a book year, read from the books:
the board's accountability figures (LPJ), the five financial statements, the SHU
distribution, loan portfolio quality (when tenants.loans offers its portfolio report)
and health ratios. Every figure says where it comes from (docs/rat.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from tenants.ledger.periods import business_today, day_bounds
from tenants.models import (
    Member,
    MemberBusiness,
    MemberKind,
    MemberStatus,
    MemberStatusChange,
    RatMeeting,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
    Sex,
)
from tenants.reports.statements import (
    BalanceSheet,
    CashFlow,
    EquityChanges,
    IncomeStatement,
    balance_sheet,
    cash_flow,
    equity_changes,
    income_statement,
)
from tenants.savings.classification import EQUITY, member_capital_classification
from tenants.shu import selectors as shu_selectors
from tenants.shu.calculation import ShuDistribution, shu_simulate
from tenants.shu.exceptions import ShuError

portfolio_report: Callable[..., Any] | None
try:  # the loans module is built alongside; its portfolio report is optional here
    from tenants.loans.selectors import portfolio_report
except ImportError:  # pragma: no cover - depends on the loans module's state
    portfolio_report = None

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
LEFT = (MemberStatus.RESIGNED, MemberStatus.DECEASED, MemberStatus.EXPELLED)
LOANS_ACCOUNT = "1103"
CASH_ACCOUNTS = ("1101", "1102")


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ratio:
    name: str
    formula: str
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None  # percent; None when the denominator is 0
    note: str = ""


@dataclass(frozen=True)
class MemberCounts:
    regular: int
    associate: int
    male: int
    female: int
    joined: int
    left: int

    @property
    def total(self) -> int:
        return self.regular + self.associate


@dataclass
class YearFigures:
    meeting: RatMeeting
    year: int
    date_from: date
    date_to: date
    members: MemberCounts
    savings: dict[str, Decimal]  # kind -> balance at the year's end
    business: list[tuple[str, int, Decimal]]  # kind label, rows, amount
    balance: BalanceSheet
    income: IncomeStatement
    flows: CashFlow
    equity: EquityChanges
    capital_placement: str
    shu: ShuDistribution | None
    shu_note: str
    portfolio: Any  # tenants.loans.selectors.Portfolio, or None
    portfolio_note: str
    ratios: list[Ratio] = field(default_factory=list)

    @property
    def business_total(self) -> Decimal:
        return sum((amount for _label, _n, amount in self.business), ZERO)

    def account(self, code: str) -> Decimal:
        for section in (self.balance.assets, self.balance.liabilities, self.balance.equity):
            for found, _name, amount in section:
                if found == code:
                    return amount
        return ZERO

    def accounts_under(self, prefix: str, section: list[tuple[str, str, Decimal]]) -> Decimal:
        return sum((a for code, _n, a in section if code.startswith(prefix)), ZERO)


def member_counts(year: int) -> MemberCounts:
    """Members on 31 December of ``year``: admitted (not applicants), joined by then and
    not left by then (a status change to resigned, deceased or expelled dated by then)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    left_by_end = MemberStatusChange.objects.filter(to_status__in=LEFT, effective_date__lte=end)
    members = (
        Member.objects.exclude(status=MemberStatus.APPLICANT)
        .filter(join_date__lte=end)
        .exclude(pk__in=left_by_end.values("member_id"))
    )
    row = members.aggregate(
        regular=Count("id", filter=Q(kind=MemberKind.BIASA)),
        associate=Count("id", filter=Q(kind=MemberKind.LUAR_BIASA)),
        male=Count("id", filter=Q(sex=Sex.MALE)),
        female=Count("id", filter=Q(sex=Sex.FEMALE)),
    )
    joined = (
        Member.objects.exclude(status=MemberStatus.APPLICANT)
        .filter(join_date__gte=start, join_date__lte=end)
        .count()
    )
    left = (
        MemberStatusChange.objects.filter(
            to_status__in=LEFT, effective_date__gte=start, effective_date__lte=end
        )
        .values("member_id")
        .distinct()
        .count()
    )
    return MemberCounts(row["regular"], row["associate"], row["male"], row["female"], joined, left)


def savings_at(year: int) -> dict[str, Decimal]:
    """Each kind of savings' balance at the end of the year (from the savings rows, which
    are checked against the ledger), in one grouped query."""
    end_ts = day_bounds(date(year, 12, 31))[1]
    rows = (
        SavingsTransaction.objects.filter(created_at__lt=end_ts)
        .values("account__kind")
        .annotate(
            d=Sum("amount", filter=Q(kind=SavingsTransactionKind.DEPOSIT), default=ZERO),
            w=Sum("amount", filter=Q(kind=SavingsTransactionKind.WITHDRAWAL), default=ZERO),
        )
        .order_by()
    )
    found = dict.fromkeys(SavingsKind.values, ZERO)
    for row in rows:
        found[row["account__kind"]] = row["d"] - row["w"]
    return found


def business_of(year: int) -> list[tuple[str, int, Decimal]]:
    from tenants.models import MemberBusinessKind

    start, end = day_bounds(date(year, 1, 1))[0], day_bounds(date(year, 12, 31))[1]
    labels = dict(MemberBusinessKind.choices)
    rows = (
        MemberBusiness.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("kind")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("kind")
    )
    return [(str(labels.get(r["kind"], r["kind"])), r["n"], r["amount"]) for r in rows]


def _shu(year: int) -> tuple[ShuDistribution | None, str]:
    run = shu_selectors.run_get(year)
    if run is not None:
        return shu_selectors.run_distribution(run), _("Final distribution of %(date)s.") % {
            "date": run.created_at.strftime("%d-%m-%Y")
        }
    split = shu_selectors.split_latest_approved() or shu_selectors.split_versions().first()
    if split is None:
        return None, _("No SHU split has been set up yet.")
    try:
        dist = shu_simulate(year=year, split=split)
    except ShuError as exc:
        return None, _("Not computed: %(reason)s") % {"reason": exc.messages[0]}
    return dist, _("Simulation with split version %(number)s (not yet distributed).") % {
        "number": split.number
    }


def _portfolio(day: date) -> tuple[Any, str]:
    if portfolio_report is None:
        return None, _("The loans module offers no portfolio report; this section is left out.")
    return portfolio_report(min(day, business_today())), ""


def health_ratios(figures: YearFigures) -> list[Ratio]:
    """A few indicative ratios from the statements (not the ministry's weighted score):
    each with its formula and the two numbers it divides."""
    b, i = figures.balance, figures.income
    current_assets = figures.accounts_under("11", b.assets)
    current_liabilities = figures.accounts_under("21", b.liabilities)
    cash = sum((figures.account(c) for c in CASH_ACCOUNTS), ZERO)
    loans = figures.account(LOANS_ACCOUNT)
    deposits = figures.account("2101") + figures.account("2102")
    ratios = [
        Ratio(
            _("Capital (modal sendiri / total assets)"),
            _("total equity ÷ total assets"),
            b.total_equity,
            b.total_assets,
            percent(b.total_equity, b.total_assets),
        ),
        Ratio(
            _("Liquidity (current ratio)"),
            _("current assets (11xx) ÷ current liabilities (21xx)"),
            current_assets,
            current_liabilities,
            percent(current_assets, current_liabilities),
        ),
        Ratio(
            _("Cash ratio"),
            _("cash and bank (1101, 1102) ÷ current liabilities (21xx)"),
            cash,
            current_liabilities,
            percent(cash, current_liabilities),
        ),
        Ratio(
            _("Loans to deposits"),
            _("loans to members (1103) ÷ voluntary and time deposits (2101, 2102)"),
            loans,
            deposits,
            percent(loans, deposits),
        ),
        Ratio(
            _("Return on assets"),
            _("SHU ÷ total assets"),
            i.shu,
            b.total_assets,
            percent(i.shu, b.total_assets),
        ),
        Ratio(
            _("Return on own capital"),
            _("SHU ÷ total equity"),
            i.shu,
            b.total_equity,
            percent(i.shu, b.total_equity),
        ),
        Ratio(
            _("Efficiency"),
            _("total expenses ÷ total income"),
            i.total_expenses,
            i.total_income,
            percent(i.total_expenses, i.total_income),
        ),
    ]
    if figures.portfolio is not None:
        total = figures.portfolio.total
        ratios.append(
            Ratio(
                _("Problem loans (NPL)"),
                _("kurang lancar + diragukan + macet ÷ loans outstanding"),
                total.problem,
                total.outstanding,
                total.npl_percent if total.outstanding else None,
                figures.portfolio.health_label,
            )
        )
    return ratios


def year_figures(meeting: RatMeeting) -> YearFigures:
    year = meeting.book_year
    start, end = date(year, 1, 1), date(year, 12, 31)
    shu, shu_note = _shu(year)
    portfolio, portfolio_note = _portfolio(end)
    figures = YearFigures(
        meeting=meeting,
        year=year,
        date_from=start,
        date_to=end,
        members=member_counts(year),
        savings=savings_at(year),
        business=business_of(year),
        balance=balance_sheet(as_of=end),
        income=income_statement(date_from=start, date_to=end),
        flows=cash_flow(date_from=start, date_to=end),
        equity=equity_changes(date_from=start, date_to=end),
        capital_placement=member_capital_classification().placement,
        shu=shu,
        shu_note=shu_note,
        portfolio=portfolio,
        portfolio_note=portfolio_note,
    )
    figures.ratios = health_ratios(figures)
    return figures


def capital_note(figures: YearFigures) -> str:
    if figures.capital_placement == EQUITY:
        return _("Simpanan pokok and wajib are shown as equity (modal sendiri).")
    return _("Simpanan pokok and wajib are shown as liabilities.")
