"""What every PPOB provider adapter offers, and the shapes of its answers.

An adapter speaks one aggregator's protocol and turns each answer into an ``Outcome``.
It never decides about money: ppob.services.results.purchase_result_apply does, and it
treats anything that is not a definite answer as pending.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Any, Protocol


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILED = "failed"  # a definite failure of an existing transaction: money goes back
    PENDING = "pending"  # unknown or ambiguous: ask again later, never release the money
    # The request itself was refused before any transaction was made (bad signature,
    # SKU inactive, deposit too low...). A definite failure only when this was the first
    # call for the ref_id; on a later call (a status check) it says nothing about the
    # transaction the first call may have made, so it counts as pending.
    REFUSED = "refused"


@dataclass(frozen=True)
class TransactionResult:
    """The answer about one transaction (prepaid buy or status, postpaid pay or status,
    or a webhook)."""

    outcome: Outcome
    ref_id: str
    rc: str = ""
    status: str = ""  # the provider's own word ("Sukses", "Gagal", "Pending")
    message: str = ""
    sn: str = ""  # serial number; the PLN token is in it
    price: Decimal | None = None  # what the provider charged us
    balance: Decimal | None = None  # our deposit after it, when the provider says
    reason: str = ""  # why it is pending or failed: "timeout", "malformed", "rc_unknown"...
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InquiryResult:
    """A postpaid bill (inq-pasca): who, which period, how much."""

    outcome: Outcome
    ref_id: str
    rc: str = ""
    message: str = ""
    customer_name: str = ""
    period: str = ""
    bill: Decimal = Decimal("0.00")
    admin: Decimal = Decimal("0.00")
    penalty: Decimal = Decimal("0.00")
    price: Decimal = Decimal("0.00")  # what the provider will charge us for paying it
    selling_price: Decimal = Decimal("0.00")  # bill + admin + penalty, what a payer owes
    reason: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CatalogueItem:
    """One row of the provider's price list."""

    sku: str
    name: str
    kind: str  # "prepaid" | "postpaid"
    provider_category: str
    brand: str
    type: str
    cost: Decimal
    commission: Decimal
    buyer_active: bool
    seller_active: bool
    unlimited_stock: bool
    stock: int | None
    multi: bool
    cutoff_start: time | None
    cutoff_end: time | None
    description: str


@dataclass(frozen=True)
class PlnCustomer:
    customer_no: str
    meter_no: str
    subscriber_id: str
    name: str
    segment_power: str


class ProviderError(Exception):
    """A call that got no usable answer (price list, balance, PLN look-up). Purchases never
    raise it: their calls answer PENDING instead."""

    def __init__(self, message: str, *, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Exchange:
    """One request or answer, handed to the observer for the event log."""

    kind: str  # "request" | "response" | "error" | "webhook"
    call: str
    ref_id: str
    body: str
    http_status: int | None = None
    duration_ms: int | None = None
    note: str = ""


Observer = Callable[[Exchange], None]


def observer_none(exchange: Exchange) -> None:
    """The observer of a provider built without one: keeps nothing."""


class Provider(Protocol):
    name: str

    def balance(self) -> Decimal: ...

    def price_list(self, kind: str) -> list[CatalogueItem]: ...

    def topup(
        self, *, sku: str, customer_no: str, ref_id: str, max_price: Decimal | None = None
    ) -> TransactionResult:
        """Buy a prepaid product; sent again with the same ref_id, it is the status check."""
        ...

    def postpaid_inquiry(self, *, sku: str, customer_no: str, ref_id: str) -> InquiryResult: ...

    def postpaid_pay(self, *, sku: str, customer_no: str, ref_id: str) -> TransactionResult: ...

    def postpaid_status(self, *, sku: str, customer_no: str, ref_id: str) -> TransactionResult: ...

    def pln_inquiry(self, *, customer_no: str) -> PlnCustomer: ...

    def webhook_verify(self, body: bytes, signature: str) -> bool: ...

    def webhook_result(self, payload: Mapping[str, Any]) -> TransactionResult | None: ...
