"""PPOB's reads: the catalogue as a buyer sees it, purchases, receipts, the exchanges
behind a purchase, the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from registry.models import Cooperative

from ppob.exceptions import ProductUnavailable
from ppob.models import (
    Category,
    DepositSnapshot,
    Inquiry,
    MarginRule,
    PriceChange,
    Product,
    ProductKind,
    ProviderEvent,
    Purchase,
    PurchaseStatus,
    ReviewItem,
    ReviewStatus,
)
from ppob.providers import provider_name
from ppob.services.pricing import product_sellable_check


@dataclass(frozen=True)
class Offer:
    product: Product
    price: Decimal | None  # None: a postpaid bill (priced by its inquiry) or not for sale now
    available: bool
    reason: str  # why not available ("" when it is)
    reason_code: str


def catalogue(*, category: str | None = None, brand: str | None = None, tier: str) -> list[Offer]:
    """The provider's products a buyer may see: listed, switched on at the head office and
    at the provider, with the price for ``tier``; those in their cut-off window or out of
    stock are shown as not available now."""
    products = Product.objects.filter(
        provider=provider_name(),
        enabled=True,
        buyer_active=True,
        seller_active=True,
        missing_since__isnull=True,
    )
    if category:
        products = products.filter(category=category)
    if brand:
        products = products.filter(brand__iexact=brand)
    now = timezone.now()
    offers: list[Offer] = []
    for product in products.order_by("category", "brand", "cost", "sku"):
        try:
            price = product_sellable_check(product, tier=tier, provider=product.provider, now=now)
        except ProductUnavailable as exc:
            if exc.code in {"product_unpriced", "product_below_cost"}:
                continue  # never shown: it cannot be sold at any time
            offers.append(Offer(product, None, False, exc.messages[0], exc.code or ""))
            continue
        offers.append(Offer(product, price, True, "", ""))
    return offers


def categories() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Category.choices]


def purchases_of(
    cooperative: Cooperative, *, member_number: str | None = None
) -> QuerySet[Purchase]:
    found = Purchase.objects.filter(cooperative=cooperative).select_related("inquiry")
    if member_number is not None:
        found = found.filter(member_number=member_number)
    return found.order_by("-created_at", "-id")


def purchase_events(purchase: Purchase) -> QuerySet[ProviderEvent]:
    """Every exchange with the provider about the purchase (and its inquiry), in order."""
    return ProviderEvent.objects.filter(ref_id=purchase.ref_id).order_by("created_at", "id")


def review_open() -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(status=ReviewStatus.OPEN).select_related("purchase")


def deposit_latest() -> DepositSnapshot | None:
    return DepositSnapshot.objects.filter(provider=provider_name()).first()


def token_of(purchase: Purchase) -> str:
    """The PLN token in a successful token purchase's serial number ("1234-...-7890/NAME/
    R1/1300VA/12.5"): the part before the first slash."""
    if purchase.status != PurchaseStatus.SUCCESS or purchase.category != "pln_token":
        return ""
    return purchase.sn.split("/", 1)[0].strip()


def receipt(purchase: Purchase) -> dict[str, Any]:
    """What the receipt shows, printed or on the phone."""
    inquiry = purchase.inquiry
    return {
        "cooperative": purchase.cooperative.name,
        "reference": purchase.ref_id,
        "created_at": purchase.created_at,
        "settled_at": purchase.settled_at,
        "product": purchase.product_name,
        "customer_no": purchase.customer_no,
        "customer_name": inquiry.customer_name if inquiry else "",
        "period": inquiry.period if inquiry else "",
        "bill": inquiry.bill if inquiry else None,
        "admin": inquiry.admin if inquiry else None,
        "penalty": inquiry.penalty if inquiry else None,
        "price": purchase.price,
        "payment_method": purchase.get_payment_method_display(),
        "member_number": purchase.member_number,
        "status": purchase.status,
        "status_display": purchase.get_status_display(),
        "sn": purchase.sn if purchase.status == PurchaseStatus.SUCCESS else "",
        "token": token_of(purchase),
    }


# --- the screens (head office, member, teller) ---------------------------------------------

# The catalogue's status filter on the head office's console.
PRODUCT_STATUSES = ("sold", "off", "provider_off", "missing", "below_cost")


def categories_offered() -> list[tuple[str, str]]:
    """The categories that have at least one product a buyer may see, in Category order."""
    found = set(
        Product.objects.filter(
            provider=provider_name(),
            enabled=True,
            buyer_active=True,
            seller_active=True,
            missing_since__isnull=True,
        )
        .values_list("category", flat=True)
        .distinct()
    )
    return [(value, str(label)) for value, label in Category.choices if value in found]


def product_brands(category: str = "") -> list[str]:
    found = Product.objects.filter(provider=provider_name())
    if category:
        found = found.filter(category=category)
    return sorted(set(found.exclude(brand="").values_list("brand", flat=True)), key=str.casefold)


def products_filtered(
    *, category: str = "", brand: str = "", status: str = ""
) -> QuerySet[Product]:
    """The provider's products as the head office's catalogue lists them. ``status``:
    sold (switched on everywhere and listed), off (switched off here), provider_off
    (inactive at the provider), missing (dropped off the price list), below_cost (a
    prepaid product whose price is unset or under its cost)."""
    found = Product.objects.filter(provider=provider_name())
    if category:
        found = found.filter(category=category)
    if brand:
        found = found.filter(brand__iexact=brand)
    if status == "sold":
        found = found.filter(
            enabled=True, buyer_active=True, seller_active=True, missing_since__isnull=True
        )
    elif status == "off":
        found = found.filter(enabled=False)
    elif status == "provider_off":
        found = found.filter(Q(buyer_active=False) | Q(seller_active=False))
    elif status == "missing":
        found = found.filter(missing_since__isnull=False)
    elif status == "below_cost":
        found = found.filter(kind=ProductKind.PREPAID).filter(
            Q(price_member__isnull=True)
            | Q(price_nonmember__isnull=True)
            | Q(price_member__lt=F("cost"))
            | Q(price_nonmember__lt=F("cost"))
        )
    return found.order_by("category", "brand", "cost", "sku")


def product_get(pk: int) -> Product | None:
    return Product.objects.filter(pk=pk).first()


def product_of_sku(sku: str) -> Product | None:
    return Product.objects.filter(provider=provider_name(), sku=sku).first()


def offer_of(product: Product, *, tier: str) -> Offer:
    """One product as a buyer of ``tier`` sees it now."""
    try:
        price = product_sellable_check(product, tier=tier, provider=provider_name())
    except ProductUnavailable as exc:
        return Offer(product, None, False, exc.messages[0], exc.code or "")
    return Offer(product, price, True, "", "")


def margin_rules() -> QuerySet[MarginRule]:
    return MarginRule.objects.order_by("category", "brand", "sku")


def margin_rule_get(pk: int) -> MarginRule | None:
    return MarginRule.objects.filter(pk=pk).first()


def price_changes(*, sku: str = "", product: Product | None = None) -> QuerySet[PriceChange]:
    found = PriceChange.objects.select_related("product", "rule")
    if product is not None:
        found = found.filter(product=product)
    if sku:
        found = found.filter(product__sku__iexact=sku)
    return found.order_by("-changed_at", "-id")


def purchases_latest(*, status: str = "", cooperative_id: int | None = None) -> QuerySet[Purchase]:
    """Every cooperative's purchases, newest first (the head office's live list)."""
    found = Purchase.objects.select_related("cooperative")
    if status:
        found = found.filter(status=status)
    if cooperative_id:
        found = found.filter(cooperative_id=cooperative_id)
    return found.order_by("-created_at", "-id")


def purchases_pending() -> QuerySet[Purchase]:
    """Pending purchases, oldest first, with how many review items are open on each."""
    return (
        Purchase.objects.filter(status=PurchaseStatus.PENDING)
        .select_related("cooperative")
        .annotate(open_reviews=Count("reviews", filter=Q(reviews__status=ReviewStatus.OPEN)))
        .order_by("created_at", "id")
    )


def purchase_of_ref(reference: str) -> Purchase | None:
    return (
        Purchase.objects.select_related("cooperative", "inquiry", "product")
        .filter(ref_id=reference)
        .first()
    )


def purchase_reviews(purchase: Purchase) -> QuerySet[ReviewItem]:
    return purchase.reviews.order_by("-created_at", "-id")


def review_item_get(pk: int) -> ReviewItem | None:
    return ReviewItem.objects.select_related("purchase__cooperative").filter(pk=pk).first()


def review_queue() -> list[tuple[ReviewItem, list[ProviderEvent]]]:
    """Open review items, oldest first, each with every exchange behind its purchase."""
    items = list(
        ReviewItem.objects.filter(status=ReviewStatus.OPEN)
        .select_related("purchase__cooperative")
        .order_by("created_at", "id")
    )
    refs = {item.purchase.ref_id for item in items}
    events: dict[str, list[ProviderEvent]] = {ref: [] for ref in refs}
    for event in ProviderEvent.objects.filter(ref_id__in=refs).order_by("created_at", "id"):
        events[event.ref_id].append(event)
    return [(item, events[item.purchase.ref_id]) for item in items]


def deposit_history(limit: int = 30) -> list[DepositSnapshot]:
    return list(DepositSnapshot.objects.filter(provider=provider_name())[:limit])


def inquiry_of(
    cooperative: Cooperative, reference: str, *, member_number: str | None = None
) -> Inquiry | None:
    """A bill inquiry of the cooperative (and of that member, when given)."""
    found = Inquiry.objects.select_related("product").filter(
        cooperative=cooperative, ref_id=reference
    )
    if member_number is not None:
        found = found.filter(member_number=member_number)
    return found.first()


def purchase_of(
    cooperative: Cooperative, reference: str, *, member_number: str | None = None
) -> Purchase | None:
    """A purchase of the cooperative (and of that member, when given): another
    cooperative's reference finds nothing."""
    return purchases_of(cooperative, member_number=member_number).filter(ref_id=reference).first()


def purchase_of_inquiry(inquiry: Inquiry) -> Purchase | None:
    return Purchase.objects.filter(inquiry=inquiry).first()
