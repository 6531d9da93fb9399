"""RAT fixtures: their own cooperative ("ratuji"), a meeting, members of both kinds (some
with a phone login), a board member and a teller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tenants.ledger.periods import business_today
from tenants.memberweb.services import member_user_ensure
from tenants.models import Member, MemberKind, RatAgendaItem, RatMeeting
from tenants.rat.services import (
    rat_attendance_record,
    rat_item_add,
    rat_meeting_create,
    rat_meeting_open,
)
from tests.factories import PASSWORD, cooperative_ensure, user_make
from tests.shu.conftest import member_make

SLUG = "ratuji"


def meeting_make(*, title: str = "RAT Tahun Buku 2025", open_: bool = False) -> RatMeeting:
    meeting = rat_meeting_create(
        actor=None, title=title, book_year=2025, held_on=business_today(), place="Balai Desa"
    )
    if open_:
        meeting = rat_meeting_open(actor=None, meeting=meeting)
    return meeting


def members_make(count: int, kind: str = MemberKind.BIASA) -> list[Member]:
    return [member_make(f"Anggota {kind} {n}", kind=kind) for n in range(count)]


def present(meeting: RatMeeting, *members: Member) -> None:
    for member in members:
        rat_attendance_record(actor=None, meeting=meeting, member_number=member.member_number)


def item_make(meeting: RatMeeting, voting: str = "secret", **extra: Any) -> RatAgendaItem:
    return rat_item_add(
        actor=None,
        meeting=meeting,
        title=extra.pop("title", "Pengesahan LPJ"),
        voting=voting,
        **extra,
    )


def with_login(cooperative: Any, member: Member) -> Any:
    return member_user_ensure(member=member, cooperative=cooperative, password=PASSWORD)


@pytest.fixture
def ratuji(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(ratuji: Any) -> Iterator[Any]:
    connection.set_tenant(ratuji)
    yield ratuji
    connection.set_schema_to_public()


@pytest.fixture
def board(ratuji: Any) -> Any:
    return user_make("rat-board", roles={ratuji: ["pengurus"]})


@pytest.fixture
def teller(ratuji: Any) -> Any:
    return user_make("rat-teller", roles={ratuji: ["kasir"]})


@pytest.fixture
def supervisor(ratuji: Any) -> Any:
    return user_make("rat-pengawas", roles={ratuji: ["pengawas"]})


@pytest.fixture
def session(books: Any) -> dict[str, Any]:
    """An open meeting with 4 regular members (3 present) and 2 associate members (both
    present): quorum 3 of 4 eligible (more than half: 3 needed)."""
    meeting = meeting_make(open_=True)
    regular = members_make(4)
    associate = members_make(2, MemberKind.LUAR_BIASA)
    present(meeting, *regular[:3], *associate)
    return {"meeting": meeting, "regular": regular, "associate": associate}
