"""Wajib arrears: what a member owes of simpanan wajib (due every month from the month
they joined, Asia/Jakarta) against what they have paid. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from tenants.ledger.periods import day_bounds
from tenants.models import (
    Member,
    MemberStatus,
    SavingsAccount,
    SavingsKind,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class WajibArrears:
    member_id: int
    member_number: str
    monthly_amount: Decimal
    months_due: int
    amount_due: Decimal
    paid: Decimal
    amount: Decimal  # in arrears: amount_due - paid, never negative
    months: int  # whole months in arrears (a part-paid month counts)


# Months due = months from the join month to as_of's month, both included. The monthly
# amount is that of the member's wajib product, else of the cooperative's active wajib
# product (the first by code).
_SQL = """
WITH default_wajib AS (
    SELECT amount FROM {product} WHERE kind = %(wajib)s AND is_active ORDER BY code LIMIT 1
), paid AS (
    SELECT a.member_id,
           min(p.amount) AS monthly,
           coalesce(sum(CASE WHEN t.kind = %(deposit)s THEN t.amount ELSE -t.amount END)
                    FILTER (WHERE t.created_at < %(end_ts)s), 0) AS paid
    FROM {account} a
    JOIN {product} p ON p.id = a.product_id
    LEFT JOIN {txn} t ON t.account_id = a.id
    WHERE a.kind = %(wajib)s
    GROUP BY a.member_id
), due AS (
    SELECT m.id, m.member_number,
           coalesce(paid.monthly, (SELECT amount FROM default_wajib)) AS monthly,
           greatest(0, (%(year)s * 12 + %(month)s)
                - (extract(year FROM m.join_date)::int * 12 + extract(month FROM m.join_date)::int)
                + 1) AS months_due,
           coalesce(paid.paid, 0) AS paid
    FROM {member} m LEFT JOIN paid ON paid.member_id = m.id
    WHERE (%(member_id)s::bigint IS NULL AND m.status = %(active)s) OR m.id = %(member_id)s
)
SELECT id, member_number, monthly, months_due, months_due * monthly AS amount_due, paid
FROM due
WHERE monthly IS NOT NULL
  AND (%(member_id)s::bigint IS NOT NULL OR months_due * monthly > paid)
ORDER BY member_number
"""


def _rows(as_of: date, member_id: int | None) -> list[WajibArrears]:
    sql = _SQL.format(
        product=SavingsProduct._meta.db_table,
        account=SavingsAccount._meta.db_table,
        txn=SavingsTransaction._meta.db_table,
        member=Member._meta.db_table,
    )
    params: dict[str, Any] = {
        "wajib": SavingsKind.WAJIB,
        "deposit": SavingsTransactionKind.DEPOSIT,
        "end_ts": day_bounds(as_of)[1],
        "year": as_of.year,
        "month": as_of.month,
        "member_id": member_id,
        "active": MemberStatus.ACTIVE,
    }
    found = []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for pk, number, monthly, months_due, amount_due, paid in cur.fetchall():
            amount = max(ZERO, amount_due - paid)
            months = int(-(-amount // monthly)) if monthly > 0 else 0
            found.append(
                WajibArrears(pk, number, monthly, months_due, amount_due, paid, amount, months)
            )
    return found


def wajib_arrears(member: Member, as_of: date) -> WajibArrears | None:
    """One member's wajib position on ``as_of`` (None when no wajib product exists)."""
    rows = _rows(as_of, member.pk)
    return rows[0] if rows else None


def wajib_arrears_report(as_of: date) -> list[WajibArrears]:
    """Every active member in arrears on ``as_of``, by member number. One statement."""
    return _rows(as_of, None)
