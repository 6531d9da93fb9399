"""PPOB's tables, all in the public schema (ppob is a shared app): the provider's
catalogue with our selling prices, margin rules and the history of price changes,
postpaid inquiries, purchases, the append-only log of every provider exchange, webhook
deliveries, the head office's deposit snapshots, the review queue, the per-cooperative
settlement ledger, and the sandbox provider's own state.

A cooperative's books are never here: money moves in each cooperative's schema through
tenants.books (docs/books-door.md); a purchase keeps only the references it got back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from registry.models import Cooperative

ZERO = Decimal("0.00")


def money(verbose_name: Any = None, **kwargs: Any) -> Any:
    """The project's money column: rupiah, numeric(18, 2)."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, **kwargs)


class Category(models.TextChoices):
    PULSA = "pulsa", _("Airtime (pulsa)")
    DATA = "data", _("Data packages")
    PLN_TOKEN = "pln_token", _("PLN electricity token")
    PLN_POSTPAID = "pln_postpaid", _("PLN electricity bill")
    BPJS = "bpjs", _("BPJS Kesehatan")
    PDAM = "pdam", _("Water bill (PDAM)")
    EMONEY = "emoney", _("E-money top-up")
    GAME = "game", _("Game vouchers")
    TELCO_POSTPAID = "telco_postpaid", _("Telephone and internet bills")
    MULTIFINANCE = "multifinance", _("Instalments (multifinance)")
    OTHER = "other", _("Other products")


class ProductKind(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    POSTPAID = "postpaid", _("Postpaid bill")


class Product(models.Model):
    """One SKU of the provider's price list, as last synced, with our selling prices.

    Prepaid: ``cost`` is what the provider charges us; ``price_member`` and
    ``price_nonmember`` come from the most specific margin rule (ppob.services.pricing).
    Postpaid: ``cost`` is the provider's admin fee and ``commission`` what it pays back;
    the bill itself comes from the inquiry."""

    provider = models.CharField(_("provider"), max_length=30)
    sku = models.CharField(_("SKU"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ProductKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    provider_category = models.CharField(_("provider's category"), max_length=100, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=100, blank=True)
    cost = money(_("cost price"))
    commission = money(_("commission"), default=ZERO)
    price_member = money(_("member price"), null=True, blank=True)
    price_nonmember = money(_("non-member price"), null=True, blank=True)
    buyer_active = models.BooleanField(_("active at the provider (buyer)"), default=True)
    seller_active = models.BooleanField(_("active at the seller"), default=True)
    unlimited_stock = models.BooleanField(_("unlimited stock"), default=True)
    stock = models.IntegerField(_("stock"), null=True, blank=True)
    multi = models.BooleanField(_("several purchases per number allowed"), default=False)
    # Cut-off window in WIB, e.g. 23:45 to 00:15; equal times mean none.
    cutoff_start = models.TimeField(_("cut-off starts"), null=True, blank=True)
    cutoff_end = models.TimeField(_("cut-off ends"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The head office's own switch, beside the provider's statuses.
    enabled = models.BooleanField(_("sold"), default=True)
    synced_at = models.DateTimeField(_("synced at"))
    # Set when a sync no longer lists the SKU: not sold until it comes back.
    missing_since = models.DateTimeField(_("missing since"), null=True, blank=True)

    class Meta:
        ordering = ["category", "brand", "cost", "sku"]
        verbose_name = _("PPOB product")
        verbose_name_plural = _("PPOB products")
        constraints = [
            models.UniqueConstraint(fields=["provider", "sku"], name="ppob_product_provider_sku"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="ppob_product_cost_nonneg"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="ppob_product_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProductKind.values), name="ppob_product_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["provider", "category", "brand"], name="ppob_product_cat")]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class MarginKind(models.TextChoices):
    FLAT = "flat", _("Flat amount")
    PERCENT = "percent", _("Percent of cost")


class MarginRule(models.Model):
    """The head office's margin for a scope: a SKU, a brand (in a category or any), a
    category, or everything (all blank). The most specific matching rule prices a
    product; member and non-member margins differ."""

    category = models.CharField(_("category"), max_length=20, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    sku = models.CharField(_("SKU"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MarginKind.choices)
    member_value = models.DecimalField(_("member margin"), max_digits=18, decimal_places=2)
    nonmember_value = models.DecimalField(_("non-member margin"), max_digits=18, decimal_places=2)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    updated_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["category", "brand", "sku"]
        verbose_name = _("margin rule")
        verbose_name_plural = _("margin rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "brand", "sku"], name="ppob_margin_scope"),
            models.CheckConstraint(
                condition=Q(kind__in=MarginKind.values), name="ppob_margin_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        scope = "/".join(part or "*" for part in (self.category, self.brand, self.sku))
        return f"{scope} {self.kind} {self.member_value}/{self.nonmember_value}"


class PriceChangeReason(models.TextChoices):
    SYNC = "sync", _("Provider's price list")
    RULE = "rule", _("Margin rule")


class PriceChange(models.Model):
    """A change of a product's cost or selling prices, appended whenever one moves."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="price_changes", verbose_name=_("product")
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=10, choices=PriceChangeReason.choices)
    cost_before = money(_("cost before"), null=True, blank=True)
    cost_after = money(_("cost after"))
    member_before = money(_("member price before"), null=True, blank=True)
    member_after = money(_("member price after"), null=True, blank=True)
    nonmember_before = money(_("non-member price before"), null=True, blank=True)
    nonmember_after = money(_("non-member price after"), null=True, blank=True)
    rule = models.ForeignKey(
        MarginRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")

    def __str__(self) -> str:
        return f"{self.product_id} {self.changed_at:%Y-%m-%d %H:%M} {self.reason}"


class PriceTier(models.TextChoices):
    MEMBER = "member", _("Member price")
    NONMEMBER = "nonmember", _("Non-member price")


class InquiryStatus(models.TextChoices):
    PENDING = "pending", _("Asking the provider")
    OPEN = "open", _("Bill found")
    FAILED = "failed", _("No bill")


class Inquiry(models.Model):
    """A postpaid bill looked up at the provider (inq-pasca). Its ``ref_id`` is the one the
    payment must use; it may be paid until ``valid_until`` (the end of the WIB day or 30
    minutes, whichever comes first)."""

    ref_id = models.CharField(_("reference"), max_length=40, unique=True)
    request_key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", verbose_name=_("cooperative")
    )
    member_number = models.CharField(_("member number"), max_length=30, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    customer_no = models.CharField(_("customer number"), max_length=40)
    price_tier = models.CharField(max_length=10, choices=PriceTier.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.PENDING
    )
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    bill = money(_("bill"), default=ZERO)
    admin = money(_("admin fee"), default=ZERO)
    penalty = money(_("penalty"), default=ZERO)
    cost = money(_("cost"), default=ZERO)  # what the provider will charge us
    price = money(_("price"), default=ZERO)  # what the customer pays
    details = models.JSONField(_("details"), default=dict, blank=True)
    rc = models.CharField(max_length=4, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    valid_until = models.DateTimeField(_("valid until"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bill inquiry")
        verbose_name_plural = _("bill inquiries")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "request_key"], name="ppob_inquiry_request_key"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InquiryStatus.values), name="ppob_inquiry_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref_id} {self.status}"


class PurchaseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCESS = "success", _("Success")
    FAILED = "failed", _("Failed")


class PaymentMethod(models.TextChoices):
    SUKARELA = "sukarela", _("Simpanan sukarela")
    CASH = "cash", _("Cash at the teller")


class Channel(models.TextChoices):
    MEMBER = "member", _("Member's phone")
    TELLER = "teller", _("Teller")


class Purchase(models.Model):
    """One sale. ``ref_id`` is our idempotency key and the provider's ref_id (unique).
    ``status`` moves only pending -> success | failed, by compare-and-swap in
    ppob.services.results.purchase_result_apply. The ``money_*`` columns record which
    money steps (tenants.books calls) are done, so a crash between them is finished later."""

    ref_id = models.CharField(_("reference"), max_length=40, unique=True)
    request_key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", verbose_name=_("cooperative")
    )
    member_number = models.CharField(_("member number"), max_length=30, blank=True)
    shopper_name = models.CharField(_("shopper"), max_length=100, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("product")
    )
    inquiry = models.OneToOneField(
        Inquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="purchase"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ProductKind.choices)
    sku = models.CharField(_("SKU"), max_length=60)
    product_name = models.CharField(_("product"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    customer_no = models.CharField(_("customer number"), max_length=40)
    price_tier = models.CharField(max_length=10, choices=PriceTier.choices)
    price = money(_("price"))
    cost = money(_("cost"))
    provider_price = money(_("charged by the provider"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PurchaseStatus.choices, default=PurchaseStatus.PENDING
    )
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices
    )
    reservation_ref = models.CharField(_("savings hold"), max_length=64, blank=True)
    sn = models.TextField(_("serial number / token"), blank=True)
    rc = models.CharField(max_length=4, blank=True)
    message = models.CharField(_("provider's message"), max_length=255, blank=True)
    attempts = models.PositiveIntegerField(_("provider calls"), default=0)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # Money steps after the result (each a books' door call, each idempotent).
    money_captured_at = models.DateTimeField(null=True, blank=True)
    money_released_at = models.DateTimeField(null=True, blank=True)
    money_business_at = models.DateTimeField(null=True, blank=True)
    primary_entry_id = models.BigIntegerField(null=True, blank=True)
    secondary_entry_id = models.BigIntegerField(null=True, blank=True)
    money_settled_at = models.DateTimeField(null=True, blank=True)
    money_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PPOB purchase")
        verbose_name_plural = _("PPOB purchases")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "request_key"], name="ppob_purchase_request_key"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PurchaseStatus.values), name="ppob_purchase_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=PurchaseStatus.PENDING) & Q(settled_at__isnull=True))
                | (~Q(status=PurchaseStatus.PENDING) & Q(settled_at__isnull=False)),
                name="ppob_purchase_settled_iff_final",
            ),
            models.CheckConstraint(
                condition=~Q(payment_method=PaymentMethod.SUKARELA) | ~Q(member_number=""),
                name="ppob_purchase_sukarela_member",
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="ppob_purchase_price_pos"),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values),
                name="ppob_purchase_payment_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "last_contact_at"],
                name="ppob_purchase_pending",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["settled_at"],
                name="ppob_purchase_money_due",
                condition=Q(money_settled_at__isnull=True) & ~Q(status="pending"),
            ),
            models.Index(fields=["cooperative", "created_at"], name="ppob_purchase_coop"),
        ]

    def __str__(self) -> str:
        return f"{self.ref_id} {self.status}"

    @property
    def is_final(self) -> bool:
        return self.status != PurchaseStatus.PENDING


class EventKind(models.TextChoices):
    REQUEST = "request", _("Request")
    RESPONSE = "response", _("Response")
    ERROR = "error", _("No answer")
    WEBHOOK = "webhook", _("Webhook")


class ProviderEvent(models.Model):
    """Every exchange with the provider, raw: requests (signature masked), responses,
    transport errors and webhooks. Append-only (a trigger refuses UPDATE and DELETE)."""

    created_at = models.DateTimeField(_("at"), db_index=True)
    provider = models.CharField(_("provider"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    call = models.CharField(_("call"), max_length=40)
    ref_id = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(_("raw body"), blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.call} {self.ref_id}"


class WebhookDelivery(models.Model):
    """A verified webhook delivery, once per delivery id (X-Digiflazz-Delivery)."""

    delivery_id = models.CharField(_("delivery"), max_length=100, unique=True)
    provider = models.CharField(_("provider"), max_length=30)
    event = models.CharField(_("event"), max_length=30, blank=True)
    ref_id = models.CharField(_("reference"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.event} {self.outcome}"


class DepositSnapshot(models.Model):
    """The head office's deposit at the provider, as the provider reported it."""

    provider = models.CharField(_("provider"), max_length=30)
    balance = money(_("balance"))
    fetched_at = models.DateTimeField(_("fetched at"), db_index=True)
    below_alert = models.BooleanField(_("under the alert threshold"), default=False)
    source = models.CharField(_("source"), max_length=20)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        verbose_name = _("deposit balance")
        verbose_name_plural = _("deposit balances")

    def __str__(self) -> str:
        return f"{self.provider} {self.balance} {self.fetched_at:%Y-%m-%d %H:%M}"


class ReviewReason(models.TextChoices):
    AGE_LIMIT = "age_limit", _("Still pending at the age limit")
    CONFLICT = "conflict", _("A result contradicts the final status")
    MONEY = "money", _("A money step could not be completed")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ReviewItem(models.Model):
    """Something about a purchase that needs a person at the head office; the purchase's
    provider events are shown beside it (ppob.selectors.purchase_events)."""

    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("purchase")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReviewReason.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by_id = models.BigIntegerField(null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review item")
        verbose_name_plural = _("review queue")
        constraints = [
            models.UniqueConstraint(
                fields=["purchase", "reason"],
                condition=Q(status="open"),
                name="ppob_review_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_id} {self.reason} {self.status}"


class Settlement(models.Model):
    """What a cooperative owes the head office for a month of PPOB sales, closed once the
    month is over; central billing reads closed settlements."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", verbose_name=_("cooperative")
    )
    period = models.DateField(_("month"))  # the first day of the month
    purchases = models.PositiveIntegerField(_("purchases"), default=0)
    amount = money(_("owed to the head office"), default=ZERO)
    cost = money(_("provider's cost"), default=ZERO)
    margin = money(_("margin"), default=ZERO)
    closed_at = models.DateTimeField(_("closed at"))
    closed_by_id = models.BigIntegerField(null=True, blank=True)
    billed_at = models.DateTimeField(_("billed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "cooperative_id"]
        verbose_name = _("PPOB settlement")
        verbose_name_plural = _("PPOB settlements")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "period"], name="ppob_settlement_coop_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.period:%Y-%m} {self.amount}"


class SettlementLine(models.Model):
    """One successful purchase in a cooperative's settlement ledger: the price it owes the
    head office, our cost and margin. Unassigned until its month is closed."""

    purchase = models.OneToOneField(
        Purchase, on_delete=models.PROTECT, related_name="settlement_line"
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", verbose_name=_("cooperative")
    )
    period = models.DateField(_("month"))
    amount = money(_("owed"))
    cost = money(_("cost"))
    margin = money(_("margin"))
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        indexes = [
            models.Index(
                fields=["cooperative", "period"],
                name="ppob_line_unsettled",
                condition=Q(settlement__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_id} {self.amount}"


class SandboxTransaction(models.Model):
    """The sandbox provider's own record of a transaction (it plays the aggregator in
    development and the demo; empty in production)."""

    ref_id = models.CharField(max_length=60, unique=True)
    command = models.CharField(max_length=20)
    sku = models.CharField(max_length=60)
    customer_no = models.CharField(max_length=40)
    scenario = models.CharField(max_length=20)
    price = money()
    status = models.CharField(max_length=10)
    sn = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    resolves_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.ref_id} {self.status}"
