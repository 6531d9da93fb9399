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
from tenants.models.members import (
    Heir,
    HeirRelation,
    Member,
    MemberKind,
    MemberNumberCounter,
    MemberStatus,
    MemberStatusChange,
    Sex,
)
from tenants.models.savings import (
    SavingsAccount,
    SavingsKind,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
)

__all__ = [
    "Account",
    "AccountBalance",
    "AccountType",
    "FiscalPeriod",
    "Heir",
    "HeirRelation",
    "JournalEntry",
    "Member",
    "MemberKind",
    "MemberNumberCounter",
    "MemberStatus",
    "MemberStatusChange",
    "NormalSide",
    "PeriodStatus",
    "Posting",
    "SavingsAccount",
    "SavingsKind",
    "SavingsProduct",
    "SavingsTransaction",
    "SavingsTransactionKind",
    "Sex",
]
