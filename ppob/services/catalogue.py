"""The catalogue: the provider's price list copied into ppob.Product (Celery beat every
30 minutes, and on demand), priced by the margin rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import connection, transaction
from django.utils import timezone

from ppob.models import Category, PriceChangeReason, Product, ProductKind
from ppob.providers import provider_get
from ppob.providers.base import CatalogueItem, Provider
from ppob.services.pricing import prices_recompute

FIELDS = [
    "name",
    "kind",
    "category",
    "provider_category",
    "brand",
    "type",
    "cost",
    "commission",
    "buyer_active",
    "seller_active",
    "unlimited_stock",
    "stock",
    "multi",
    "cutoff_start",
    "cutoff_end",
    "description",
]


@dataclass(frozen=True)
class SyncReport:
    provider: str
    listed: int
    created: int
    updated: int
    missing: int
    price_changes: int


def category_of(kind: str, provider_category: str, brand: str) -> str:
    """Our category for a price-list row (the provider's words vary by row)."""
    words = f"{provider_category} {brand}".casefold()
    if kind == ProductKind.POSTPAID:
        for needle, category in (
            ("pln", Category.PLN_POSTPAID),
            ("bpjs", Category.BPJS),
            ("pdam", Category.PDAM),
            ("finance", Category.MULTIFINANCE),
            ("internet", Category.TELCO_POSTPAID),
            ("telkom", Category.TELCO_POSTPAID),
            ("hp pasca", Category.TELCO_POSTPAID),
        ):
            if needle in words:
                return category
        return Category.OTHER
    lowered = provider_category.casefold()
    for needle, found in (
        ("pulsa", Category.PULSA),
        ("data", Category.DATA),
        ("pln", Category.PLN_TOKEN),
        ("e-money", Category.EMONEY),
        ("emoney", Category.EMONEY),
        ("game", Category.GAME),
    ):
        if needle in lowered:
            return found
    return Category.OTHER


def _values(item: CatalogueItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "kind": item.kind,
        "category": category_of(item.kind, item.provider_category, item.brand),
        "provider_category": item.provider_category,
        "brand": item.brand,
        "type": item.type,
        "cost": item.cost,
        "commission": item.commission,
        "buyer_active": item.buyer_active,
        "seller_active": item.seller_active,
        "unlimited_stock": item.unlimited_stock,
        "stock": item.stock,
        "multi": item.multi,
        "cutoff_start": item.cutoff_start,
        "cutoff_end": item.cutoff_end,
        "description": item.description,
    }


def catalogue_sync(*, actor: Any = None, provider: Provider | None = None) -> SyncReport:
    """Copy the provider's prepaid and postpaid price lists into the catalogue: new SKUs
    added, changed ones updated, SKUs no longer listed marked missing (not sold), prices
    recomputed where costs moved, each change kept. The provider is asked first, outside
    any transaction; the copy is one transaction, one sync at a time (advisory lock).
    A provider error (ProviderError) leaves the catalogue as it was."""
    source = provider or provider_get()
    items = source.price_list("prepaid") + source.price_list("postpaid")
    now = timezone.now()
    listed = {item.sku: item for item in items}
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('ppob.catalogue_sync'))")
        existing = {p.sku: p for p in Product.objects.filter(provider=source.name)}
        created = [
            Product(provider=source.name, sku=sku, synced_at=now, **_values(item))
            for sku, item in listed.items()
            if sku not in existing
        ]
        Product.objects.bulk_create(created, batch_size=500)
        updated: list[Product] = []
        cost_before: dict[int, Decimal | None] = {}
        for sku, product in existing.items():
            item = listed.get(sku)
            if item is None:
                if product.missing_since is None:
                    product.missing_since = now
                    updated.append(product)
                continue
            values = _values(item)
            changed = any(getattr(product, name) != value for name, value in values.items())
            if changed or product.missing_since is not None:
                if product.cost != item.cost:
                    cost_before[product.pk] = product.cost
                for name, value in values.items():
                    setattr(product, name, value)
                product.missing_since = None
                updated.append(product)
            product.synced_at = now
        Product.objects.bulk_update(
            list(existing.values()), [*FIELDS, "missing_since", "synced_at"], batch_size=500
        )
        fresh = list(Product.objects.filter(provider=source.name, sku__in=[p.sku for p in created]))
        repriced = prices_recompute(
            fresh, reason=PriceChangeReason.SYNC, now=now, cost_before={p.pk: None for p in fresh}
        )
        repriced += prices_recompute(
            [p for p in existing.values() if p.pk in cost_before],
            reason=PriceChangeReason.SYNC,
            now=now,
            cost_before=cost_before,
        )
        missing = sum(1 for p in existing.values() if p.missing_since == now)
        report = SyncReport(
            provider=source.name,
            listed=len(listed),
            created=len(created),
            updated=len([p for p in updated if p.missing_since is None]),
            missing=missing,
            price_changes=repriced,
        )
        audit_record(
            actor=actor,
            action="ppob.catalogue.sync",
            summary=f"{source.name}: {len(listed)} SKUs",
            data=report.__dict__,
        )
    return report


def product_enable(*, actor: Any, product: Product, enabled: bool) -> Product:
    """The head office's own switch on a product, beside the provider's statuses."""
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(enabled=enabled)
        product.enabled = enabled
        audit_record(
            actor=actor,
            action="ppob.product.enable" if enabled else "ppob.product.disable",
            obj=product,
            summary=product.sku,
        )
    return product
