"""Repayments: a payment is split penalty -> interest -> principal over what is due
(tenants.loans.dues); more than is due pays principal ahead (a new schedule version
re-amortises what is left over the remaining due dates); exactly the payoff amount closes
the loan. Every payment posts one journal entry and, for its interest, one row of the
member's business with the cooperative (SHU's jasa usaha)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from money.rupiah import format_rupiah

from tenants.ledger.actors import actor_id
from tenants.ledger.exceptions import IdempotencyConflict as LedgerIdempotencyConflict
from tenants.ledger.periods import BUSINESS_TZ, business_today
from tenants.ledger.posting import Line, journal_post
from tenants.loans.dues import Allocation, allocate, dues_on, running_instalment
from tenants.loans.exceptions import IdempotencyConflict, LoanInputInvalid, RepaymentRefused
from tenants.loans.lock_objects import loan_lock
from tenants.loans.products import amount_check
from tenants.loans.schedule import schedule_build
from tenants.loans.services.common import (
    CASH_ACCOUNT,
    INTEREST_ACCOUNT,
    PENALTY_ACCOUNT,
    RECEIVABLE_ACCOUNT,
    ZERO,
    Row,
    current_schedule,
    day_check,
    digest,
    key_check,
    loan_id_of,
    same_loan,
    schedule_write,
)
from tenants.models import (
    Loan,
    LoanInstalment,
    LoanInstalmentKind,
    LoanRepayment,
    LoanRepaymentKind,
    LoanSchedule,
    LoanScheduleReason,
    LoanStatus,
    MemberBusiness,
    MemberBusinessKind,
)

LEDGER_KEY_PREFIX = "loans:repay:"
BUSINESS_CALLER = "loans"


def last_movement_on(loan: Loan, schedule: LoanSchedule) -> date:
    """The latest day the loan's books moved: a payment cannot be dated before it."""
    last_paid = loan.repayments.aggregate(last=Max("paid_on"))["last"]
    days = [d for d in (loan.disbursed_on, schedule.start_date, last_paid) if d is not None]
    return max(days)


def _repeat(key: str, request: str) -> LoanRepayment | None:
    existing = LoanRepayment.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.request_digest != request:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different payment."),
            code="idempotency_conflict",
        )
    return existing


def _apply(allocation: Allocation, instalments: list[LoanInstalment], day: date) -> None:
    for inst in instalments:
        parts = allocation.per_instalment.get(inst.number)
        if parts is None:
            continue
        inst.interest_paid += parts[0]
        inst.principal_paid += parts[1]
        if inst.interest_paid == inst.interest and inst.principal_paid == inst.principal:
            inst.settled_on = day


def _settle_rest(
    allocation: Allocation, instalments: list[LoanInstalment], day: date, running_interest: Decimal
) -> None:
    """A payoff: the running period's interest owed and all principal not yet due are
    paid; interest of periods not begun is forgiven (the rows are settled without it)."""
    running = running_instalment(instalments, day)
    for inst in instalments:
        if inst.settled_on is not None:
            continue
        interest = running_interest if inst is running else ZERO
        principal = inst.principal - inst.principal_paid
        parts = allocation.per_instalment.setdefault(inst.number, [ZERO, ZERO])
        parts[0] += interest
        parts[1] += principal
        allocation.interest += interest
        allocation.principal += principal
        inst.interest_paid += interest
        inst.principal_paid = inst.principal
        inst.settled_on = day
    allocation.left = ZERO


def _prepay(
    *,
    actor: Any,
    loan: Loan,
    schedule: LoanSchedule,
    instalments: list[LoanInstalment],
    allocation: Allocation,
    day: date,
    penalty_accrued: Decimal,
) -> None:
    """Principal paid ahead: a new schedule version keeps the settled instalments, records
    the prepayment as a paid row, and amortises what is left over the remaining due dates,
    with interest on the reduced principal from the running period on (docs/loans.md)."""
    prepaid = allocation.left
    allocation.principal += prepaid
    allocation.left = ZERO
    settled = [i for i in instalments if i.settled_on is not None]
    future = [i for i in instalments if i.settled_on is None]
    outstanding = loan.principal_outstanding - allocation.principal
    rows = [Row.copy_of(inst, number) for number, inst in enumerate(settled, start=1)]
    rows.append(
        Row(
            number=len(rows) + 1,
            period_start=day,
            due_date=day,
            principal=prepaid,
            interest=ZERO,
            principal_paid=prepaid,
            settled_on=day,
            carried=True,
            kind=LoanInstalmentKind.PREPAYMENT,
        )
    )
    start = future[0].period_start
    planned = schedule_build(
        method=loan.interest_method,
        principal=outstanding,
        annual_rate_percent=schedule.annual_rate_percent,
        start=start,
        due_dates=[i.due_date for i in future],
        first_number=len(rows) + 1,
    )
    rows += [Row.planned(item) for item in planned]
    loan.penalty_carried += penalty_accrued
    schedule_write(
        actor=actor,
        loan=loan,
        reason=LoanScheduleReason.PREPAYMENT,
        start=start,
        principal=outstanding,
        annual_rate_percent=schedule.annual_rate_percent,
        rows=rows,
        note=f"prepaid {prepaid:.2f} on {day.isoformat()}",
        previous=schedule,
    )


def _business_time(day: date) -> datetime:
    if day == business_today():
        return timezone.now()
    return datetime.combine(day, time(12), tzinfo=BUSINESS_TZ)


def loan_repay(
    *,
    actor: Any,
    loan: Loan,
    amount: Decimal,
    idempotency_key: str,
    paid_on: date | None = None,
    cash_account_code: str = CASH_ACCOUNT,
) -> LoanRepayment:
    """Take a payment of ``amount`` (Decimal, > 0, at most two decimals) into a running
    loan, dated ``paid_on`` (today, or back to the loan's last movement in an open period).

    The payment goes to the penalty owed, then the interest of instalments due by that
    day (oldest first), then their principal. Exactly the payoff amount (selectors
    .loan_dues) closes the loan; between what is due and the payoff, the rest is
    principal paid ahead and the remaining instalments are re-amortised (a new schedule
    version; the old one is kept). More than the payoff is refused, as is a payment into
    a closed loan or one not yet disbursed. Books: debit the cash account; credit
    Pendapatan Denda (4104), Pendapatan Jasa Pinjaman (4101) and Piutang Pinjaman
    Anggota (1103). The interest part is recorded as the member's business (SHU).

    Locks the loan row (FOR UPDATE) before reading what is due, so concurrent payments
    queue and none is applied twice; then the ledger's rows. The same key again returns
    the first payment; the same key with a different request is refused.
    """
    clean = amount_check(amount)
    key = key_check(idempotency_key)
    cash = cash_account_code.strip() if isinstance(cash_account_code, str) else ""
    if not cash:
        raise LoanInputInvalid(_("Choose the cash or bank account."), code="cash_account")
    loan_pk = loan_id_of(loan)
    request = digest(
        {
            "loan": loan_pk,
            "amount": f"{clean:.2f}",
            "paid_on": paid_on.isoformat() if isinstance(paid_on, date) else "",
            "cash": cash,
        }
    )
    existing = _repeat(key, request)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            locked = same_loan(loan_lock(loan_pk), loan)
            existing = _repeat(key, request)
            if existing is not None:
                return existing
            created = _repay_locked(
                actor=actor,
                loan=locked,
                amount=clean,
                key=key,
                request=request,
                paid_on=paid_on,
                cash=cash,
            )
    except LedgerIdempotencyConflict as exc:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different payment."),
            code="idempotency_conflict",
        ) from exc
    except IntegrityError:
        existing = _repeat(key, request)
        if existing is not None:
            return existing
        raise
    return created


def _repay_locked(
    *,
    actor: Any,
    loan: Loan,
    amount: Decimal,
    key: str,
    request: str,
    paid_on: date | None,
    cash: str,
) -> LoanRepayment:
    if loan.status == LoanStatus.CLOSED:
        raise RepaymentRefused(
            _("This loan is paid off; it takes no more payments."), code="loan_closed"
        )
    if loan.status != LoanStatus.ACTIVE:
        raise RepaymentRefused(
            _("Only a disbursed loan takes payments; this one is %(status)s.")
            % {"status": loan.get_status_display()},
            code="loan_not_active",
        )
    schedule, instalments = current_schedule(loan)
    day = day_check(paid_on, earliest=last_movement_on(loan, schedule), code="date_invalid")
    dues = dues_on(loan, instalments, day)
    if amount > dues.payoff:
        raise RepaymentRefused(
            _("This is more than the loan's payoff amount of %(amount)s.")
            % {"amount": format_rupiah(dues.payoff)},
            code="more_than_payoff",
        )
    allocation = allocate(amount, dues, instalments)
    _apply(allocation, instalments, day)
    kind = LoanRepaymentKind.REPAYMENT
    if amount == dues.payoff and allocation.left > 0:
        kind = LoanRepaymentKind.PAYOFF
        _settle_rest(allocation, instalments, day, dues.running_interest)
    elif allocation.left > 0:
        if allocation.left >= dues.principal_not_due:
            raise RepaymentRefused(
                _("This covers the whole principal; pay the payoff amount of %(amount)s.")
                % {"amount": format_rupiah(dues.payoff)},
                code="pay_payoff",
            )
        kind = LoanRepaymentKind.PREPAYMENT
    changed = [i for i in instalments if i.number in allocation.per_instalment]
    if changed:
        LoanInstalment.objects.bulk_update(
            changed, ["interest_paid", "principal_paid", "settled_on"]
        )
    if kind == LoanRepaymentKind.PREPAYMENT:
        _prepay(
            actor=actor,
            loan=loan,
            schedule=schedule,
            instalments=instalments,
            allocation=allocation,
            day=day,
            penalty_accrued=dues.penalty_accrued,
        )
    loan.penalty_paid += allocation.penalty
    loan.principal_outstanding -= allocation.principal
    closing = all(i.settled_on is not None for i in instalments) and kind != (
        LoanRepaymentKind.PREPAYMENT
    )
    if closing:
        loan.status = LoanStatus.CLOSED
        loan.closed_on = day
    number = loan.member.member_number
    lines = [Line(cash, debit=amount)]
    for code, part in (
        (PENALTY_ACCOUNT, allocation.penalty),
        (INTEREST_ACCOUNT, allocation.interest),
        (RECEIVABLE_ACCOUNT, allocation.principal),
    ):
        if part > 0:
            lines.append(Line(code, credit=part, member_ref=number))
    entry = journal_post(
        actor=actor,
        entry_date=day,
        description=f"Angsuran pinjaman #{loan.pk} {number}",
        lines=lines,
        idempotency_key=LEDGER_KEY_PREFIX + key,
        kind=f"loan_{kind}",
    )
    loan.save(
        update_fields=[
            "penalty_paid",
            "principal_outstanding",
            "status",
            "closed_on",
            "penalty_carried",
        ]
    )
    repayment = LoanRepayment.objects.create(
        loan=loan,
        kind=kind,
        paid_on=day,
        amount=amount,
        penalty_part=allocation.penalty,
        interest_part=allocation.interest,
        principal_part=allocation.principal,
        principal_outstanding_after=loan.principal_outstanding,
        allocation=allocation.rows(),
        cash_account_code=cash,
        journal_entry=entry,
        idempotency_key=key,
        request_digest=request,
        teller_id=actor_id(actor),
        created_at=timezone.now(),
    )
    if allocation.interest > 0:
        MemberBusiness.objects.create(
            member=loan.member,
            amount=allocation.interest,
            kind=MemberBusinessKind.LOAN_INTEREST,
            reference=f"loan {loan.pk} repayment {repayment.pk}",
            caller=BUSINESS_CALLER,
            idempotency_key=LEDGER_KEY_PREFIX + key,
            request_digest=request,
            occurred_at=_business_time(day),
            created_at=timezone.now(),
        )
    audit_record(
        actor=actor,
        action=f"loans.loan.{kind}",
        obj=repayment,
        summary=f"loan {loan.pk} {number} {amount:.2f}",
        data={
            "loan": loan.pk,
            "member": number,
            "amount": f"{amount:.2f}",
            "penalty": f"{allocation.penalty:.2f}",
            "interest": f"{allocation.interest:.2f}",
            "principal": f"{allocation.principal:.2f}",
            "outstanding_after": f"{loan.principal_outstanding:.2f}",
            "paid_on": day.isoformat(),
            "journal_entry": entry.pk,
            "closed": loan.status == LoanStatus.CLOSED,
        },
    )
    return repayment
