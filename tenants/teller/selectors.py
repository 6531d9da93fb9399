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
            "savings_transaction__account__product",
            "savings_transaction__account__member",
            "journal_entry",
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


@dataclass(frozen=True)
class OpenDrawer:
    """A teller's open drawer as the board sees it: who, since when, what should be in it."""

    drawer: CashDrawer
    teller_name: str
    deposits: Decimal
    withdrawals: Decimal
    count: int

    @property
    def expected(self) -> Decimal:
        return self.drawer.opening_count + self.deposits - self.withdrawals


def _names(user_ids: set[int]) -> dict[int, str]:
    """Display names of logins (identity lives in the public schema)."""
    from identity.models import User

    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in User.objects.filter(pk__in=user_ids)
    }


def drawers_open() -> list[OpenDrawer]:
    """Every open drawer of the cooperative, oldest first, with its totals (one query for
    the drawers and their sums, one for the tellers' names)."""
    drawers = list(
        CashDrawer.objects.filter(closed_at__isnull=True)
        .annotate(
            deposits=Sum("movements__amount", filter=Q(movements__amount__gt=0)),
            withdrawals=Sum("movements__amount", filter=Q(movements__amount__lt=0)),
            moves=Count("movements"),
        )
        .order_by("opened_at", "id")
    )
    names = _names({d.teller_id for d in drawers})
    return [
        OpenDrawer(
            drawer=d,
            teller_name=names.get(d.teller_id, f"#{d.teller_id}"),
            deposits=getattr(d, "deposits", None) or ZERO,
            withdrawals=-(getattr(d, "withdrawals", None) or ZERO),
            count=getattr(d, "moves", 0),
        )
        for d in drawers
    ]


def drawer_closers(drawers: list[CashDrawer]) -> dict[int, str]:
    """drawer id -> the name of whoever closed it, for the drawers closed by someone other
    than their teller (the board, for a teller who went home ill): from the audit rows the
    close wrote."""
    from audit.models import AuditEntry

    tellers = {d.pk: d.teller_id for d in drawers if d.closed_at is not None}
    if not tellers:
        return {}
    closed_by: dict[int, int] = {}
    for object_id, actor in AuditEntry.objects.filter(
        action="teller.drawer.close",
        object_type=CashDrawer._meta.label,
        object_id__in=[str(pk) for pk in tellers],
        actor_id__isnull=False,
    ).values_list("object_id", "actor_id"):
        pk = int(object_id)
        if actor is not None and actor != tellers[pk]:
            closed_by[pk] = actor
    names = _names(set(closed_by.values()))
    return {pk: names.get(actor, f"#{actor}") for pk, actor in closed_by.items()}


def teller_name(teller_id: int) -> str:
    return _names({teller_id}).get(teller_id, f"#{teller_id}")
