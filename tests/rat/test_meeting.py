"""The meeting's services: quorum (anggota luar biasa never count), attendance by card or
number, votes (one member one vote), decisions locked, the SHU split approved at the RAT,
documents; every refusal clear and with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from audit.models import AuditEntry
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from tenants.books import member_card_token
from tenants.models import (
    ItemStatus,
    MemberKind,
    RatAttendance,
    RatBallot,
    RatBallotBox,
    RatDocument,
    RatVote,
    RatVoteMarker,
)
from tenants.rat.exceptions import AttendanceRefused, DocumentRefused, MeetingInvalid, VoteRefused
from tenants.rat.selectors import quorum, quorum_needed
from tenants.rat.services import (
    rat_attendance_record,
    rat_document_add,
    rat_item_close,
    rat_meeting_close,
    rat_meeting_create,
    rat_vote_cast,
    rat_voting_open,
)
from tests.factories import cooperative_ensure
from tests.rat.conftest import item_make, meeting_make, members_make, present
from tests.shu.conftest import member_make, split_make


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the services' messages in English (the msgids); the catalog
    would give Indonesian, the site's default."""
    with translation.override("en"):
        yield


MODELS = (RatAttendance, RatVote, RatVoteMarker, RatBallotBox, RatBallot, RatDocument, AuditEntry)


@contextmanager
def nothing_written() -> Iterator[None]:
    before = [m.objects.count() for m in MODELS]  # type: ignore[attr-defined]
    yield
    assert [m.objects.count() for m in MODELS] == before  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("eligible", "percent", "needed"),
    [(4, "50", 3), (10, "50", 6), (3, "50", 2), (3, "66.67", 3), (0, "50", 1), (9999, "50", 5000)],
)
def test_quorum_is_more_than_the_percentage(eligible, percent, needed):
    assert quorum_needed(eligible, Decimal(percent)) == needed


def test_quorum_counts_present_regular_members_only(session):
    found = quorum(session["meeting"])
    assert (found.eligible, found.present, found.present_eligible, found.needed) == (4, 5, 3, 3)
    assert found.reached


def test_associate_members_do_not_make_a_quorum(books):
    # given 4 regular members, 2 present, and 5 associate members, all present
    meeting = meeting_make(open_=True)
    regular = members_make(4)
    associate = members_make(5, MemberKind.LUAR_BIASA)
    present(meeting, *regular[:2], *associate)
    found = quorum(meeting)
    # then 7 present but only 2 of 4 eligible: no quorum
    assert (found.present, found.present_eligible, found.eligible) == (7, 2, 4)
    assert not found.reached
    item = item_make(meeting)
    with nothing_written(), pytest.raises(VoteRefused) as refused:
        rat_voting_open(actor=None, item=item)
    assert refused.value.code == "no_quorum"
    assert "2 of 4 eligible members are present, 3 are needed" in refused.value.messages[0]


def test_attendance_by_card_and_by_number(books):
    meeting = meeting_make()
    a, b = members_make(2)
    found, created = rat_attendance_record(
        actor=None, meeting=meeting, card_token=member_card_token(a)
    )
    assert created and found.method == "card" and found.member == a
    found, created = rat_attendance_record(
        actor=None, meeting=meeting, member_number=b.member_number
    )
    assert created and found.method == "number"
    again, created = rat_attendance_record(
        actor=None, meeting=meeting, card_token=member_card_token(a)
    )
    assert not created and again.pk == RatAttendance.objects.get(member=a).pk


@pytest.mark.parametrize(
    "case", ["forged", "foreign", "unknown_number", "both", "neither", "inactive", "closed"]
)
def test_attendance_refusals(books, case):
    meeting = meeting_make()
    member = members_make(1)[0]
    arguments = {"member_number": member.member_number}
    if case == "forged":
        arguments = {"card_token": member_card_token(member)[:-3] + "abc"}
    elif case == "foreign":
        alpha = cooperative_ensure("alpha")
        connection.set_tenant(alpha)
        stranger = member_make("Orang Alpha")
        token = member_card_token(stranger)
        connection.set_tenant(cooperative_ensure("ratuji"))
        arguments = {"card_token": token}
    elif case == "unknown_number":
        arguments = {"member_number": "9999999"}
    elif case == "both":
        arguments = {"member_number": member.member_number, "card_token": "x"}
    elif case == "neither":
        arguments = {}
    elif case == "inactive":
        arguments = {"member_number": member_make("Calon", status="applicant").member_number}
    elif case == "closed":
        from tenants.rat.services import rat_meeting_open

        rat_meeting_close(actor=None, meeting=rat_meeting_open(actor=None, meeting=meeting))
    with nothing_written(), pytest.raises(AttendanceRefused) as refused:
        rat_attendance_record(actor=None, meeting=meeting, **arguments)
    assert refused.value.messages[0]
    codes = {
        "forged": "card_invalid",
        "foreign": "card_foreign",
        "unknown_number": "member_unknown",
        "both": "lookup_invalid",
        "neither": "lookup_invalid",
        "inactive": "member_inactive",
        "closed": "meeting_closed",
    }
    assert refused.value.code == codes[case]


def test_an_open_vote_is_counted_and_locked(session, teller):
    meeting, regular = session["meeting"], session["regular"]
    item = item_make(meeting, voting="open")
    rat_voting_open(actor=None, item=item)
    for member, choice in zip(regular[:3], ["yes", "yes", "no"], strict=True):
        rat_vote_cast(actor=teller, item=item, member=member, choice=choice, channel="hall")
    closed = rat_item_close(actor=None, item=item)
    assert (closed.yes_count, closed.no_count, closed.abstain_count) == (2, 1, 0)
    assert closed.outcome == "approved" and closed.status == ItemStatus.CLOSED
    assert set(RatVote.objects.filter(item=item).values_list("member_id", "choice")) == {
        (regular[0].pk, "yes"),
        (regular[1].pk, "yes"),
        (regular[2].pk, "no"),
    }
    # the result is locked: the service refuses, and so does the database
    with pytest.raises(VoteRefused):
        rat_item_close(actor=None, item=item)
    with pytest.raises(DatabaseError, match="locked"), transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(yes_count=0)
    with pytest.raises(DatabaseError, match="not being voted on"), transaction.atomic():
        RatVote.objects.create(
            item=item, member=regular[3], choice="no", channel="hall", recorded_at=closed.closed_at
        )
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        RatVote.objects.filter(item=item).update(choice="no")


def test_a_tie_or_more_against_is_rejected(session, teller):
    item = item_make(session["meeting"], voting="secret")
    rat_voting_open(actor=None, item=item)
    for member, choice in zip(session["regular"][:3], ["yes", "no", "abstain"], strict=True):
        rat_vote_cast(actor=teller, item=item, member=member, choice=choice, channel="hall")
    closed = rat_item_close(actor=None, item=item)
    assert (closed.yes_count, closed.no_count, closed.abstain_count) == (1, 1, 1)
    assert closed.outcome == "rejected"


@pytest.mark.parametrize("voting", ["open", "secret"])
def test_a_member_cannot_vote_twice(session, teller, voting):
    item = item_make(session["meeting"], voting=voting)
    rat_voting_open(actor=None, item=item)
    member = session["regular"][0]
    rat_vote_cast(actor=teller, item=item, member=member, choice="yes", channel="hall")
    with nothing_written(), pytest.raises(VoteRefused) as refused:
        rat_vote_cast(actor=teller, item=item, member=member, choice="no", channel="hall")
    assert refused.value.code == "already_voted"
    assert "has already voted" in refused.value.messages[0]


def test_vote_refusals(session, teller, supervisor, ratuji):
    from tests.rat.conftest import with_login

    meeting = session["meeting"]
    item = item_make(meeting, voting="secret")
    absent, associate = session["regular"][3], session["associate"][0]
    regular = session["regular"][0]
    # not yet open for voting
    with nothing_written(), pytest.raises(VoteRefused) as refused:
        rat_vote_cast(actor=teller, item=item, member=regular, choice="yes", channel="hall")
    assert refused.value.code == "item_not_voting"
    rat_voting_open(actor=None, item=item)
    cases = [
        ({"member": associate}, "member_not_voting"),
        ({"member": absent}, "member_absent"),
        ({"member": regular, "choice": "maybe"}, "choice_invalid"),
        ({"member": regular, "channel": "post"}, "channel_invalid"),
        ({"member": regular, "actor": supervisor}, "vote_not_teller"),  # pengawas: no writing
        ({"member": regular, "actor": None}, "vote_not_teller"),
        ({"member": regular, "channel": "phone"}, "vote_not_own"),  # a teller is not the member
    ]
    other_login = with_login(ratuji, session["regular"][1])
    cases.append(({"member": regular, "channel": "phone", "actor": other_login}, "vote_not_own"))
    for changes, code in cases:
        arguments = {
            "actor": teller,
            "item": item,
            "member": regular,
            "choice": "yes",
            "channel": "hall",
            **changes,
        }
        with nothing_written(), pytest.raises(VoteRefused) as refused:
            rat_vote_cast(**arguments)
        assert refused.value.code == code, changes
        assert refused.value.messages[0]


def test_a_member_votes_on_the_phone(session, ratuji):
    from tests.rat.conftest import with_login

    member = session["regular"][0]
    user = with_login(ratuji, member)
    item = item_make(session["meeting"], voting="secret")
    rat_voting_open(actor=None, item=item)
    rat_vote_cast(actor=user, item=item, member=member, choice="abstain", channel="phone")
    assert RatVoteMarker.objects.get(item=item).channel == "phone"


def test_the_meeting_closes_only_when_no_vote_is_open(session):
    item = item_make(session["meeting"], voting="open")
    rat_voting_open(actor=None, item=item)
    with pytest.raises(MeetingInvalid) as refused:
        rat_meeting_close(actor=None, meeting=session["meeting"])
    assert refused.value.code == "meeting_votes_open"
    rat_item_close(actor=None, item=item)
    closed = rat_meeting_close(actor=None, meeting=session["meeting"])
    assert closed.status == "closed"


def test_a_consensus_item_needs_the_quorum_and_an_outcome(books):
    meeting = meeting_make(open_=True)
    regular = members_make(3)
    present(meeting, regular[0])
    item = item_make(meeting, voting="none", title="Rencana kerja")
    with pytest.raises(VoteRefused) as refused:
        rat_item_close(actor=None, item=item, outcome="approved")
    assert refused.value.code == "no_quorum"
    present(meeting, regular[1])
    with pytest.raises(VoteRefused) as refused:
        rat_item_close(actor=None, item=item, outcome="")
    assert refused.value.code == "outcome_invalid"
    with pytest.raises(VoteRefused):
        rat_voting_open(actor=None, item=item)  # decided by consensus, not a vote
    assert rat_item_close(actor=None, item=item, outcome="approved").outcome == "approved"


@pytest.mark.parametrize(
    ("votes", "approved"), [(["yes", "yes", "no"], True), (["no", "no", "yes"], False)]
)
def test_the_rat_approves_the_shu_split(session, teller, votes, approved):
    split = split_make(approved=False)
    item = item_make(session["meeting"], voting="open", title="Pembagian SHU", split_version=split)
    rat_voting_open(actor=None, item=item)
    for member, choice in zip(session["regular"], votes, strict=False):
        rat_vote_cast(actor=teller, item=item, member=member, choice=choice, channel="hall")
    rat_item_close(actor=None, item=item)
    split.refresh_from_db()
    assert split.is_approved is approved
    if approved:
        assert split.approved_meeting == session["meeting"]
        with pytest.raises(MeetingInvalid):  # an approved split is not put to a vote again
            item_make(session["meeting"], voting="open", split_version=split)


def test_meeting_input_is_checked(books):
    from datetime import date

    with pytest.raises(MeetingInvalid) as refused:
        rat_meeting_create(actor=None, title=" ", book_year=2025, held_on=date(2026, 3, 1))
    assert refused.value.code == "text_required"
    with pytest.raises(MeetingInvalid) as refused:
        rat_meeting_create(
            actor=None,
            title="RAT",
            book_year=2025,
            held_on=date(2026, 3, 1),
            quorum_percent=Decimal(100),
        )
    assert refused.value.code == "quorum_invalid"
    meeting = meeting_make()
    with pytest.raises(MeetingInvalid) as refused:
        item_make(meeting, voting="loud")
    assert refused.value.code == "voting_invalid"


def test_documents_are_kept_under_the_cooperatives_media_folder(books, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = meeting_make()
    content = b"%PDF-1.4 laporan pertanggungjawaban"
    document = rat_document_add(
        actor=None, meeting=meeting, title="LPJ Pengurus", file_name="lpj.PDF", content=content
    )
    path = Path(tmp_path) / connection.schema_name / "rat" / str(meeting.pk) / document.stored_name
    assert path.read_bytes() == content
    assert document.extension == "pdf" and document.size == len(content)
    for name, body, code in [
        ("virus.exe", content, "document_type"),
        ("kosong.pdf", b"", "document_empty"),
        ("besar.pdf", b"x" * (10 * 1024 * 1024 + 1), "document_too_large"),
        ("lagi.pdf", content, "document_repeated"),
    ]:
        with nothing_written(), pytest.raises(DocumentRefused) as refused:
            rat_document_add(
                actor=None, meeting=meeting, title="Dokumen", file_name=name, content=body
            )
        assert refused.value.code == code
    assert len(list(path.parent.iterdir())) == 1
