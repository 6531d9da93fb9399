"""PPOB's refusals: a translated message and a stable code (federation.errors). Raised
before anything is written."""

from __future__ import annotations

from federation.errors import RefusedError


class PpobError(RefusedError):
    default_code = "ppob"


class RequestInvalid(PpobError):
    default_code = "request_invalid"


class ProductUnavailable(PpobError):
    default_code = "product_unavailable"


class NumberInvalid(PpobError):
    default_code = "number_invalid"


class PaymentRefused(PpobError):
    default_code = "payment_refused"


class DepositLow(PpobError):
    default_code = "deposit_low"


class InquiryRefused(PpobError):
    default_code = "inquiry_refused"


class IdempotencyConflict(PpobError):
    default_code = "idempotency_conflict"


class MarginInvalid(PpobError):
    default_code = "margin_invalid"


class ReviewRefused(PpobError):
    default_code = "review_refused"


class SettlementRefused(PpobError):
    default_code = "settlement_refused"
