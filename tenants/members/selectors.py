"""Reads of the member registry (the current cooperative's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from tenants.members import crypto
from tenants.members.nik import nik_compact, nik_mask, phone_mask
from tenants.models import (
    Heir,
    Member,
    MemberStatusChange,
    ResignationSettlement,
    SavingsAccount,
    SavingsKind,
    TermDeposit,
    TermDepositStatus,
)

SEARCH_LIMIT = 50


def member_find_by_number(number: str) -> Member | None:
    number = (number or "").strip()
    if not number.isdigit():
        return None
    return Member.objects.filter(member_number=number.zfill(7)).first()


def member_find_by_nik(nik: str) -> Member | None:
    """Through the keyed hash: the plain NIK is never in a query."""
    number = nik_compact(nik)
    if not number:
        return None
    return Member.objects.filter(nik_hash=crypto.lookup_hash("nik", number)).first()


def member_search(query: str, *, limit: int = SEARCH_LIMIT) -> QuerySet[Member]:
    """Members whose number starts with the digits given, or whose name starts with the
    words given (case-insensitive)."""
    query = " ".join((query or "").split())
    if not query:
        return Member.objects.none()
    if query.isdigit():
        found = Member.objects.filter(member_number__startswith=query)
        if len(query) < 7:
            found = found | Member.objects.filter(member_number=query.zfill(7))
    else:
        found = Member.objects.filter(full_name__istartswith=query)
    return found.order_by("member_number")[:limit]


def member_nik(member: Member) -> str:
    """The member's NIK in plain text, for the few screens that must show it whole."""
    return crypto.decrypt(member.nik_encrypted)


def member_kk_number(member: Member) -> str:
    return crypto.decrypt(member.kk_encrypted)


def member_phone(member: Member) -> str:
    return crypto.decrypt(member.phone_encrypted)


def member_nik_masked(member: Member) -> str:
    return nik_mask(member_nik(member))


def member_phone_masked(member: Member) -> str:
    return phone_mask(member_phone(member))


def heir_nik(heir: Heir) -> str:
    return crypto.decrypt(heir.nik_encrypted)


# The staff member pages (tenants.members.views): the list, a member's history and heirs,
# and what a resigned member would be paid out.

NIK_LENGTH = 16


def query_is_nik(query: str) -> bool:
    """A full NIK (spaces, dots and dashes allowed): searched through the keyed hash only.
    Member numbers have at most 12 digits, so 16 digits are never a member number."""
    number = nik_compact(query or "")
    return number.isdigit() and len(number) == NIK_LENGTH


def member_list(query: str = "", *, status: str = "") -> QuerySet[Member]:
    """The registry for the staff list, unsliced (for pagination): a full NIK through its
    keyed hash (the plain NIK never reaches SQL), digits as the start of a member number,
    anything else as part of the name; optionally one status."""
    query = " ".join((query or "").split())
    found = Member.objects.all()
    if query_is_nik(query):
        found = found.filter(nik_hash=crypto.lookup_hash("nik", nik_compact(query)))
    elif query.isdigit():
        by_prefix = Q(member_number__startswith=query)
        if len(query) < 7:
            by_prefix |= Q(member_number=query.zfill(7))
        found = found.filter(by_prefix)
    elif query:
        found = found.filter(full_name__icontains=query)
    if status:
        found = found.filter(status=status)
    return found.order_by("member_number")


def member_get(pk: int) -> Member | None:
    """A member of the current cooperative by id (another cooperative's id finds nothing
    here: each cooperative's rows live in its own schema)."""
    return Member.objects.filter(pk=pk).first()


def member_status_history(member: Member) -> QuerySet[MemberStatusChange]:
    return MemberStatusChange.objects.filter(member=member).select_related("heir_member")


def member_heirs(member: Member) -> QuerySet[Heir]:
    return Heir.objects.filter(member=member).order_by("id")


def heir_nik_masked(heir: Heir) -> str:
    return nik_mask(heir_nik(heir))


def member_kk_masked(member: Member) -> str:
    return nik_mask(member_kk_number(member))


@dataclass(frozen=True)
class ResignationPreview:
    """What tenants.interest.resignation.resignation_settle would return now: the open
    pokok and wajib balances. ``reserved`` and ``term_deposits_running`` are shown beside
    it because the settlement is refused while either is outstanding."""

    pokok: Decimal
    wajib: Decimal
    reserved: Decimal
    term_deposits_running: int

    @property
    def total(self) -> Decimal:
        return self.pokok + self.wajib


def resignation_preview(member: Member) -> ResignationPreview:
    # Which kinds a leaver gets back is the settlement's rule; imported here so that the
    # registry's selectors, imported by many modules, do not pull in the ledger at load.
    from tenants.interest.resignation import RETURNED_KINDS

    zero = Decimal("0.00")
    accounts = list(
        SavingsAccount.objects.filter(member=member, closed_at__isnull=True).only(
            "kind", "balance", "reserved"
        )
    )
    returned = [a for a in accounts if a.kind in RETURNED_KINDS]
    return ResignationPreview(
        pokok=sum((a.balance for a in returned if a.kind == SavingsKind.POKOK), zero),
        wajib=sum((a.balance for a in returned if a.kind == SavingsKind.WAJIB), zero),
        reserved=sum((a.reserved for a in accounts), zero),
        term_deposits_running=TermDeposit.objects.filter(
            member=member, status=TermDepositStatus.ACTIVE
        ).count(),
    )


def resignation_settlement_of(member: Member) -> ResignationSettlement | None:
    return ResignationSettlement.objects.filter(member=member).first()
