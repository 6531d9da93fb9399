"""Row locks of savings. A savings operation locks its account row first, then the ledger
takes its own locks (period, then balances by account id), always in that order."""

from __future__ import annotations

from tenants.models import SavingsAccount


def savings_account_lock(account_id: int) -> SavingsAccount | None:
    """The account row, locked FOR UPDATE until the transaction ends; None if missing."""
    return (
        SavingsAccount.objects.select_for_update(of=("self",))
        .select_related("product", "member")
        .filter(pk=account_id)
        .first()
    )
