"""Selling prices: the most specific margin rule (SKU, then brand in a category, brand,
category, everything), member and non-member, with every change kept in PriceChange.
A product priced below its cost is not sold (a negative margin is allowed as a promotion,
but never below cost)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from money.rupiah import round_rupiah

from ppob.exceptions import MarginInvalid, ProductUnavailable
from ppob.models import (
    Category,
    MarginKind,
    MarginRule,
    PriceChange,
    PriceChangeReason,
    PriceTier,
    Product,
    ProductKind,
)

FLAT_MIN, FLAT_MAX = Decimal("-1000000"), Decimal("10000000")
PERCENT_MIN, PERCENT_MAX = Decimal("-100"), Decimal("100")


def rule_matches(rule: MarginRule, product: Product) -> bool:
    return (
        rule.sku in ("", product.sku)
        and (rule.brand == "" or rule.brand.casefold() == product.brand.casefold())
        and rule.category in ("", product.category)
    )


def rule_specificity(rule: MarginRule) -> tuple[int, int, int]:
    return (rule.sku != "", rule.brand != "", rule.category != "")


def margin_rule_for(product: Product, rules: Iterable[MarginRule]) -> MarginRule | None:
    """The most specific rule that matches the product (a SKU beats a brand, a brand
    beats a category, a category beats the catch-all)."""
    matching = [rule for rule in rules if rule_matches(rule, product)]
    return max(matching, key=rule_specificity, default=None)


def margin_amount(kind: str, value: Decimal, base: Decimal) -> Decimal:
    if kind == MarginKind.PERCENT:
        return base * value / Decimal(100)
    return value


def rule_price(rule: MarginRule, base: Decimal, tier: str) -> Decimal:
    """``base`` plus the rule's margin for the tier, rounded to the whole rupiah."""
    value = rule.member_value if tier == PriceTier.MEMBER else rule.nonmember_value
    return round_rupiah(base + margin_amount(rule.kind, value, base)).quantize(Decimal("0.01"))


def _prices(product: Product, rules: list[MarginRule]) -> tuple[Decimal | None, Decimal | None]:
    if product.kind != ProductKind.PREPAID:
        return None, None
    rule = margin_rule_for(product, rules)
    if rule is None:
        return None, None
    return rule_price(rule, product.cost, PriceTier.MEMBER), rule_price(
        rule, product.cost, PriceTier.NONMEMBER
    )


def prices_recompute(
    products: Iterable[Product],
    *,
    reason: str,
    now: datetime,
    cost_before: dict[int, Decimal | None] | None = None,
    rule: MarginRule | None = None,
    actor_id: int | None = None,
) -> int:
    """Set each product's selling prices from the margin rules; append a PriceChange for
    each product whose cost or prices moved (``cost_before``: costs before a sync). Runs
    inside the caller's transaction. Returns how many changed."""
    rules = list(MarginRule.objects.all())
    changes: list[PriceChange] = []
    changed: list[Product] = []
    for product in products:
        member, nonmember = _prices(product, rules)
        old_cost = (cost_before or {}).get(product.pk, product.cost)
        if (member, nonmember, old_cost) == (
            product.price_member,
            product.price_nonmember,
            product.cost,
        ):
            continue
        changes.append(
            PriceChange(
                product=product,
                changed_at=now,
                reason=reason,
                cost_before=old_cost,
                cost_after=product.cost,
                member_before=product.price_member,
                member_after=member,
                nonmember_before=product.price_nonmember,
                nonmember_after=nonmember,
                rule=rule,
                actor_id=actor_id,
            )
        )
        product.price_member, product.price_nonmember = member, nonmember
        changed.append(product)
    Product.objects.bulk_update(changed, ["price_member", "price_nonmember"], batch_size=500)
    PriceChange.objects.bulk_create(changes, batch_size=500)
    return len(changes)


def _value(value: object, kind: str, label: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise MarginInvalid(_("Enter the %(which)s margin as a number.") % {"which": label})
    low, high = (PERCENT_MIN, PERCENT_MAX) if kind == MarginKind.PERCENT else (FLAT_MIN, FLAT_MAX)
    if not low <= value <= high:
        raise MarginInvalid(
            _("The %(which)s margin must be between %(low)s and %(high)s.")
            % {"which": label, "low": low, "high": high},
            code="margin_range",
        )
    if value != value.quantize(Decimal("0.01")):
        raise MarginInvalid(_("Margins have at most two decimal places."), code="margin_precision")
    return value


def margin_rule_set(
    *,
    actor: Any,
    category: str = "",
    brand: str = "",
    sku: str = "",
    kind: str,
    member_value: Decimal,
    nonmember_value: Decimal,
) -> MarginRule:
    """Create or change the margin rule of a scope and reprice the products it covers, in
    one transaction with its audit row and the price-change history."""
    if kind not in MarginKind.values:
        raise MarginInvalid(_("Choose a flat or a percent margin."), code="margin_kind")
    if category and category not in Category.values:
        raise MarginInvalid(_("Unknown product category."), code="margin_category")
    brand, sku = brand.strip()[:100], sku.strip()[:60]
    member = _value(member_value, kind, _("member"))
    nonmember = _value(nonmember_value, kind, _("non-member"))
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    with transaction.atomic():
        rule, created = MarginRule.objects.select_for_update().get_or_create(
            category=category,
            brand=brand,
            sku=sku,
            defaults={
                "kind": kind,
                "member_value": member,
                "nonmember_value": nonmember,
                "created_at": now,
                "updated_at": now,
                "updated_by_id": actor_id,
            },
        )
        if not created:
            rule.kind, rule.member_value, rule.nonmember_value = kind, member, nonmember
            rule.updated_at, rule.updated_by_id = now, actor_id
            rule.save(
                update_fields=[
                    "kind",
                    "member_value",
                    "nonmember_value",
                    "updated_at",
                    "updated_by_id",
                ]
            )
        covered = [
            p for p in Product.objects.filter(kind=ProductKind.PREPAID) if rule_matches(rule, p)
        ]
        repriced = prices_recompute(
            covered, reason=PriceChangeReason.RULE, now=now, rule=rule, actor_id=actor_id
        )
        audit_record(
            actor=actor,
            action="ppob.margin.set",
            obj=rule,
            summary=str(rule),
            data={
                "kind": kind,
                "member": f"{member}",
                "nonmember": f"{nonmember}",
                "repriced": repriced,
            },
        )
    return rule


def margin_rule_delete(*, actor: Any, rule: MarginRule) -> int:
    """Remove a rule and reprice what it covered; returns how many prices changed."""
    now = timezone.now()
    with transaction.atomic():
        covered = [
            p for p in Product.objects.filter(kind=ProductKind.PREPAID) if rule_matches(rule, p)
        ]
        audit_record(actor=actor, action="ppob.margin.delete", obj=rule, summary=str(rule))
        rule.delete()
        return prices_recompute(
            covered, reason=PriceChangeReason.RULE, now=now, actor_id=getattr(actor, "pk", None)
        )


def postpaid_price(product: Product, selling_price: Decimal, tier: str) -> Decimal | None:
    """What a payer of a postpaid bill pays: the bill with the provider's admin and
    penalty, plus our margin for the tier; None when no rule covers the product."""
    rule = margin_rule_for(product, MarginRule.objects.all())
    return None if rule is None else rule_price(rule, selling_price, tier)


def in_cutoff(product: Product, moment: datetime) -> bool:
    """Whether ``moment`` (any zone) falls in the product's WIB cut-off window."""
    start, end = product.cutoff_start, product.cutoff_end
    if start is None or end is None or start == end:
        return False
    local = timezone.localtime(moment).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window spans midnight


def product_sellable_check(
    product: Product, *, tier: str, provider: str, now: datetime | None = None
) -> Decimal | None:
    """The product's price for the tier if it may be sold now (None for postpaid, priced by
    its inquiry); refused with the reason otherwise."""
    moment = now or timezone.now()
    if product.provider != provider or product.missing_since is not None:
        raise ProductUnavailable(_("This product is no longer offered."), code="product_missing")
    if not (product.enabled and product.buyer_active and product.seller_active):
        raise ProductUnavailable(_("This product is not being sold now."), code="product_inactive")
    if not product.unlimited_stock and product.stock is not None and product.stock <= 0:
        raise ProductUnavailable(_("This product is out of stock."), code="product_out_of_stock")
    if in_cutoff(product, moment):
        raise ProductUnavailable(
            _("This product is not sold between %(start)s and %(end)s WIB.")
            % {"start": f"{product.cutoff_start:%H:%M}", "end": f"{product.cutoff_end:%H:%M}"},
            code="product_cutoff",
        )
    if product.kind == ProductKind.POSTPAID:
        return None
    price = product.price_member if tier == PriceTier.MEMBER else product.price_nonmember
    if price is None:
        raise ProductUnavailable(
            _("This product has no selling price yet."), code="product_unpriced"
        )
    if price < product.cost or price <= 0:
        raise ProductUnavailable(
            _("This product costs more than its selling price, so it is not sold."),
            code="product_below_cost",
        )
    return price
