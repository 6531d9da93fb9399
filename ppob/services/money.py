"""Money after a purchase's result, through the books' door (tenants.books) only.

Success:
  member's cooperative   sukarela: capture the hold (debit 2101 Simpanan Sukarela of the
                         member, credit 2111 Utang Antar Unit); cash: debit 1101 Kas, credit
                         2111. Either way the cooperative owes the head office the price.
                         A member's purchase is recorded as member business (kind "ppob").
  secondary cooperative  debit 1111 Piutang Koperasi Anggota (what the primary owes) =
                         price, credit 1110 Deposit PPOB (at the provider) = cost,
                         credit 4106 Pendapatan Komisi = margin.
  public schema          a SettlementLine: what the cooperative owes for the month.
Definite failure:
  member's cooperative   sukarela: release the hold. Cash: nothing was booked (the teller
                         gives the cash back).

Each step is one door call (its own short transaction, idempotent by a key made from the
purchase's ref_id) and is marked done on the purchase row, so a crash between steps is
finished later by the reconciliation sweep and nothing happens twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from registry.models import Cooperative, CooperativeKind, CooperativeStatus

from ppob.models import (
    PaymentMethod,
    Purchase,
    PurchaseStatus,
    ReviewReason,
    SettlementLine,
)
from ppob.services.review import review_add
from tenants import books
from tenants.models.books import MemberBusinessKind

logger = logging.getLogger(__name__)

CALLER = "ppob"
PRIMARY_CASH = "1101"  # Kas
PRIMARY_CLEARING = books.CLEARING_ACCOUNT  # 2111 Utang Antar Unit (Kliring Layanan Bersama)
# Accounts of tenants migration 0016_ppob_accounts.
SECONDARY_RECEIVABLE = "1111"  # Piutang Koperasi Anggota: the primary cooperatives owe it
SECONDARY_DEPOSIT = "1110"  # Deposit PPOB: the head office's deposit at the provider
SECONDARY_MARGIN = "4106"  # Pendapatan Komisi
SECONDARY_LOSS = "5302"  # Beban Lain-lain, should the provider charge more than the price
# Member business codes that mean "no SHU for this purchase", not "try again".
BUSINESS_SKIP = frozenset({"member_inactive", "member_unknown"})


class _NoSecondary(Exception):
    pass


def secondary_cooperative() -> Cooperative | None:
    """The secondary cooperative whose books take PPOB's cost and margin:
    PPOB_SECONDARY_SLUG, or the one active cooperative of kind "sekunder"."""
    slug = settings.PPOB_SECONDARY_SLUG
    if slug:
        return Cooperative.objects.filter(slug=slug, status=CooperativeStatus.ACTIVE).first()
    found = list(
        Cooperative.objects.filter(
            kind=CooperativeKind.SEKUNDER, status=CooperativeStatus.ACTIVE
        ).order_by("pk")[:2]
    )
    return found[0] if len(found) == 1 else None


def month_of(day: date) -> date:
    return day.replace(day=1)


def _mark(purchase_id: int, **values: object) -> None:
    """Record a money step as done, once (only where it is not done yet)."""
    field = next(iter(values))
    Purchase.objects.filter(pk=purchase_id, **{f"{field}__isnull": True}).update(**values)


def _description(purchase: Purchase) -> str:
    # No customer number: journal descriptions are shown to members and auditors.
    return f"PPOB {purchase.product_name} {purchase.ref_id}"[:190]


def _cost(purchase: Purchase) -> Decimal:
    return purchase.provider_price if purchase.provider_price is not None else purchase.cost


def _secondary_lines(purchase: Purchase) -> list[tuple[str, Decimal, Decimal]]:
    price, cost = purchase.price, _cost(purchase)
    margin = price - cost
    lines = [(SECONDARY_RECEIVABLE, price, Decimal("0"))]
    if cost > 0:
        lines.append((SECONDARY_DEPOSIT, Decimal("0"), cost))
    if margin > 0:
        lines.append((SECONDARY_MARGIN, Decimal("0"), margin))
    elif margin < 0:
        lines.append((SECONDARY_LOSS, -margin, Decimal("0")))
    return lines


def _success_steps(purchase: Purchase) -> None:
    coop = purchase.cooperative
    key = purchase.ref_id
    if purchase.payment_method == PaymentMethod.SUKARELA and purchase.money_captured_at is None:
        books.sukarela_capture(
            coop,
            CALLER,
            reservation_ref=purchase.reservation_ref,
            description=_description(purchase),
        )
        _mark(purchase.pk, money_captured_at=timezone.now())
    if purchase.payment_method == PaymentMethod.CASH and purchase.primary_entry_id is None:
        entry = books.intercooperative_entry_post(
            coop,
            CALLER,
            lines=[
                (PRIMARY_CASH, purchase.price, Decimal("0")),
                (PRIMARY_CLEARING, Decimal("0"), purchase.price),
            ],
            description=_description(purchase),
            idempotency_key=f"cash-{key}",
            entry_date=timezone.localdate(),
        )
        _mark(purchase.pk, primary_entry_id=entry.entry_id)
    if purchase.member_number and purchase.money_business_at is None:
        try:
            books.member_business_record(
                coop,
                CALLER,
                member_number=purchase.member_number,
                amount=purchase.price,
                kind=MemberBusinessKind.PPOB,
                reference=purchase.ref_id,
                idempotency_key=f"business-{key}",
                occurred_at=purchase.settled_at or timezone.now(),
            )
        except books.MemberUnavailable as exc:
            if exc.code not in BUSINESS_SKIP:
                raise
            logger.info("PPOB %s: no member business (%s)", key, exc.code)
        _mark(purchase.pk, money_business_at=timezone.now())
    if purchase.secondary_entry_id is None:
        secondary = secondary_cooperative()
        if secondary is None:
            raise _NoSecondary
        entry = books.intercooperative_entry_post(
            secondary,
            CALLER,
            lines=_secondary_lines(purchase),
            description=f"{_description(purchase)} {coop.slug}"[:190],
            idempotency_key=f"secondary-{key}",
            entry_date=timezone.localdate(),
        )
        _mark(purchase.pk, secondary_entry_id=entry.entry_id)
    _settlement_line(purchase)


def _settlement_line(purchase: Purchase) -> None:
    if SettlementLine.objects.filter(purchase_id=purchase.pk).exists():
        return
    settled = timezone.localdate(purchase.settled_at or timezone.now())
    cost = _cost(purchase)
    try:
        with transaction.atomic():
            SettlementLine.objects.create(
                purchase_id=purchase.pk,
                cooperative_id=purchase.cooperative_id,
                period=month_of(settled),
                amount=purchase.price,
                cost=cost,
                margin=purchase.price - cost,
                created_at=timezone.now(),
            )
    except IntegrityError:
        pass  # a twin settled it at the same moment


def purchase_money_settle(*, purchase_id: int) -> Purchase:
    """Do the money steps of a final purchase that are not done yet (see the module's
    docstring). Deliberately not atomic: each step is its own door transaction, marked
    done on the purchase, so this is safe to run twice or concurrently. A step the books
    refuse (e.g. a hold that expired before a late success) is recorded in
    ``money_error`` and goes to the review queue; the sweep leaves it to a person."""
    purchase = Purchase.objects.select_related("cooperative").get(pk=purchase_id)
    if purchase.status == PurchaseStatus.PENDING or purchase.money_settled_at is not None:
        return purchase
    try:
        if purchase.status == PurchaseStatus.SUCCESS:
            _success_steps(purchase)
        elif (
            purchase.payment_method == PaymentMethod.SUKARELA and purchase.money_released_at is None
        ):
            books.sukarela_release(
                purchase.cooperative, CALLER, reservation_ref=purchase.reservation_ref
            )
            _mark(purchase.pk, money_released_at=timezone.now())
    except (books.BooksError, _NoSecondary) as exc:
        code = getattr(exc, "code", "") or "no_secondary"
        message = (
            exc.messages[0] if isinstance(exc, books.BooksError) else "no secondary cooperative"
        )
        Purchase.objects.filter(pk=purchase_id).update(money_error=f"{code}: {message}"[:255])
        review_add(
            purchase_id=purchase_id,
            reason=ReviewReason.MONEY,
            detail={"code": code, "message": message, "status": purchase.status},
        )
        logger.error("PPOB %s: money step refused (%s)", purchase.ref_id, code)
        return Purchase.objects.get(pk=purchase_id)
    Purchase.objects.filter(pk=purchase_id, money_settled_at__isnull=True).update(
        money_settled_at=timezone.now(), money_error=""
    )
    return Purchase.objects.get(pk=purchase_id)


def money_due_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    """Final purchases whose money steps are not all done (a crash in between), and that
    no person is looking at."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Purchase.objects.filter(
            ~Q(status=PurchaseStatus.PENDING),
            money_settled_at__isnull=True,
            money_error="",
            settled_at__lte=cutoff,
        )
        .order_by("settled_at")
        .values_list("pk", flat=True)[:limit]
    )
