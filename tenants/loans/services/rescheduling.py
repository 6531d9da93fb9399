"""Rescheduling (restrukturisasi): a committee decision that gives a running loan a new
schedule version from a day on; the old version is kept, unchanged, as the history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.loans.access import can_decide_loans
from tenants.loans.dues import dues_on
from tenants.loans.exceptions import RescheduleRefused
from tenants.loans.lock_objects import loan_lock
from tenants.loans.products import rate_check, term_check
from tenants.loans.schedule import schedule_build
from tenants.loans.services.common import (
    ZERO,
    Row,
    cooperative,
    current_schedule,
    day_check,
    loan_id_of,
    same_loan,
    schedule_write,
    text_check,
)
from tenants.loans.services.repayments import last_movement_on
from tenants.models import LoanInstalmentKind, LoanSchedule, LoanScheduleReason, LoanStatus


def loan_reschedule(
    *,
    actor: Any,
    loan: Any,
    term_months: int,
    reason: str,
    annual_rate_percent: Decimal | None = None,
    effective_on: date | None = None,
) -> LoanSchedule:
    """Give a running loan a new schedule from ``effective_on`` (today by default): the
    principal outstanding amortised over ``term_months`` (within the product's terms) at
    the current or a new rate (within the product's range), by the loan's method.

    What was owed stays owed: unpaid interest of instalments due by that day, plus the
    running period's interest (as on a payoff), becomes an interest-only instalment due
    that day; penalty accrued so far is carried (loan.penalty_carried). Settled and partly
    paid instalments are copied into the new version as paid, so each version shows the
    whole loan. No money moves, so nothing is posted. Only the committee (board or
    manager) may reschedule. Locks the loan row.
    """
    coop = cooperative()
    if not can_decide_loans(actor, coop):
        raise RescheduleRefused(
            _("Only the committee (the board or the manager) can reschedule a loan."),
            code="committee_role_required",
        )
    note = text_check(reason, limit=500, required=True, code="reason_invalid")
    loan_pk = loan_id_of(loan)
    with transaction.atomic():
        locked = same_loan(loan_lock(loan_pk), loan)
        if locked.status != LoanStatus.ACTIVE:
            raise RescheduleRefused(
                _("Only a running loan can be rescheduled; this one is %(status)s.")
                % {"status": locked.get_status_display()},
                code="loan_not_active",
            )
        if locked.principal_outstanding <= 0:
            raise RescheduleRefused(
                _("No principal is left to reschedule."), code="nothing_to_reschedule"
            )
        product = locked.product
        term = term_check(product, term_months)
        schedule, instalments = current_schedule(locked)
        rate = (
            schedule.annual_rate_percent
            if annual_rate_percent is None
            else rate_check(product, annual_rate_percent)
        )
        day = day_check(
            effective_on, earliest=last_movement_on(locked, schedule), code="date_invalid"
        )
        dues = dues_on(locked, instalments, day)
        # Settled rows as they are; a partly paid one closes with what was paid of it
        # (the rest of it is owed on in the arrears row and the new principal).
        kept = sorted(
            (
                i
                for i in instalments
                if i.settled_on is not None or i.principal_paid or i.interest_paid
            ),
            key=lambda i: i.number,
        )
        rows: list[Row] = []
        for number, inst in enumerate(kept, start=1):
            row = Row.copy_of(inst, number)
            if inst.settled_on is None:
                row = replace(
                    row, principal=inst.principal_paid, interest=inst.interest_paid, settled_on=day
                )
            rows.append(row)
        carried_interest = dues.interest_due + dues.running_interest
        if carried_interest > 0:
            rows.append(
                Row(
                    number=len(rows) + 1,
                    period_start=day,
                    due_date=day,
                    principal=ZERO,
                    interest=carried_interest,
                    kind=LoanInstalmentKind.ARREARS,
                )
            )
        planned = schedule_build(
            method=locked.interest_method,
            principal=locked.principal_outstanding,
            annual_rate_percent=rate,
            start=day,
            n=term,
            first_number=len(rows) + 1,
        )
        rows += [Row.planned(item) for item in planned]
        locked.penalty_carried += dues.penalty_accrued
        locked.save(update_fields=["penalty_carried"])
        new = schedule_write(
            actor=actor,
            loan=locked,
            reason=LoanScheduleReason.RESCHEDULE,
            start=day,
            principal=locked.principal_outstanding,
            annual_rate_percent=rate,
            rows=rows,
            carried_interest=carried_interest,
            note=note,
            previous=schedule,
        )
        audit_record(
            actor=actor,
            action="loans.loan.reschedule",
            obj=locked,
            summary=f"loan {locked.pk} v{new.version} {term} months",
            data={
                "loan": locked.pk,
                "member": locked.member.member_number,
                "version": new.version,
                "effective_on": day.isoformat(),
                "term_months": term,
                "rate_percent": f"{rate:.2f}",
                "principal": f"{locked.principal_outstanding:.2f}",
                "carried_interest": f"{carried_interest:.2f}",
                "penalty_carried": f"{locked.penalty_carried:.2f}",
                "reason": note,
            },
        )
    return new
