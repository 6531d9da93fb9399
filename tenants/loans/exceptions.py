"""Refusals of loan operations: a translated message (English msgid) and a stable code.
A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class LoanError(RefusedError):
    """A loan operation refused. ``code`` says which rule."""

    default_code = "loan"


class LoanInputInvalid(LoanError):
    """An amount, rate, term, date or key that is malformed or out of range."""

    default_code = "loan_input_invalid"


class ApplicationRefused(LoanError):
    default_code = "application_refused"


class DecisionRefused(LoanError):
    """Approval, rejection or survey refused: the wrong person, role or state."""

    default_code = "decision_refused"


class DisbursementRefused(LoanError):
    default_code = "disbursement_refused"


class RepaymentRefused(LoanError):
    default_code = "repayment_refused"


class RescheduleRefused(LoanError):
    default_code = "reschedule_refused"


class AgingRefused(LoanError):
    default_code = "aging_refused"


class IdempotencyConflict(LoanError):
    default_code = "idempotency_conflict"
