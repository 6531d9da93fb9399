"""From application to decision: a loan is applied for (by staff, or by the member on their
phone), surveyed, then approved or rejected by someone other than the person who entered
it (maker-checker). The route, fast track or committee, is decision 0009."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.ledger.actors import actor_id
from tenants.ledger.periods import business_today
from tenants.loans.access import (
    can_apply_as_member,
    can_decide_fast_track,
    can_decide_loans,
    can_enter_loans,
)
from tenants.loans.exceptions import (
    ApplicationRefused,
    DecisionRefused,
    IdempotencyConflict,
    LoanInputInvalid,
)
from tenants.loans.lock_objects import loan_lock
from tenants.loans.products import (
    amount_check,
    amount_in_range,
    borrower_check,
    fast_track_check,
    fees_for,
    rate_check,
    security_check,
    term_check,
)
from tenants.loans.services.common import (
    cooperative,
    digest,
    key_check,
    loan_id_of,
    member_check,
    product_check,
    same_loan,
    text_check,
)
from tenants.models import (
    Loan,
    LoanChannel,
    LoanGuarantor,
    LoanProduct,
    LoanRoute,
    LoanStatus,
    LoanSurveyNote,
    Member,
)


@dataclass(frozen=True)
class GuarantorInput:
    full_name: str
    relation: str = ""
    member: Member | None = None


def _guarantors_check(
    guarantors: Sequence[GuarantorInput], borrower: Member
) -> list[tuple[str, str, Member | None]]:
    clean: list[tuple[str, str, Member | None]] = []
    for guarantor in guarantors:
        if not isinstance(guarantor, GuarantorInput):
            raise LoanInputInvalid(_("Enter each guarantor's name."), code="guarantor_invalid")
        name = text_check(guarantor.full_name, limit=200, required=True, code="guarantor_invalid")
        relation = text_check(
            guarantor.relation, limit=100, required=False, code="guarantor_invalid"
        )
        member = member_check(guarantor.member) if guarantor.member is not None else None
        if member is not None and member.pk == borrower.pk:
            raise ApplicationRefused(
                _("A member cannot guarantee their own loan."), code="guarantor_self"
            )
        clean.append((name, relation, member))
    return clean


def _applicant_check(actor: Any, channel: object, member: Member) -> None:
    coop = cooperative()
    if channel == LoanChannel.STAFF:
        if not can_enter_loans(actor, coop):
            raise ApplicationRefused(
                _("Only the cooperative's staff can enter a loan application."),
                code="not_staff",
            )
    elif channel == LoanChannel.MEMBER:
        if not can_apply_as_member(actor, coop, member.user_id):
            raise ApplicationRefused(
                _("A member can apply for a loan for themselves only."), code="not_own_member"
            )
    else:
        raise LoanInputInvalid(_("Choose staff or member as the channel."), code="channel_invalid")


def _repeat(key: str, request: str) -> Loan | None:
    existing = Loan.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.request_digest != request:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different application."),
            code="idempotency_conflict",
        )
    return existing


def loan_apply(
    *,
    actor: Any,
    channel: str,
    member: Member,
    product: LoanProduct,
    amount: Decimal,
    term_months: int,
    purpose: str,
    idempotency_key: str,
    annual_rate_percent: Decimal | None = None,
    collateral_description: str = "",
    collateral_value: Decimal | None = None,
    guarantors: Sequence[GuarantorInput] = (),
    officer_id: int | None = None,
) -> Loan:
    """Record a loan application for ``member`` on ``product``: entered by staff
    (``channel="staff"``, an actor who may write in this cooperative) or by the member
    from their phone (``channel="member"``, the member's own login).

    Checked before anything is written: the member is active and may borrow on this
    product; the principal is Decimal, whole rupiah, within the product's amounts; the
    term and rate (default: the product's usual rate) within its limits; collateral and
    guarantors where the product requires them. The terms (method, rate, fees, penalty)
    are copied from the product. The same key again returns the first application.
    """
    key = key_check(idempotency_key)
    current_member = member_check(member)
    _applicant_check(actor, channel, current_member)
    current_product = product_check(product)
    clean_amount = amount_check(amount, whole_rupiah=True)
    amount_in_range(current_product, clean_amount)
    term = term_check(current_product, term_months)
    rate = rate_check(
        current_product,
        current_product.annual_rate_percent if annual_rate_percent is None else annual_rate_percent,
    )
    clean_purpose = text_check(purpose, limit=500, required=True, code="purpose_invalid")
    collateral = text_check(
        collateral_description, limit=500, required=False, code="collateral_invalid"
    )
    value = amount_check(collateral_value) if collateral_value is not None else None
    people = _guarantors_check(guarantors, current_member)
    borrower_check(current_product, current_member)
    security_check(
        current_product,
        clean_amount,
        collateral_description=collateral,
        guarantors_count=len(people),
    )
    if officer_id is not None and (isinstance(officer_id, bool) or not isinstance(officer_id, int)):
        raise LoanInputInvalid(_("Choose the loan officer."), code="officer_invalid")
    request = digest(
        {
            "member": current_member.member_number,
            "product": current_product.code,
            "amount": f"{clean_amount:.2f}",
            "term": term,
            "rate": f"{rate:.2f}",
            "channel": channel,
        }
    )
    existing = _repeat(key, request)
    if existing is not None:
        return existing
    admin_fee, provisi_fee = fees_for(current_product, clean_amount)
    if admin_fee + provisi_fee >= clean_amount:
        raise ApplicationRefused(
            _("The fees would take the whole loan."), code="fees_exceed_principal"
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                member=current_member,
                product=current_product,
                channel=channel,
                status=LoanStatus.APPLIED,
                amount=clean_amount,
                term_months=term,
                annual_rate_percent=rate,
                interest_method=current_product.interest_method,
                admin_fee=admin_fee,
                provisi_fee=provisi_fee,
                penalty_percent_per_day=current_product.penalty_percent_per_day,
                penalty_grace_days=current_product.penalty_grace_days,
                purpose=clean_purpose,
                collateral_description=collateral,
                collateral_value=value,
                entered_by_id=actor_id(actor),
                officer_id=officer_id
                if officer_id is not None
                else (actor_id(actor) if channel == LoanChannel.STAFF else None),
                applied_on=business_today(),
                applied_at=now,
                idempotency_key=key,
                request_digest=request,
            )
            LoanGuarantor.objects.bulk_create(
                [
                    LoanGuarantor(loan=loan, full_name=name, relation=relation, member=guarantor)
                    for name, relation, guarantor in people
                ]
            )
            audit_record(
                actor=actor,
                action="loans.loan.apply",
                obj=loan,
                summary=f"{current_product.code} {current_member.member_number}",
                data={
                    "member": current_member.member_number,
                    "product": current_product.code,
                    "channel": channel,
                    "amount": f"{clean_amount:.2f}",
                    "term_months": term,
                    "rate_percent": f"{rate:.2f}",
                    "method": current_product.interest_method,
                    "admin_fee": f"{admin_fee:.2f}",
                    "provisi_fee": f"{provisi_fee:.2f}",
                    "guarantors": len(people),
                },
            )
    except IntegrityError:
        existing = _repeat(key, request)
        if existing is not None:
            return existing
        raise
    return loan


def _applied_locked(loan: Loan) -> Loan:
    locked = same_loan(loan_lock(loan_id_of(loan)), loan)
    if locked.status != LoanStatus.APPLIED:
        raise DecisionRefused(
            _("This loan has been decided already (%(status)s).")
            % {"status": locked.get_status_display()},
            code="loan_decided",
        )
    return locked


def loan_survey_note_add(*, actor: Any, loan: Loan, note: str) -> LoanSurveyNote:
    """Add what the survey found to an application still awaiting its decision."""
    coop = cooperative()
    if not can_enter_loans(actor, coop):
        raise DecisionRefused(
            _("Only the cooperative's staff can record a survey."), code="not_staff"
        )
    text = text_check(note, limit=5000, required=True, code="note_invalid")
    with transaction.atomic():
        locked = _applied_locked(loan)
        row = LoanSurveyNote.objects.create(
            loan=locked, note=text, recorded_by_id=actor_id(actor), recorded_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="loans.loan.survey",
            obj=locked,
            summary=f"survey loan {locked.pk}",
            data={"note_id": row.pk, "length": len(text)},
        )
    return row


def _decider_check(actor: Any, loan: Loan) -> str:
    """The route this decision takes, once the decider passes maker-checker and their role."""
    if not getattr(actor, "is_authenticated", False):
        raise DecisionRefused(_("A loan is decided by a signed-in person."), code="no_decider")
    if loan.member.user_id is not None and loan.member.user_id == actor.pk:
        raise DecisionRefused(_("Nobody can decide on their own loan."), code="own_loan")
    if loan.entered_by_id is not None and loan.entered_by_id == actor.pk:
        raise DecisionRefused(
            _("The person who entered a loan cannot decide on it (maker-checker)."),
            code="maker_checker",
        )
    coop = cooperative()
    today = business_today()
    fast = fast_track_check(
        product=loan.product,
        member=loan.member,
        amount=loan.amount,
        term_months=loan.term_months,
        on=today,
    )
    if fast.eligible and loan.applied_on == today:
        if not can_decide_fast_track(actor, coop):
            raise DecisionRefused(
                _("Only the cooperative's staff can decide a fast-track loan."),
                code="not_staff",
            )
        return LoanRoute.FAST_TRACK
    if not can_decide_loans(actor, coop):
        raise DecisionRefused(
            _("This loan needs the committee: the board or the manager decides it."),
            code="committee_role_required",
        )
    return LoanRoute.COMMITTEE


def _decide(*, actor: Any, loan: Loan, approve: bool, note: str) -> Loan:
    with transaction.atomic():
        locked = _applied_locked(loan)
        route = _decider_check(actor, locked)
        if approve and route == LoanRoute.COMMITTEE and not locked.survey_notes.exists():
            raise DecisionRefused(
                _("Record the survey before the committee approves the loan."),
                code="survey_missing",
            )
        locked.status = LoanStatus.APPROVED if approve else LoanStatus.REJECTED
        locked.route = route
        locked.decided_by_id = actor_id(actor)
        locked.decided_at = timezone.now()
        locked.decision_note = note
        if locked.officer_id is None:
            locked.officer_id = actor_id(actor)
        locked.save(
            update_fields=[
                "status",
                "route",
                "decided_by_id",
                "decided_at",
                "decision_note",
                "officer_id",
            ]
        )
        audit_record(
            actor=actor,
            action="loans.loan.approve" if approve else "loans.loan.reject",
            obj=locked,
            summary=f"{route} loan {locked.pk} {locked.member.member_number}",
            data={
                "member": locked.member.member_number,
                "route": route,
                "amount": f"{locked.amount:.2f}",
                "note": note,
            },
        )
    return locked


def loan_approve(*, actor: Any, loan: Loan, note: str = "") -> Loan:
    """Approve an application. Refused (nothing written): the person who entered it
    (maker-checker) or the borrower; on the committee route, anyone without the board or
    manager role, or before a survey note. A loan within the product's fast-track limits
    for a member in good standing, decided on the day it was applied for, may be approved
    by any staff member who may write (decision 0009). Locks the loan row."""
    text = text_check(note, limit=500, required=False, code="note_invalid")
    return _decide(actor=actor, loan=loan, approve=True, note=text)


def loan_reject(*, actor: Any, loan: Loan, reason: str) -> Loan:
    """Reject an application, with the reason the member will see; the same people as
    loan_approve may reject. Locks the loan row."""
    text = text_check(reason, limit=500, required=True, code="reason_invalid")
    return _decide(actor=actor, loan=loan, approve=False, note=text)


def loan_cancel(*, actor: Any, loan: Loan, reason: str) -> Loan:
    """Cancel an approved loan that was never paid out (the member no longer wants it, or
    is leaving): it ends as rejected, with the reason, and nothing was ever booked for it.
    The board or the manager decides it (as the committee route). Refused once paid out.
    Locks the loan row."""
    text = text_check(reason, limit=500, required=True, code="reason_invalid")
    if not getattr(actor, "is_authenticated", False) or not can_decide_loans(actor, cooperative()):
        raise DecisionRefused(
            _("Only the board or the manager can cancel an approved loan."),
            code="committee_role_required",
        )
    with transaction.atomic():
        locked = same_loan(loan_lock(loan_id_of(loan)), loan)
        if locked.status != LoanStatus.APPROVED:
            raise DecisionRefused(
                _(
                    "Only an approved loan that was not paid out can be cancelled "
                    "(it is %(status)s)."
                )
                % {"status": locked.get_status_display()},
                code="loan_not_cancellable",
            )
        locked.status = LoanStatus.REJECTED
        locked.decision_note = f"{locked.decision_note} / {text}".strip(" /")[:500]
        locked.save(update_fields=["status", "decision_note"])
        audit_record(
            actor=actor,
            action="loans.loan.cancel",
            obj=locked,
            summary=f"cancel loan {locked.pk} {locked.member.member_number}",
            data={"member": locked.member.member_number, "reason": text},
        )
    return locked
