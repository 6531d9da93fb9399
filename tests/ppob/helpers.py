"""Helpers of the PPOB tests: buying through the services, and reading what the books'
door wrote in a cooperative's schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from audit.models import AuditEntry
from django_tenants.utils import tenant_context

from ppob.models import Purchase
from ppob.services.purchases import Created, purchase_create
from tenants.models import JournalEntry
from tenants.models.books import MemberBusiness, SavingsReservation
from tests.ppob.conftest import OK_NUMBER, key


def buy(
    coop: Any,
    account: Any = None,
    *,
    number: str = OK_NUMBER,
    sku: str = "xl10",
    payment: str = "sukarela",
    request_key: str | None = None,
    **fields: Any,
) -> Created:
    fields.setdefault("member_number", account.member.member_number if account is not None else "")
    return purchase_create(
        actor=None,
        cooperative=coop,
        request_key=request_key or key(),
        sku=sku,
        customer_no=number,
        payment_method=payment,
        **fields,
    )


def fresh(purchase: Purchase) -> Purchase:
    return Purchase.objects.get(pk=purchase.pk)


def hold(coop: Any, purchase: Purchase) -> SavingsReservation:
    with tenant_context(coop):
        return SavingsReservation.objects.get(reference=purchase.reservation_ref)


def door_audits(coop: Any, action: str, purchase: Purchase) -> int:
    """How many times the door did ``action`` on the purchase's hold."""
    with tenant_context(coop):
        reservation = SavingsReservation.objects.get(reference=purchase.reservation_ref)
        return AuditEntry.objects.filter(action=action, object_id=str(reservation.pk)).count()


def business(coop: Any, purchase: Purchase) -> list[tuple[str, Decimal, str]]:
    with tenant_context(coop):
        return list(
            MemberBusiness.objects.filter(reference=purchase.ref_id).values_list(
                "member__member_number", "amount", "kind"
            )
        )


def entry_lines(coop: Any, entry_id: int | None) -> list[tuple[str, Decimal, Decimal]]:
    assert entry_id is not None
    with tenant_context(coop):
        entry = JournalEntry.objects.get(pk=entry_id)
        return [
            (p.account.code, p.debit, p.credit)
            for p in entry.postings.select_related("account").order_by("line_no")
        ]


def entries_about(coop: Any, purchase: Purchase) -> int:
    with tenant_context(coop):
        return JournalEntry.objects.filter(description__contains=purchase.ref_id).count()
