"""Buying: prepaid products and postpaid bills, paid from simpanan sukarela (a hold in
the member's cooperative, through tenants.books) or in cash at a teller.

    purchase_create / postpaid_purchase_create   checks, then ONE short transaction: the
        purchase row (ref_id unique) and, for sukarela, the hold. Nothing is written
        when a check or the hold refuses. The provider is called later, by a Celery task
        enqueued on commit (purchase_submit), never inside a transaction.
    purchase_submit    the first provider call (claimed by compare-and-swap on attempts,
        committed before the call, so a crash after it is seen as "maybe sent").
    purchase_check     a later call (status check; for prepaid the same transaction again,
        for postpaid status-pasca: a pay command is never sent twice), at most once per
        PPOB_RECHECK_COOLDOWN_SECONDS.
Results go through ppob.services.results.purchase_result_apply.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from audit.services import audit_record
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context
from registry.models import Cooperative, CooperativeKind, CooperativeStatus

from ppob.customer_numbers import customer_number_check
from ppob.exceptions import (
    IdempotencyConflict,
    InquiryRefused,
    PaymentRefused,
    ProductUnavailable,
    RequestInvalid,
)
from ppob.models import (
    Channel,
    Inquiry,
    InquiryStatus,
    PaymentMethod,
    PriceTier,
    Product,
    ProductKind,
    Purchase,
    PurchaseStatus,
    ReviewReason,
)
from ppob.providers import provider_get, provider_name
from ppob.providers.base import Outcome, TransactionResult
from ppob.services.deposit import deposit_check
from ppob.services.pricing import postpaid_price, product_sellable_check
from ppob.services.results import Applied, purchase_result_apply
from ppob.services.review import review_add
from tenants import books

CALLER = "ppob"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{7,99}$")
# The books' door holds an amount for at most 7 days: as long as a purchase may stay pending.
HOLD_SECONDS = 7 * 24 * 3600
SHOPPER_MAX = 100


@dataclass(frozen=True)
class Created:
    purchase: Purchase
    created: bool  # False: the same request key was seen before; this is that purchase


# --- checks (no writes) ---------------------------------------------------------------------


def ref_id_for(cooperative: Cooperative, request_key: str, kind: str) -> str:
    """Our ref_id at the provider: derived from the cooperative and the caller's request
    key, so the same request always names the same transaction (and two cooperatives'
    keys never collide). 26 characters, letters and digits."""
    digest = hashlib.sha256(f"{kind}:{cooperative.pk}:{request_key}".encode()).digest()
    return ("KF" + base64.b32encode(digest).decode()[:24]).upper()


def _request_key(value: object) -> str:
    key = value.strip() if isinstance(value, str) else ""
    if not KEY_PATTERN.fullmatch(key):
        raise RequestInvalid(
            _("A request key of 8 to 100 letters, digits, dots, dashes or colons is required."),
            code="key_invalid",
        )
    return key


def _cooperative(cooperative: object) -> Cooperative:
    if (
        not isinstance(cooperative, Cooperative)
        or cooperative.pk is None
        or cooperative.kind == CooperativeKind.PLATFORM
        or cooperative.schema_name == get_public_schema_name()
    ):
        raise RequestInvalid(_("Choose a cooperative."), code="cooperative_invalid")
    if cooperative.status != CooperativeStatus.ACTIVE:
        raise RequestInvalid(
            _("This cooperative is not active, so it cannot sell."), code="cooperative_inactive"
        )
    return cooperative


def _payment(method: object, member_number: str) -> str:
    if method not in PaymentMethod.values:
        raise PaymentRefused(_("Choose sukarela savings or cash."), code="payment_invalid")
    if method == PaymentMethod.SUKARELA and not member_number:
        raise PaymentRefused(
            _("Only a member can pay from simpanan sukarela; a shopper pays cash."),
            code="sukarela_needs_member",
        )
    return str(method)


def _member(cooperative: Cooperative, member_number: object) -> str:
    """The active member's number, or "" for a shopper without membership."""
    number = member_number.strip() if isinstance(member_number, str) else ""
    if not number:
        return ""
    ref = books.member_find(cooperative, CALLER, member_number=number)
    if ref is None:
        raise PaymentRefused(
            _("There is no such member in this cooperative."), code="member_unknown"
        )
    if ref.status != "active":
        raise PaymentRefused(_("This member is not active."), code="member_inactive")
    return ref.member_number


def _shopper(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if len(text) > SHOPPER_MAX:
        raise RequestInvalid(_("The shopper's name is too long."), code="shopper_invalid")
    return text


def _product(sku: object) -> Product:
    code = sku.strip() if isinstance(sku, str) else ""
    product = Product.objects.filter(provider=provider_name(), sku=code).first() if code else None
    if product is None:
        raise ProductUnavailable(_("There is no such product."), code="product_unknown")
    return product


def _digest(document: dict[str, Any]) -> str:
    text = "|".join(f"{k}={document[k]}" for k in sorted(document))
    return hashlib.sha256(text.encode()).hexdigest()


def _repeat(model: Any, cooperative: Cooperative, key: str, digest: str) -> Any:
    found = model.objects.filter(cooperative=cooperative, request_key=key).first()
    if found is not None and found.request_digest != digest:
        raise IdempotencyConflict(
            _("This request key was already used for a different request."),
            code="idempotency_conflict",
        )
    return found


def _enqueue_submit(purchase_id: int) -> None:
    from ppob.tasks import enqueue, purchase_submit_task

    transaction.on_commit(lambda: enqueue(purchase_submit_task, purchase_id=purchase_id))


def _audit(actor: Any, action: str, obj: Any, summary: str, data: dict[str, Any]) -> None:
    # PPOB's own audit rows belong to the head office's log (the public schema), whatever
    # host the request came through; the books' door writes the cooperative's.
    with schema_context(get_public_schema_name()):
        audit_record(actor=actor, action=action, obj=obj, summary=summary, data=data)


# --- purchases --------------------------------------------------------------------------


def _insert(
    *,
    actor: Any,
    fields: dict[str, Any],
    hold: bool,
) -> Created:
    """The purchase row and, for sukarela, the hold in the member's cooperative, in ONE
    short transaction: a refused hold leaves no purchase, and a purchase never exists
    without its hold. Locks the member's sukarela account row (through the door) for the
    length of this transaction only; no provider is called here."""
    cooperative: Cooperative = fields["cooperative"]
    try:
        with transaction.atomic():
            purchase = Purchase.objects.create(**fields)
            if hold:
                ref = books.sukarela_reserve(
                    cooperative,
                    CALLER,
                    member_number=purchase.member_number,
                    amount=purchase.price,
                    idempotency_key=f"hold-{purchase.ref_id}",
                    ttl_seconds=HOLD_SECONDS,
                )
                purchase.reservation_ref = ref.reference
                purchase.save(update_fields=["reservation_ref"])
            _audit(
                actor,
                "ppob.purchase.create",
                purchase,
                f"{cooperative.slug} {purchase.sku} {purchase.ref_id}",
                {
                    "cooperative": cooperative.slug,
                    "sku": purchase.sku,
                    "price": f"{purchase.price}",
                    "payment": purchase.payment_method,
                    "member": purchase.member_number,
                },
            )
            _enqueue_submit(purchase.pk)
    except books.ReservationRefused as exc:
        if exc.code == "insufficient_balance":
            raise PaymentRefused(
                _("The member's available sukarela balance is not enough."),
                code="insufficient_balance",
            ) from exc
        raise PaymentRefused(exc.messages[0], code=exc.code) from exc
    except IntegrityError:
        existing = Purchase.objects.filter(
            Q(ref_id=fields["ref_id"])
            | Q(cooperative=cooperative, request_key=fields["request_key"])
        ).first()
        if existing is None:
            raise
        if existing.request_digest != fields["request_digest"]:
            raise IdempotencyConflict(
                _("This request key was already used for a different request."),
                code="idempotency_conflict",
            ) from None
        return Created(existing, False)
    return Created(purchase, True)


def purchase_create(
    *,
    actor: Any,
    cooperative: Cooperative,
    request_key: str,
    sku: str,
    customer_no: str,
    payment_method: str,
    member_number: str = "",
    shopper_name: str = "",
    channel: str = Channel.TELLER,
) -> Created:
    """Sell a prepaid product. Checks the request, the product (active, in stock, outside
    its cut-off, priced at least at cost), the customer number, the member and the
    deposit before anything is written; then the purchase and its hold in one short
    transaction (see _insert), and the provider call is enqueued on commit. The same
    request key again returns the first purchase (``created`` False) and writes nothing."""
    coop = _cooperative(cooperative)
    key = _request_key(request_key)
    number_in = member_number.strip() if isinstance(member_number, str) else ""
    shopper = _shopper(shopper_name)
    method = _payment(payment_method, number_in)
    product = _product(sku)
    number = customer_number_check(category=product.category, brand=product.brand, raw=customer_no)
    digest = _digest(
        {
            "kind": "prepaid",
            "sku": product.sku,
            "customer": number,
            "payment": method,
            "member": number_in,
            "shopper": shopper,
        }
    )
    repeated = _repeat(Purchase, coop, key, digest)
    if repeated is not None:
        return Created(repeated, False)
    if product.kind != ProductKind.PREPAID:
        raise ProductUnavailable(
            _("A bill is paid after its inquiry; ask for the bill first."), code="product_postpaid"
        )
    member = _member(coop, number_in)
    tier = PriceTier.MEMBER if member else PriceTier.NONMEMBER
    price = product_sellable_check(product, tier=tier, provider=provider_name())
    assert price is not None  # prepaid products always have one when sellable
    deposit_check(product.cost)
    return _insert(
        actor=actor,
        hold=method == PaymentMethod.SUKARELA,
        fields={
            "ref_id": ref_id_for(coop, key, "purchase"),
            "request_key": key,
            "request_digest": digest,
            "cooperative": coop,
            "member_number": member,
            "shopper_name": shopper,
            "product": product,
            "kind": ProductKind.PREPAID,
            "sku": product.sku,
            "product_name": product.name,
            "category": product.category,
            "customer_no": number,
            "price_tier": tier,
            "price": price,
            "cost": product.cost,
            "payment_method": method,
            "channel": channel if channel in Channel.values else Channel.TELLER,
            "created_by_id": getattr(actor, "pk", None),
            "created_at": timezone.now(),
        },
    )


# --- postpaid ---------------------------------------------------------------------------


def inquiry_valid_until(created_at: datetime) -> datetime:
    """The end of the WIB day or PPOB_INQUIRY_VALID_MINUTES later, whichever is first."""
    local = timezone.localtime(created_at)
    day_end = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return min(day_end, local + timedelta(minutes=settings.PPOB_INQUIRY_VALID_MINUTES))


def inquiry_create(
    *,
    actor: Any,
    cooperative: Cooperative,
    request_key: str,
    sku: str,
    customer_no: str,
    member_number: str = "",
) -> Inquiry:
    """Look a postpaid bill up (inq-pasca). The inquiry row is claimed first (its ref_id
    unique, so a repeated request never asks twice), the provider is asked outside any
    transaction, and the answer kept: the bill, its period, admin fee, penalty and our
    price for the member or non-member. No money moves."""
    coop = _cooperative(cooperative)
    key = _request_key(request_key)
    product = _product(sku)
    number = customer_number_check(category=product.category, brand=product.brand, raw=customer_no)
    number_in = member_number.strip() if isinstance(member_number, str) else ""
    digest = _digest(
        {"kind": "inquiry", "sku": product.sku, "customer": number, "member": number_in}
    )
    repeated = _repeat(Inquiry, coop, key, digest)
    if repeated is not None:
        return repeated
    if product.kind != ProductKind.POSTPAID:
        raise ProductUnavailable(
            _("This product is bought directly, without an inquiry."), code="product_prepaid"
        )
    member = _member(coop, number_in)
    tier = PriceTier.MEMBER if member else PriceTier.NONMEMBER
    product_sellable_check(product, tier=tier, provider=provider_name())
    now = timezone.now()
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.create(
                ref_id=ref_id_for(coop, key, "inquiry"),
                request_key=key,
                request_digest=digest,
                cooperative=coop,
                member_number=member,
                product=product,
                customer_no=number,
                price_tier=tier,
                created_by_id=getattr(actor, "pk", None),
                created_at=now,
                valid_until=inquiry_valid_until(now),
            )
    except IntegrityError:
        found = _repeat(Inquiry, coop, key, digest)
        if found is None:
            raise
        return found
    answer = provider_get().postpaid_inquiry(
        sku=product.sku, customer_no=number, ref_id=inquiry.ref_id
    )
    values: dict[str, Any] = {"rc": answer.rc[:4], "message": answer.message[:255]}
    price = (
        postpaid_price(product, answer.selling_price, tier)
        if answer.outcome == Outcome.SUCCESS
        else None
    )
    if answer.outcome == Outcome.SUCCESS and price is not None and price >= answer.price:
        values.update(
            status=InquiryStatus.OPEN,
            customer_name=answer.customer_name,
            period=answer.period,
            bill=answer.bill,
            admin=answer.admin,
            penalty=answer.penalty,
            cost=answer.price,
            price=price,
            details=dict(answer.details),
        )
    else:
        values["status"] = InquiryStatus.FAILED
        if answer.outcome == Outcome.PENDING:
            values["message"] = (answer.message or f"no answer ({answer.reason})")[:255]
        elif answer.outcome == Outcome.SUCCESS:
            values["message"] = "no selling price" if price is None else "price below cost"
    Inquiry.objects.filter(pk=inquiry.pk, status=InquiryStatus.PENDING).update(**values)
    return Inquiry.objects.get(pk=inquiry.pk)


def postpaid_purchase_create(
    *,
    actor: Any,
    cooperative: Cooperative,
    request_key: str,
    inquiry_ref: str,
    payment_method: str,
    shopper_name: str = "",
    channel: str = Channel.TELLER,
) -> Created:
    """Pay a bill found by an open inquiry of this cooperative, within its validity, at
    its price. The purchase takes the inquiry's ref_id (the protocol pays with the same
    one), so one inquiry is paid at most once: paying it again returns that purchase."""
    coop = _cooperative(cooperative)
    key = _request_key(request_key)
    shopper = _shopper(shopper_name)
    ref = inquiry_ref.strip() if isinstance(inquiry_ref, str) else ""
    inquiry = (
        Inquiry.objects.select_related("product").filter(ref_id=ref, cooperative=coop).first()
        if ref
        else None
    )
    if inquiry is None:
        raise InquiryRefused(_("There is no such bill inquiry here."), code="inquiry_unknown")
    existing = Purchase.objects.filter(ref_id=inquiry.ref_id).first()
    if existing is not None:
        return Created(existing, False)
    method = _payment(payment_method, inquiry.member_number)
    digest = _digest(
        {"kind": "postpaid", "inquiry": inquiry.ref_id, "payment": method, "shopper": shopper}
    )
    repeated = _repeat(Purchase, coop, key, digest)
    if repeated is not None:
        return Created(repeated, False)
    if inquiry.status != InquiryStatus.OPEN:
        raise InquiryRefused(_("This inquiry found no bill to pay."), code="inquiry_failed")
    if inquiry.valid_until <= timezone.now():
        raise InquiryRefused(
            _("This bill inquiry has expired; look the bill up again."), code="inquiry_expired"
        )
    product = inquiry.product
    product_sellable_check(product, tier=inquiry.price_tier, provider=provider_name())
    member = _member(coop, inquiry.member_number)
    deposit_check(inquiry.cost)
    return _insert(
        actor=actor,
        hold=method == PaymentMethod.SUKARELA,
        fields={
            "ref_id": inquiry.ref_id,
            "request_key": key,
            "request_digest": digest,
            "cooperative": coop,
            "member_number": member,
            "shopper_name": shopper,
            "product": product,
            "inquiry": inquiry,
            "kind": ProductKind.POSTPAID,
            "sku": product.sku,
            "product_name": product.name,
            "category": product.category,
            "customer_no": inquiry.customer_no,
            "price_tier": inquiry.price_tier,
            "price": inquiry.price,
            "cost": inquiry.cost,
            "payment_method": method,
            "channel": channel if channel in Channel.values else Channel.TELLER,
            "created_by_id": getattr(actor, "pk", None),
            "created_at": timezone.now(),
        },
    )


# --- talking to the provider ------------------------------------------------------------


def _call(purchase: Purchase, *, first_contact: bool) -> TransactionResult:
    """One provider call about the purchase, outside any transaction."""
    if transaction.get_connection().in_atomic_block and not getattr(settings, "TESTING", False):
        raise RuntimeError("the provider is never called inside a database transaction")
    provider = provider_get()
    if purchase.kind == ProductKind.PREPAID:
        # For prepaid, the same transaction again with the same ref_id is the status check.
        return provider.topup(
            sku=purchase.sku,
            customer_no=purchase.customer_no,
            ref_id=purchase.ref_id,
            max_price=purchase.price,
        )
    if first_contact:
        inquiry = purchase.inquiry
        if inquiry is None or inquiry.valid_until <= timezone.now():
            return TransactionResult(
                Outcome.FAILED,
                purchase.ref_id,
                message="inquiry expired before the payment was sent",
                reason="inquiry_expired",
            )
        return provider.postpaid_pay(
            sku=purchase.sku, customer_no=purchase.customer_no, ref_id=purchase.ref_id
        )
    # Never a second pay command: ask for the status of the first.
    return provider.postpaid_status(
        sku=purchase.sku, customer_no=purchase.customer_no, ref_id=purchase.ref_id
    )


def purchase_submit(*, purchase_id: int) -> str:
    """The first provider call for a purchase. Deliberately not atomic: the claim
    (attempts 0 -> 1, last contact now) commits before the call, so whoever comes later
    (a redelivered task after a crash, the reconciliation job) knows the call may have
    been made and only asks for the status, after the cooldown. Returns what happened:
    "success", "failed", "pending", or what purchase_check returns if the purchase was
    already claimed."""
    now = timezone.now()
    claimed = Purchase.objects.filter(
        pk=purchase_id, status=PurchaseStatus.PENDING, attempts=0
    ).update(attempts=1, last_contact_at=now)
    if not claimed:
        return purchase_check(purchase_id=purchase_id)
    purchase = Purchase.objects.select_related("inquiry").get(pk=purchase_id)
    result = _call(purchase, first_contact=True)
    return purchase_result_apply(
        purchase_id=purchase_id, result=result, source="sync", first_contact=True
    ).outcome


def purchase_check(*, purchase_id: int, source: str = "reconcile") -> str:
    """A later call about a pending purchase, at most once per cooldown (claimed by
    compare-and-swap on last_contact_at). Returns "final" (nothing to do, money steps
    finished if they were interrupted), "cooldown" (too soon), "review" (too old: handed
    to the head office), or the outcome applied."""
    from ppob.services.money import purchase_money_settle

    purchase = Purchase.objects.get(pk=purchase_id)
    now = timezone.now()
    if purchase.is_final:
        if purchase.money_settled_at is None and not purchase.money_error:
            purchase_money_settle(purchase_id=purchase_id)
        return "final"
    if purchase.created_at <= now - timedelta(hours=settings.PPOB_PENDING_MAX_AGE_HOURS):
        review_add(
            purchase_id=purchase_id,
            reason=ReviewReason.AGE_LIMIT,
            detail={"attempts": purchase.attempts, "rc": purchase.rc, "message": purchase.message},
        )
        return "review"
    cooldown = now - timedelta(seconds=settings.PPOB_RECHECK_COOLDOWN_SECONDS)
    claimed = Purchase.objects.filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lte=cooldown),
        pk=purchase_id,
        status=PurchaseStatus.PENDING,
    ).update(attempts=F("attempts") + 1, last_contact_at=now)
    if not claimed:
        return "cooldown"
    purchase = Purchase.objects.select_related("inquiry").get(pk=purchase_id)
    first_contact = purchase.attempts == 1
    result = _call(purchase, first_contact=first_contact)
    applied: Applied = purchase_result_apply(
        purchase_id=purchase_id, result=result, source=source, first_contact=first_contact
    )
    return applied.outcome


def cooldown_remaining(purchase_id: int) -> float:
    """Seconds until the purchase may be asked about again (0 if now)."""
    last = Purchase.objects.values_list("last_contact_at", flat=True).filter(pk=purchase_id).first()
    if last is None:
        return 0.0
    due = last + timedelta(seconds=settings.PPOB_RECHECK_COOLDOWN_SECONDS)
    return max(0.0, (due - timezone.now()).total_seconds())
