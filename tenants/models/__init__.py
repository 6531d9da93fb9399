"""The cooperative's own books (every table here lives in the cooperative's schema)."""

from tenants.models.books import *  # noqa: F403  (SavingsReservation, MemberBusiness)
from tenants.models.interest import *  # noqa: F403  (jasa runs, time deposits, resignation)
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
from tenants.models.loans import *  # noqa: F403  (products, loans, schedules, aging)
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
from tenants.models.memberweb import MemberActivation, MemberLogin
from tenants.models.rat import *  # noqa: F403  (meetings, agenda, attendance, votes)
from tenants.models.savings import (
    SavingsAccount,
    SavingsKind,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
)
from tenants.models.shu import *  # noqa: F403  (split versions, final runs, shares)
from tenants.models.teller import CashDrawer, CashDrawerMovement  # noqa: F401

__all__ = [
    "Account",
    "AccountBalance",
    "AccountType",
    "FiscalPeriod",
    "Heir",
    "HeirRelation",
    "JournalEntry",
    "Member",
    "MemberActivation",
    "MemberKind",
    "MemberLogin",
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
