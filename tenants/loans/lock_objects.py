"""Row locks of loans. A loan operation locks the loan row first; then, when money goes
into or out of savings, the savings account row (tenants.savings); then the ledger takes
its own locks (period, then balances by account id). Always in that order."""

from __future__ import annotations

from tenants.models import Loan


def loan_lock(loan_id: int) -> Loan | None:
    """The loan row, locked FOR UPDATE until the transaction ends; None if missing."""
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("product", "member")
        .filter(pk=loan_id)
        .first()
    )
