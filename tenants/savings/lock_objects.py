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


def savings_accounts_lock(
    account_ids: list[int], *, related: bool = True
) -> dict[int, SavingsAccount]:
    """Many account rows, locked FOR UPDATE in id order (so two collective operations
    never deadlock), with product and member unless ``related=False``; missing ids are
    absent from the result."""
    rows = (
        SavingsAccount.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(account_ids)))
        .order_by("pk")
    )
    if related:
        rows = rows.select_related("product", "member")
    return {row.pk: row for row in rows}
