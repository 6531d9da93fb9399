"""Reads of the member registry (the current cooperative's schema)."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.members import crypto
from tenants.members.nik import nik_compact, nik_mask, phone_mask
from tenants.models import Heir, Member

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
