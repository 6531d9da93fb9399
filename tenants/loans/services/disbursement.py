"""Paying an approved loan out: in cash, or into the member's simpanan sukarela through
the savings services; the fees deducted from the payout or paid at the counter."""

from __future__ import annotations

from datetime import date
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.ledger.actors import actor_id
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.loans.exceptions import DisbursementRefused, LoanInputInvalid
from tenants.loans.lock_objects import loan_lock
from tenants.loans.schedule import schedule_build
from tenants.loans.services.common import (
    ADMIN_FEE_ACCOUNT,
    CASH_ACCOUNT,
    PROVISI_ACCOUNT,
    RECEIVABLE_ACCOUNT,
    Row,
    day_check,
    loan_id_of,
    same_loan,
    schedule_write,
)
from tenants.models import (
    JournalEntry,
    Loan,
    LoanPayoutTo,
    LoanScheduleReason,
    LoanStatus,
    MemberStatus,
    SavingsAccount,
    SavingsKind,
)
from tenants.savings.services import savings_deposit


def _sukarela_of(member_id: int) -> SavingsAccount | None:
    return (
        SavingsAccount.objects.filter(
            member_id=member_id, kind=SavingsKind.SUKARELA, closed_at__isnull=True
        )
        .order_by("pk")
        .first()
    )


def _fee_lines(loan: Loan, number: str) -> list[Line]:
    lines = []
    if loan.admin_fee > 0:
        lines.append(Line(ADMIN_FEE_ACCOUNT, credit=loan.admin_fee, member_ref=number))
    if loan.provisi_fee > 0:
        lines.append(Line(PROVISI_ACCOUNT, credit=loan.provisi_fee, member_ref=number))
    return lines


def loan_disburse(
    *,
    actor: Any,
    loan: Loan,
    payout_to: str = LoanPayoutTo.CASH,
    fees_deducted: bool = True,
    disbursed_on: date | None = None,
    cash_account_code: str = CASH_ACCOUNT,
) -> Loan:
    """Pay out an approved loan and start its schedule (version 1, from ``disbursed_on``:
    today, or a day in an open period).

    Books: debit Piutang Pinjaman Anggota (1103) with the principal; credit the payout
    (cash, or the member's sukarela through savings_deposit); credit Pendapatan
    Administrasi (4102) and Provisi (4103) with the fees, which are either deducted from
    the payout or paid in cash at the counter. Locks the loan row, then (through the
    savings service) the sukarela account, then the ledger's rows. Disbursing an active
    loan again with the same choices returns it (a retry); anything else is refused.
    """
    if payout_to not in LoanPayoutTo.values:
        raise LoanInputInvalid(_("Pay out in cash or into sukarela."), code="payout_invalid")
    if not isinstance(fees_deducted, bool):
        raise LoanInputInvalid(
            _("Say whether the fees are deducted from the payout."), code="fees_invalid"
        )
    cash = cash_account_code.strip() if isinstance(cash_account_code, str) else ""
    if not cash:
        raise LoanInputInvalid(_("Choose the cash or bank account."), code="cash_account")
    loan_pk = loan_id_of(loan)
    with transaction.atomic():
        locked = same_loan(loan_lock(loan_pk), loan)
        if locked.status == LoanStatus.ACTIVE and (
            locked.payout_to,
            locked.fees_deducted,
        ) == (payout_to, fees_deducted):
            return locked
        if locked.status != LoanStatus.APPROVED:
            raise DisbursementRefused(
                _("Only an approved loan can be paid out; this one is %(status)s.")
                % {"status": locked.get_status_display()},
                code="loan_not_approved",
            )
        day = day_check(disbursed_on, earliest=locked.applied_on, code="date_invalid")
        member = locked.member
        if member.status != MemberStatus.ACTIVE:
            raise DisbursementRefused(
                _("Only an active member can receive a loan."), code="member_inactive"
            )
        sukarela = _sukarela_of(member.pk) if payout_to == LoanPayoutTo.SUKARELA else None
        if payout_to == LoanPayoutTo.SUKARELA and sukarela is None:
            raise DisbursementRefused(
                _("The member has no open simpanan sukarela account to pay into."),
                code="no_sukarela",
            )
        if sukarela is not None and day != business_today():
            # The savings service books today; a back-dated payout goes out in cash.
            raise DisbursementRefused(
                _("A payout into sukarela is made today; it cannot be back-dated."),
                code="date_invalid",
            )
        fees = locked.admin_fee + locked.provisi_fee
        payout = locked.amount - fees if fees_deducted else locked.amount
        number = member.member_number
        fee_lines = _fee_lines(locked, number)
        fees_entry: JournalEntry | None = None
        if sukarela is not None:
            # The savings service books debit 1103 / credit sukarela and moves the balance.
            deposit = savings_deposit(
                actor=actor,
                account=sukarela,
                amount=payout,
                idempotency_key=f"loan-{locked.pk}-disburse",
                cash_account_code=RECEIVABLE_ACCOUNT,
            )
            entry = deposit.journal_entry
            if fees > 0:
                source = RECEIVABLE_ACCOUNT if fees_deducted else cash
                fees_entry = journal_post(
                    actor=actor,
                    entry_date=day,
                    description=f"Biaya pinjaman #{locked.pk} {number}",
                    lines=[Line(source, debit=fees, member_ref=number), *fee_lines],
                    idempotency_key=f"loans:{locked.pk}:fees",
                    kind="loan_fees",
                )
        else:
            lines = [Line(RECEIVABLE_ACCOUNT, debit=locked.amount, member_ref=number)]
            if not fees_deducted and fees > 0:
                lines.append(Line(cash, debit=fees, member_ref=number))
            lines.append(Line(cash, credit=locked.amount if not fees_deducted else payout))
            lines += fee_lines
            entry = journal_post(
                actor=actor,
                entry_date=day,
                description=f"Pencairan pinjaman #{locked.pk} {number}",
                lines=lines,
                idempotency_key=f"loans:{locked.pk}:disburse",
                kind="loan_disburse",
            )
        planned = schedule_build(
            method=locked.interest_method,
            principal=locked.amount,
            annual_rate_percent=locked.annual_rate_percent,
            start=day,
            n=locked.term_months,
        )
        schedule_write(
            actor=actor,
            loan=locked,
            reason=LoanScheduleReason.ORIGINAL,
            start=day,
            principal=locked.amount,
            annual_rate_percent=locked.annual_rate_percent,
            rows=[Row.planned(item) for item in planned],
        )
        locked.status = LoanStatus.ACTIVE
        locked.disbursed_on = day
        locked.disbursed_by_id = actor_id(actor)
        locked.payout_to = payout_to
        locked.fees_deducted = fees_deducted
        locked.disbursement_entry = entry
        locked.fees_entry = fees_entry
        locked.principal_outstanding = locked.amount
        locked.save(
            update_fields=[
                "status",
                "disbursed_on",
                "disbursed_by_id",
                "payout_to",
                "fees_deducted",
                "disbursement_entry",
                "fees_entry",
                "principal_outstanding",
            ]
        )
        audit_record(
            actor=actor,
            action="loans.loan.disburse",
            obj=locked,
            summary=f"loan {locked.pk} {number} {payout_to}",
            data={
                "member": number,
                "amount": f"{locked.amount:.2f}",
                "payout": f"{payout:.2f}",
                "payout_to": payout_to,
                "fees_deducted": fees_deducted,
                "admin_fee": f"{locked.admin_fee:.2f}",
                "provisi_fee": f"{locked.provisi_fee:.2f}",
                "disbursed_on": day.isoformat(),
                "journal_entry": entry.pk,
                "fees_entry": fees_entry.pk if fees_entry else None,
                "first_due": planned[0].due_date.isoformat(),
                "instalment": f"{planned[0].total:.2f}",
            },
        )
    return locked
