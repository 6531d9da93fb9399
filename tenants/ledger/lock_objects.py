"""Row locks of the ledger, always taken in the same order: the fiscal period's row
(FOR SHARE, periods.period_lock_for_posting), then account balances by account id."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tenants.models import Account, AccountBalance


def balances_lock(account_codes: Iterable[str]) -> list[int]:
    """Lock the balance rows of these accounts FOR UPDATE in account-id order; return the
    ids locked. Two postings touching the same accounts queue on the lowest id first, so
    they can never deadlock each other. (Plain SQL: it runs in every posting, and the
    ORM's version of this query costs three times as much.)"""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT b.account_id FROM {AccountBalance._meta.db_table} b "
            f"JOIN {Account._meta.db_table} a ON a.id = b.account_id "
            "WHERE a.code = ANY(%s) ORDER BY b.account_id FOR UPDATE OF b",
            [sorted(set(account_codes))],
        )
        return [row[0] for row in cur.fetchall()]


def balance_lock(account_id: int) -> None:
    list(
        AccountBalance.objects.select_for_update()
        .filter(account_id=account_id)
        .values_list("account_id", flat=True)
    )
