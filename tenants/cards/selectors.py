"""Reads for the member cards: what a card shows, and the member a scanned card names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from tenants.books import MemberUnavailable, card_member_resolve, member_card_token
from tenants.members.selectors import member_find_by_number
from tenants.models import Member

SHEET_MAX = 100


@dataclass(frozen=True)
class Card:
    cooperative: str
    member_name: str
    member_number: str
    join_date: date
    qr_payload: str  # the signed token, exactly the text put into the QR code

    @property
    def join_date_text(self) -> str:
        return self.join_date.strftime("%d-%m-%Y")


def card_data(member: Member) -> Card:
    """What the member's card shows. Made in the member's cooperative's schema."""
    tenant = getattr(connection, "tenant", None)
    return Card(
        cooperative=getattr(tenant, "name", "") or "",
        member_name=member.full_name,
        member_number=member.member_number,
        join_date=member.join_date,
        qr_payload=member_card_token(member),
    )


def card_member(token: str) -> Member:
    """The member of this cooperative a scanned card names. Refuses a forged or damaged
    token (``card_invalid``), another cooperative's card (``card_foreign``) and a card
    whose member is gone (``card_unknown``)."""
    member = card_member_resolve(token)
    if member is None:
        raise MemberUnavailable(
            _("There is no such member in this cooperative."), code="card_unknown"
        )
    return member


def members_by_numbers(text: str) -> tuple[list[Member], list[str]]:
    """The members named by the numbers in ``text`` (separated by spaces, commas or new
    lines), in the order given, and the numbers that name no member."""
    numbers = [part for part in text.replace(",", " ").split() if part]
    found: list[Member] = []
    missing: list[str] = []
    for number in numbers[:SHEET_MAX]:
        member = member_find_by_number(number)
        if member is None:
            missing.append(number)
        else:
            found.append(member)
    return found, missing
