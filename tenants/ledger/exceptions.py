"""Refusals of the ledger: a translated message (English msgid) and a stable code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class LedgerError(ValidationError):
    """A ledger operation refused; nothing was written. ``code`` says which rule."""

    default_code = "ledger"

    def __init__(self, message: Any, code: str | None = None, params: Any = None) -> None:
        super().__init__(message, code=code or self.default_code, params=params)


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
