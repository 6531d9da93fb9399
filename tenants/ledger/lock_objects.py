"""Row locks of the ledger, always taken in the same order: the fiscal period's row
(FOR SHARE, periods.period_lock_for_posting), then account balances by account id."""

from __future__ import annotations

from collections.abc import Iterable

from tenants.models import AccountBalance


def balances_lock(account_codes: Iterable[str]) -> list[int]:
    """Lock the balance rows of these accounts FOR UPDATE in account-id order; return the
    ids locked. Two postings touching the same accounts queue on the lowest id first, so
    they can never deadlock each other."""
    return list(
        AccountBalance.objects.select_for_update(of=("self",))
        .filter(account__code__in=sorted(set(account_codes)))
        .order_by("account_id")
        .values_list("account_id", flat=True)
    )


def balance_lock(account_id: int) -> None:
    list(
        AccountBalance.objects.select_for_update()
        .filter(account_id=account_id)
        .values_list("account_id", flat=True)
    )
