"""Writes to loans: each service checks everything it can before it writes, runs in one
transaction with its journal entries and audit rows, and leaves nothing behind when it
refuses (LoanError, or a LedgerError/SavingsError from the services it calls)."""

from tenants.loans.services.applications import (
    GuarantorInput,
    loan_apply,
    loan_approve,
    loan_cancel,
    loan_reject,
    loan_survey_note_add,
)
from tenants.loans.services.disbursement import loan_disburse
from tenants.loans.services.repayments import loan_repay
from tenants.loans.services.rescheduling import loan_reschedule

__all__ = [
    "GuarantorInput",
    "loan_apply",
    "loan_approve",
    "loan_cancel",
    "loan_disburse",
    "loan_reject",
    "loan_repay",
    "loan_reschedule",
    "loan_survey_note_add",
]
