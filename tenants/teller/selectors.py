"""Reads of the teller's desk (the current cooperative's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from tenants.models import SavingsAccount, SavingsKind, SavingsTransaction
from tenants.models.teller import CashDrawer, CashDrawerMovement

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DrawerTotals:
    deposits: Decimal
    withdrawals: Decimal
    count: int

    def expected(self, opening_count: Decimal) -> Decimal:
        return opening_count + self.deposits - self.withdrawals


def drawer_open_of(teller_id: int | None) -> CashDrawer | None:
    if teller_id is None:
        return None
    return CashDrawer.objects.filter(teller_id=teller_id, closed_at__isnull=True).first()


def drawer_totals(drawer: CashDrawer) -> DrawerTotals:
    found = CashDrawerMovement.objects.filter(drawer=drawer).aggregate(
        deposits=Sum("amount", filter=Q(amount__gt=0)),
        withdrawals=Sum("amount", filter=Q(amount__lt=0)),
        count=Count("id"),
    )
    return DrawerTotals(
        deposits=found["deposits"] or ZERO,
        withdrawals=-(found["withdrawals"] or ZERO),
        count=found["count"],
    )


def drawers_recent(teller_id: int | None, *, limit: int = 10) -> list[CashDrawer]:
    if teller_id is None:
        return []
    return list(CashDrawer.objects.filter(teller_id=teller_id, closed_at__isnull=False)[:limit])


def drawer_movements(drawer: CashDrawer) -> list[CashDrawerMovement]:
    return list(
        CashDrawerMovement.objects.filter(drawer=drawer)
        .select_related(
            "savings_transaction__account__product", "savings_transaction__account__member"
        )
        .order_by("-id")
    )


def teller_accounts_of(member_id: int, *, withdrawable: bool = False) -> list[SavingsAccount]:
    """The member's open accounts the desk can take money into (or pay out of: sukarela)."""
    found = SavingsAccount.objects.filter(member_id=member_id, closed_at__isnull=True)
    if withdrawable:
        found = found.filter(kind=SavingsKind.SUKARELA)
    return list(found.select_related("product").order_by("product__code", "id"))


def teller_transaction_get(pk: int) -> SavingsTransaction | None:
    return (
        SavingsTransaction.objects.filter(pk=pk, drawer_movement__isnull=False)
        .select_related("account__product", "account__member", "journal_entry", "drawer_movement")
        .first()
    )
