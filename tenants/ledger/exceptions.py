"""Refusals of the ledger: a translated message (English msgid) and a stable code."""

from __future__ import annotations

from federation.errors import RefusedError


class LedgerError(RefusedError):
    """A ledger operation refused; nothing was written. ``code`` says which rule."""

    default_code = "ledger"


class EntryInvalid(LedgerError):
    default_code = "entry_invalid"


class AccountInvalid(LedgerError):
    default_code = "account_invalid"


class PeriodClosed(LedgerError):
    default_code = "period_closed"


class IdempotencyConflict(LedgerError):
    default_code = "idempotency_conflict"


class ChainError(LedgerError):
    default_code = "chain"
