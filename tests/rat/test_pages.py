"""The meeting's pages: set-up (board), attendance desk and hall votes (tellers), the quorum
screen, documents, the member's phone ballot; happy paths and permission failures."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tenants.books import member_card_token
from tenants.models import (
    MemberKind,
    RatAgendaItem,
    RatAttendance,
    RatDocument,
    RatMeeting,
    RatVoteMarker,
)
from tenants.rat.services import rat_document_add, rat_voting_open
from tests.rat.conftest import item_make, meeting_make, members_make, with_login

BASE = "/staf/rat/"


@pytest.fixture
def english(client_for):
    def make(cooperative, user=None):
        client = client_for(cooperative, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_anonymous_is_sent_to_login(ratuji, english):
    response = english(ratuji).get(BASE)
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_permissions(books, ratuji, english, supervisor, teller):
    meeting = meeting_make(open_=True)
    member = members_make(1)[0]
    member_user = with_login(ratuji, member)
    # a member has no staff page
    client = english(ratuji, member_user)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{meeting.pk}/paket.pdf").status_code == 403
    # a supervisor reads but records nothing
    client = english(ratuji, supervisor)
    assert client.get(f"{BASE}{meeting.pk}/").status_code == 200
    assert client.get(f"{BASE}{meeting.pk}/hadir/").status_code == 403
    assert (
        client.post(f"{BASE}{meeting.pk}/hadir/", {"nomor": member.member_number}).status_code
        == 403
    )
    assert client.post(BASE + "baru/", {}).status_code == 403
    # a teller records arrivals but does not run the meeting
    client = english(ratuji, teller)
    assert client.post(f"{BASE}{meeting.pk}/tutup/").status_code == 403
    assert (
        client.post(f"{BASE}{meeting.pk}/agenda/", {"title": "x", "voting": "open"}).status_code
        == 403
    )
    connection.set_tenant(ratuji)
    assert not RatAttendance.objects.exists()


def test_the_board_sets_up_and_runs_a_meeting(books, ratuji, english, board, teller):
    client = english(ratuji, board)
    response = client.post(
        BASE + "baru/",
        {
            "title": "RAT Tahun Buku 2025",
            "book_year": "2025",
            "held_on": "2026-03-01",
            "place": "Balai Desa",
            "quorum_percent": "50",
        },
    )
    assert response.status_code == 302
    connection.set_tenant(ratuji)
    meeting = RatMeeting.objects.get(title="RAT Tahun Buku 2025")
    assert response["Location"] == f"{BASE}{meeting.pk}/"
    response = client.post(
        f"{BASE}{meeting.pk}/agenda/", {"title": "Pengesahan LPJ", "voting": "secret"}
    )
    assert response.status_code == 302
    bad = client.post(f"{BASE}{meeting.pk}/agenda/", {"title": "", "voting": "secret"})
    assert bad.status_code == 400
    upload = SimpleUploadedFile("lpj.pdf", b"%PDF-1.4 LPJ", content_type="application/pdf")
    response = client.post(f"{BASE}{meeting.pk}/dokumen/", {"title": "LPJ", "file": upload})
    assert response.status_code == 302
    assert client.post(f"{BASE}{meeting.pk}/buka/").status_code == 302
    desk = english(ratuji, teller)
    connection.set_tenant(ratuji)
    members = members_make(2)
    item = RatAgendaItem.objects.get(meeting=meeting)
    token = member_card_token(members[0])
    # tellers register arrivals by card and by number
    response = desk.post(f"{BASE}{meeting.pk}/hadir/", {"token": token})
    assert response.status_code == 200
    assert f"Welcome, {members[0].member_number}" in response.content.decode()
    response = desk.post(f"{BASE}{meeting.pk}/hadir/", {"nomor": members[1].member_number})
    assert response.status_code == 200
    assert 'data-reached="yes"' in response.content.decode()
    bad = desk.post(f"{BASE}{meeting.pk}/hadir/", {"token": "not-a-card"})
    assert bad.status_code == 400 and "This member card is not valid." in bad.content.decode()
    # the board starts the vote; a teller records both votes in the hall
    assert client.post(f"{BASE}{meeting.pk}/agenda/{item.pk}/mulai/").status_code == 302
    for member, choice in zip(members, ["yes", "no"], strict=True):
        response = desk.post(
            f"{BASE}{meeting.pk}/agenda/{item.pk}/suara/",
            {"nomor": member.member_number, "choice": choice},
        )
        assert response.status_code == 200
        assert (
            f"The vote of member {member.member_number} is recorded." in response.content.decode()
        )
    again = desk.post(
        f"{BASE}{meeting.pk}/agenda/{item.pk}/suara/",
        {"nomor": members[0].member_number, "choice": "yes"},
    )
    assert again.status_code == 400 and "has already voted" in again.content.decode()
    assert client.post(f"{BASE}{meeting.pk}/agenda/{item.pk}/putuskan/").status_code == 302
    page = client.get(f"{BASE}{meeting.pk}/").content.decode()
    assert "agree 1, disagree 1, abstain 0" in page
    connection.set_tenant(ratuji)
    stored = RatDocument.objects.get(meeting=meeting)
    download = desk.get(f"{BASE}{meeting.pk}/dokumen/{stored.pk}/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 LPJ"


def test_opening_a_vote_without_quorum_shows_why(books, ratuji, english, board):
    meeting = meeting_make(open_=True)
    members_make(3)
    item = item_make(meeting)
    response = english(ratuji, board).post(f"{BASE}{meeting.pk}/agenda/{item.pk}/mulai/")
    assert response.status_code == 400
    assert (
        "No quorum: 0 of 3 eligible members are present, 2 are needed." in response.content.decode()
    )


def test_the_quorum_screen_refreshes_itself(session, ratuji, english, teller):
    response = english(ratuji, teller).get(f"{BASE}{session['meeting'].pk}/kuorum/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="10">' in page
    assert '<strong id="present-eligible">3</strong> / 4' in page


@pytest.fixture
def phone(session: dict[str, Any], ratuji: Any, english: Any) -> dict[str, Any]:
    item = item_make(session["meeting"], voting="secret", title="Pemilihan pengawas")
    rat_voting_open(actor=None, item=item)
    member = session["regular"][0]
    user = with_login(ratuji, member)
    connection.set_tenant(ratuji)
    return {"item": item, "member": member, "client": english(ratuji, user)}


def test_a_member_votes_on_the_phone_once(phone, ratuji):
    client, item = phone["client"], phone["item"]
    page = client.get("/anggota/rat/")
    assert page.status_code == 200
    assert "Pemilihan pengawas" in page.content.decode()
    response = client.post(f"/anggota/rat/suara/{item.pk}/", {"choice": "yes"})
    assert response.status_code == 302
    after = client.get("/anggota/rat/").content.decode()
    assert "You have voted on this item." in after
    again = client.post(f"/anggota/rat/suara/{item.pk}/", {"choice": "no"})
    assert again.status_code == 400 and "has already voted" in again.content.decode()
    bad = client.post(f"/anggota/rat/suara/{item.pk}/", {"choice": "maybe"})
    assert bad.status_code == 400
    connection.set_tenant(ratuji)
    assert RatVoteMarker.objects.filter(item=item).count() == 1


def test_a_member_not_present_or_associate_cannot_vote(session, ratuji, english):
    item = item_make(session["meeting"], voting="open")
    rat_voting_open(actor=None, item=item)
    absent = with_login(ratuji, session["regular"][3])
    associate_member = session["associate"][0]
    assert associate_member.kind == MemberKind.LUAR_BIASA
    associate = with_login(ratuji, associate_member)
    connection.set_tenant(ratuji)
    client = english(ratuji, absent)
    assert 'id="not-present"' in client.get("/anggota/rat/").content.decode()
    response = client.post(f"/anggota/rat/suara/{item.pk}/", {"choice": "yes"})
    assert response.status_code == 400
    assert "is not registered as present" in response.content.decode()
    client = english(ratuji, associate)
    response = client.post(f"/anggota/rat/suara/{item.pk}/", {"choice": "yes"})
    assert response.status_code == 400
    assert "may speak at the meeting but do not vote" in response.content.decode()


def test_members_read_the_meetings_documents(session, ratuji, english, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = rat_document_add(
        actor=None,
        meeting=session["meeting"],
        title="RAPB 2026",
        file_name="rapb.xlsx",
        content=b"PK xlsx",
    )
    user = with_login(ratuji, session["regular"][0])
    connection.set_tenant(ratuji)
    client = english(ratuji, user)
    assert "RAPB 2026" in client.get("/anggota/rat/").content.decode()
    response = client.get(f"/anggota/rat/dokumen/{document.pk}/")
    assert response.status_code == 200 and response.content == b"PK xlsx"


def test_no_meeting_in_session(books, ratuji, english):
    meeting_make()  # being prepared, not in session
    user = with_login(ratuji, members_make(1)[0])
    connection.set_tenant(ratuji)
    page = english(ratuji, user).get("/anggota/rat/").content.decode()
    assert "No meeting is in session now." in page


def test_documents_of_a_meeting_being_prepared_are_not_the_members_yet(
    books, ratuji, english, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = meeting_make()  # being prepared
    document = rat_document_add(
        actor=None, meeting=meeting, title="Draf LPJ", file_name="draf.pdf", content=b"%PDF draf"
    )
    user = with_login(ratuji, members_make(1)[0])
    connection.set_tenant(ratuji)
    assert english(ratuji, user).get(f"/anggota/rat/dokumen/{document.pk}/").status_code == 404
