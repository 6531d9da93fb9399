"""Refusals of savings operations: a translated message (English msgid) and a stable code.
A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class SavingsError(RefusedError):
    """A savings operation refused. ``code`` says which rule."""

    default_code = "savings"


class AmountInvalid(SavingsError):
    default_code = "amount_invalid"


class AccountUnavailable(SavingsError):
    """The account or member is not in this cooperative's books, closed, or not active."""

    default_code = "account_unavailable"


class DepositRefused(SavingsError):
    default_code = "deposit_refused"


class WithdrawalRefused(SavingsError):
    default_code = "withdrawal_refused"


class IdempotencyConflict(SavingsError):
    default_code = "idempotency_conflict"
