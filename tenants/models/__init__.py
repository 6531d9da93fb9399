"""The cooperative's own books (every table here lives in the cooperative's schema)."""

from tenants.models.ledger import (
    Account,
    AccountBalance,
    AccountType,
    FiscalPeriod,
    JournalEntry,
    NormalSide,
    PeriodStatus,
    Posting,
)

__all__ = [
    "Account",
    "AccountBalance",
    "AccountType",
    "FiscalPeriod",
    "JournalEntry",
    "NormalSide",
    "PeriodStatus",
    "Posting",
]
