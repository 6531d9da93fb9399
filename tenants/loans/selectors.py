"""Reads of loans: products, a member's loans, a schedule with what was paid and what is
due per instalment, what is due now and the payoff, the portfolio report (outstanding,
PAR 30/60/90, problem-loan ratio with the ministry's health bands, per loan officer) and
the check of loans against the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from audit.models import AuditEntry
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.ledger.periods import business_today
from tenants.loans.aging import aged_sql, allowance_booked, loan_settings
from tenants.loans.dues import Dues, dues_on, instalment_penalty
from tenants.loans.schedule import PlannedInstalment, schedule_build
from tenants.models import (
    AccountBalance,
    BankClass,
    Loan,
    LoanInstalment,
    LoanProduct,
    LoanRepayment,
    LoanSchedule,
    LoanSettings,
    LoanStatus,
    Member,
    MinistryClass,
)

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
RECEIVABLE_ACCOUNT = "1103"
OPEN_STATUSES = (LoanStatus.APPLIED, LoanStatus.APPROVED, LoanStatus.ACTIVE)


def loan_products(*, active_only: bool = True) -> QuerySet[LoanProduct]:
    products = LoanProduct.objects.all()
    return products.filter(is_active=True) if active_only else products


def loan_product_get(code: str) -> LoanProduct | None:
    return LoanProduct.objects.filter(code=code).first()


def loans_of_member(member: Member) -> QuerySet[Loan]:
    """The member's loans, newest first."""
    return Loan.objects.filter(member=member).select_related("product").order_by("-id")


def loan_get(pk: int) -> Loan | None:
    return Loan.objects.select_related("product", "member").filter(pk=pk).first()


def member_has_open_loans(member: Member) -> bool:
    """An application awaiting its decision or payout, or a loan not paid off: a member
    with one cannot leave with their pokok and wajib yet."""
    return Loan.objects.filter(member=member, status__in=OPEN_STATUSES).exists()


def loan_repayments(loan: Loan) -> QuerySet[LoanRepayment]:
    return LoanRepayment.objects.filter(loan=loan).order_by("paid_on", "id")


def loan_repayment_get(pk: int) -> LoanRepayment | None:
    return (
        LoanRepayment.objects.select_related("loan__product", "loan__member", "journal_entry")
        .filter(pk=pk)
        .first()
    )


def loans_filtered(
    *,
    status: str = "",
    bank_class: str = "",
    officer_id: int | None = None,
    member_number: str = "",
) -> QuerySet[Loan]:
    """The staff list, newest first: optionally one status, one kolektibilitas class (as
    the latest daily aging left it), one loan officer, one member."""
    found = Loan.objects.select_related("product", "member").order_by("-id")
    if status:
        found = found.filter(status=status)
    if bank_class:
        found = found.filter(bank_class=bank_class)
    if officer_id is not None:
        found = found.filter(officer_id=officer_id)
    if member_number:
        found = found.filter(member__member_number=member_number)
    return found


def loan_officer_ids() -> list[int]:
    """Everyone who is the officer of a loan here."""
    ids = Loan.objects.filter(officer_id__isnull=False).values_list("officer_id", flat=True)
    return sorted({int(pk) for pk in ids.distinct() if pk is not None})


def staff_names(user_ids: set[int]) -> dict[int, str]:
    """Display names of the logins on loans (identity lives in the public schema)."""
    from identity.models import User

    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in User.objects.filter(pk__in=user_ids)
    }


def loan_audit_trail(loan: Loan) -> QuerySet[AuditEntry]:
    """Every step of the loan in the audit log, oldest first: its application, survey,
    decision, disbursement and rescheduling (recorded on the loan) and its payments
    (recorded on each repayment)."""
    repayments = [
        str(pk) for pk in LoanRepayment.objects.filter(loan=loan).values_list("pk", flat=True)
    ]
    return AuditEntry.objects.filter(
        Q(object_type=Loan._meta.label, object_id=str(loan.pk))
        | Q(object_type=LoanRepayment._meta.label, object_id__in=repayments)
    ).order_by("created_at", "id")


def loan_schedule_preview(loan: Loan, start: date | None = None) -> list[PlannedInstalment]:
    """The schedule the loan would get if paid out on ``start`` (today by default): what
    an application is shown before it is decided and disbursed."""
    return schedule_build(
        method=loan.interest_method,
        principal=loan.amount,
        annual_rate_percent=loan.annual_rate_percent,
        start=start or business_today(),
        n=loan.term_months,
    )


def _current(loan: Loan) -> list[LoanInstalment]:
    return list(
        LoanInstalment.objects.filter(
            schedule__in=LoanSchedule.objects.filter(loan=loan, is_current=True)
        ).order_by("number")
    )


def loan_dues(loan: Loan, as_of: date | None = None) -> Dues:
    """What a running loan owes on ``as_of`` (today by default): penalty, interest and
    principal due now, the next instalment, and the payoff amount."""
    return dues_on(loan, _current(loan), as_of or business_today())


INSTALMENT_STATES: dict[str, Promise] = {
    "paid": _("Paid"),
    "settled": _("Settled early"),
    "partly_paid": _("Partly paid"),
    "overdue": _("Overdue"),
    "due": _("Due today"),
    "upcoming": _("Not yet due"),
}


@dataclass(frozen=True)
class InstalmentRow:
    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    settled_on: date | None
    penalty: Decimal  # accrued on this instalment by as_of
    state: str
    kind: str  # instalment, prepayment (principal paid ahead), arrears (at rescheduling)

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest

    @property
    def paid(self) -> Decimal:
        return self.principal_paid + self.interest_paid

    @property
    def remaining(self) -> Decimal:
        return ZERO if self.settled_on is not None else self.total - self.paid

    @property
    def state_label(self) -> str:
        return str(INSTALMENT_STATES[self.state])


def _state(inst: LoanInstalment, as_of: date) -> str:
    if inst.settled_on is not None:
        paid_in_full = inst.principal_paid == inst.principal and (
            inst.interest_paid == inst.interest
        )
        return "paid" if paid_in_full else "settled"
    if inst.due_date < as_of:
        return "overdue"
    if inst.due_date == as_of:
        return "due"
    if inst.principal_paid or inst.interest_paid:
        return "partly_paid"
    return "upcoming"


def _rows(loan: Loan, instalments: list[LoanInstalment], as_of: date) -> list[InstalmentRow]:
    return [
        InstalmentRow(
            number=inst.number,
            period_start=inst.period_start,
            due_date=inst.due_date,
            principal=inst.principal,
            interest=inst.interest,
            principal_paid=inst.principal_paid,
            interest_paid=inst.interest_paid,
            settled_on=inst.settled_on,
            penalty=instalment_penalty(
                inst,
                percent_per_day=loan.penalty_percent_per_day,
                grace_days=loan.penalty_grace_days,
                as_of=as_of,
            ),
            state=_state(inst, as_of),
            kind=inst.kind,
        )
        for inst in instalments
    ]


def loan_schedule(loan: Loan, as_of: date | None = None) -> list[InstalmentRow]:
    """The current schedule version, each instalment with what was paid of it, what
    remains, its penalty so far and its state on ``as_of``."""
    day = as_of or business_today()
    return _rows(loan, _current(loan), day)


@dataclass(frozen=True)
class ScheduleVersion:
    schedule: LoanSchedule
    rows: list[InstalmentRow]


def loan_schedule_versions(loan: Loan, as_of: date | None = None) -> list[ScheduleVersion]:
    """Every version of the loan's schedule, oldest first (the history kept by
    prepayments and rescheduling)."""
    day = as_of or business_today()
    schedules = list(LoanSchedule.objects.filter(loan=loan).order_by("version"))
    by_schedule: dict[int, list[LoanInstalment]] = {s.pk: [] for s in schedules}
    for inst in LoanInstalment.objects.filter(loan=loan).order_by("schedule_id", "number"):
        by_schedule[inst.schedule_id].append(inst)
    return [ScheduleVersion(s, _rows(loan, by_schedule[s.pk], day)) for s in schedules]


def loan_schedule_version(loan: Loan) -> int | None:
    """The number of the loan's current schedule version (None before the payout)."""
    return (
        LoanSchedule.objects.filter(loan=loan, is_current=True)
        .values_list("version", flat=True)
        .first()
    )


def loans_ledger_difference() -> Decimal:
    """Principal outstanding of all loans minus the debit balance of Piutang Pinjaman
    Anggota (1103); zero when the loans and the ledger agree."""
    kept = Loan.objects.aggregate(total=Sum("principal_outstanding"))["total"] or ZERO
    row = (
        AccountBalance.objects.filter(account__code=RECEIVABLE_ACCOUNT)
        .values_list("debit_total", "credit_total")
        .first()
    )
    booked = (row[0] - row[1]) if row else ZERO
    return kept - booked


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if whole <= 0:
        return ZERO
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class PortfolioLine:
    """The portfolio (or one loan officer's part of it) on a day."""

    officer_id: int | None
    loans: int = 0
    outstanding: Decimal = ZERO
    par30: Decimal = ZERO  # principal outstanding of loans more than 30 days past due
    par60: Decimal = ZERO
    par90: Decimal = ZERO
    required_allowance: Decimal = ZERO
    bank_classes: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(BankClass.values, ZERO)
    )
    ministry_classes: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(MinistryClass.values, ZERO)
    )

    @property
    def problem(self) -> Decimal:
        """Problem loans: the ministry's kurang lancar, diragukan and macet."""
        return self.outstanding - self.ministry_classes[MinistryClass.LANCAR]

    @property
    def par30_percent(self) -> Decimal:
        return _percent(self.par30, self.outstanding)

    @property
    def par60_percent(self) -> Decimal:
        return _percent(self.par60, self.outstanding)

    @property
    def par90_percent(self) -> Decimal:
        return _percent(self.par90, self.outstanding)

    @property
    def npl_percent(self) -> Decimal:
        return _percent(self.problem, self.outstanding)

    def add(self, other: PortfolioLine) -> None:
        self.loans += other.loans
        self.outstanding += other.outstanding
        self.par30 += other.par30
        self.par60 += other.par60
        self.par90 += other.par90
        self.required_allowance += other.required_allowance
        for name, value in other.bank_classes.items():
            self.bank_classes[name] += value
        for name, value in other.ministry_classes.items():
            self.ministry_classes[name] += value


HEALTH_BANDS: dict[str, Promise] = {
    "sehat": _("Healthy (sehat)"),
    "cukup_sehat": _("Fairly healthy (cukup sehat)"),
    "kurang_sehat": _("Less healthy (kurang sehat)"),
    "tidak_sehat": _("Unhealthy (tidak sehat)"),
}


def npl_health(npl_percent: Decimal, settings: LoanSettings) -> str:
    """The ministry's band for a problem-loan ratio (upper bounds are settings)."""
    if npl_percent <= settings.npl_healthy_max_percent:
        return "sehat"
    if npl_percent <= settings.npl_fair_max_percent:
        return "cukup_sehat"
    if npl_percent <= settings.npl_weak_max_percent:
        return "kurang_sehat"
    return "tidak_sehat"


@dataclass(frozen=True)
class Portfolio:
    as_of: date
    total: PortfolioLine
    officers: list[PortfolioLine]
    health: str
    allowance_booked: Decimal

    @property
    def health_label(self) -> str:
        return str(HEALTH_BANDS[self.health])

    @property
    def allowance_percent(self) -> Decimal:
        """Allowance booked (PPAP) against required (PPAPWD), in percent."""
        return _percent(self.allowance_booked, self.total.required_allowance)


_PORTFOLIO_SQL = """
SELECT officer_id, bank_class, ministry_class, count(*), sum(outstanding),
       coalesce(sum(outstanding) FILTER (WHERE days > 30), 0),
       coalesce(sum(outstanding) FILTER (WHERE days > 60), 0),
       coalesce(sum(outstanding) FILTER (WHERE days > 90), 0),
       sum(required)
FROM ({aged}) aged
GROUP BY officer_id, bank_class, ministry_class
"""


def portfolio_report(as_of: date | None = None) -> Portfolio:
    """The running loans on ``as_of`` (today by default), aged live by the same statement
    as the daily job: one query for the whole portfolio and every loan officer."""
    day = as_of or business_today()
    settings = loan_settings()
    sql, params = aged_sql(settings, day)
    with connection.cursor() as cur:
        cur.execute(_PORTFOLIO_SQL.format(aged=sql), params)
        rows = cur.fetchall()
    lines: dict[int | None, PortfolioLine] = {}
    for officer, bank, ministry, count, out, par30, par60, par90, required in rows:
        line = lines.setdefault(officer, PortfolioLine(officer_id=officer))
        line.loans += count
        line.outstanding += out
        line.par30 += par30
        line.par60 += par60
        line.par90 += par90
        line.required_allowance += required
        line.bank_classes[bank] += out
        line.ministry_classes[ministry] += out
    total = PortfolioLine(officer_id=None)
    for line in lines.values():
        total.add(line)
    officers = sorted(lines.values(), key=lambda x: (x.officer_id is None, x.officer_id or 0))
    return Portfolio(
        as_of=day,
        total=total,
        officers=officers,
        health=npl_health(total.npl_percent, settings),
        allowance_booked=allowance_booked(),
    )
