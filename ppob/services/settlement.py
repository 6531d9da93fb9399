"""The per-cooperative settlement ledger: what each cooperative owes the head office for
its members' and shoppers' PPOB purchases, month by month. Central billing reads closed
settlements (``billed_at`` is theirs to set)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from registry.models import Cooperative

from ppob.exceptions import SettlementRefused
from ppob.models import Settlement, SettlementLine
from ppob.services.money import month_of


def settlement_close(*, actor: Any, cooperative: Cooperative, period: date) -> Settlement:
    """Close a month that is over for a cooperative: every settlement line not yet in a
    settlement, of that month or before (a late one), joins it, and the totals are summed.
    One transaction; closing the same month again returns the same settlement, and a line
    that comes later goes into the next month's."""
    month = month_of(period)
    if month >= month_of(timezone.localdate()):
        raise SettlementRefused(_("Only a month that is over can be closed."), code="month_open")
    found = Settlement.objects.filter(cooperative=cooperative, period=month).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            settlement = Settlement.objects.create(
                cooperative=cooperative,
                period=month,
                closed_at=timezone.now(),
                closed_by_id=getattr(actor, "pk", None),
            )
            SettlementLine.objects.filter(
                cooperative=cooperative, settlement__isnull=True, period__lte=month
            ).update(settlement=settlement)
            totals = SettlementLine.objects.filter(settlement=settlement).aggregate(
                n=Count("id"), amount=Sum("amount"), cost=Sum("cost"), margin=Sum("margin")
            )
            zero = Decimal("0.00")
            settlement.purchases = totals["n"] or 0
            settlement.amount = totals["amount"] or zero
            settlement.cost = totals["cost"] or zero
            settlement.margin = totals["margin"] or zero
            settlement.save(update_fields=["purchases", "amount", "cost", "margin"])
            audit_record(
                actor=actor,
                action="ppob.settlement.close",
                obj=settlement,
                summary=f"{cooperative.slug} {month:%Y-%m} {settlement.amount}",
                data={"purchases": settlement.purchases, "amount": f"{settlement.amount}"},
            )
    except IntegrityError:
        return Settlement.objects.get(cooperative=cooperative, period=month)
    return settlement


def settlements_close_month(*, actor: Any, period: date) -> list[Settlement]:
    """Close ``period`` for every cooperative that has unsettled lines up to it."""
    month = month_of(period)
    ids = (
        SettlementLine.objects.filter(settlement__isnull=True, period__lte=month)
        .values_list("cooperative_id", flat=True)
        .distinct()
    )
    return [
        settlement_close(actor=actor, cooperative=coop, period=month)
        for coop in Cooperative.objects.filter(pk__in=list(ids)).order_by("pk")
    ]
