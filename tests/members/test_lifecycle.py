"""applicant -> active -> resigned / deceased (with an heir who continues) / expelled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from audit.models import AuditEntry

from tenants.members.exceptions import MemberError, NikInvalid, TransitionRefused
from tenants.members.selectors import heir_nik, member_phone
from tenants.members.services import (
    HeirInput,
    MemberAddress,
    member_activate,
    member_expel,
    member_heirs_set,
    member_record_death,
    member_resign,
    member_update_contact,
)
from tenants.models import Heir, MemberStatus, MemberStatusChange

pytestmark = pytest.mark.django_db

DAY = date(2024, 6, 1)


def test_an_applicant_is_activated_with_a_dated_change(books, register):
    member = register()
    member = member_activate(actor=None, member=member, effective_date=DAY, reason="RAT 2024")
    assert member.status == MemberStatus.ACTIVE
    change = member.status_changes.last()
    assert (change.from_status, change.to_status, change.effective_date, change.reason) == (
        MemberStatus.APPLICANT,
        MemberStatus.ACTIVE,
        DAY,
        "RAT 2024",
    )


@pytest.mark.parametrize(
    ("leave", "status"),
    [
        (lambda m: member_resign(actor=None, member=m, effective_date=DAY), "resigned"),
        (lambda m: member_expel(actor=None, member=m, reason="Rapat pengurus"), "expelled"),
        (lambda m: member_record_death(actor=None, member=m, date_of_death=DAY), "deceased"),
    ],
)
def test_an_active_member_leaves(books, register, leave, status):
    member = register(status=MemberStatus.ACTIVE)
    assert leave(member).status == status
    assert member.status_changes.last().to_status == status


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (MemberStatus.APPLICANT, member_resign),
        (MemberStatus.APPLICANT, lambda **kw: member_expel(reason="x", **kw)),
        (MemberStatus.ACTIVE, member_activate),
    ],
)
def test_a_transition_out_of_order_is_refused(books, register, start, move):
    member = register(status=start)
    before = (MemberStatusChange.objects.count(), AuditEntry.objects.count())
    with pytest.raises(TransitionRefused):
        move(actor=None, member=member)
    member.refresh_from_db()
    assert member.status == start
    assert (MemberStatusChange.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("final", ["resign", "expel", "death"])
def test_nothing_follows_the_end_of_a_membership(books, register, final):
    member = register(status=MemberStatus.ACTIVE)
    if final == "resign":
        member_resign(actor=None, member=member)
    elif final == "expel":
        member_expel(actor=None, member=member, reason="Melanggar AD/ART")
    else:
        member_record_death(actor=None, member=member, date_of_death=DAY)
    for move in (member_activate, member_resign):
        with pytest.raises(TransitionRefused):
            move(actor=None, member=member)


def test_expelling_needs_a_reason(books, register):
    member = register(status=MemberStatus.ACTIVE)
    with pytest.raises(MemberError) as refused:
        member_expel(actor=None, member=member, reason="  ")
    assert refused.value.code == "reason"
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_a_change_cannot_predate_joining_or_be_in_the_future(books, register):
    member = register(status=MemberStatus.ACTIVE)
    for day in (date(2023, 12, 31), date(2999, 1, 1)):
        with pytest.raises(MemberError):
            member_resign(actor=None, member=member, effective_date=day)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_an_heir_member_continues_after_a_death(books, register):
    member = register(status=MemberStatus.ACTIVE)
    heir = register(status=MemberStatus.ACTIVE, full_name="Budi")
    member_record_death(actor=None, member=member, date_of_death=DAY, heir_member=heir)
    change = member.status_changes.last()
    assert change.heir_member == heir
    entry = AuditEntry.objects.filter(action="members.member.deceased").latest("id")
    assert entry.data["heir_member_number"] == heir.member_number


def test_a_departed_member_or_oneself_cannot_be_the_heir(books, register):
    member = register(status=MemberStatus.ACTIVE)
    gone = register(status=MemberStatus.ACTIVE)
    member_resign(actor=None, member=gone)
    for heir in (gone, member):
        with pytest.raises(MemberError):
            member_record_death(actor=None, member=member, date_of_death=DAY, heir_member=heir)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_heirs_are_named_with_shares_adding_up_to_100(books, register):
    member = register(status=MemberStatus.ACTIVE)
    heirs = member_heirs_set(
        actor=None,
        member=member,
        heirs=[
            HeirInput("Ani", "spouse", "50", nik="3201014101850002"),
            HeirInput("Bima", "child", Decimal("50.00")),
        ],
    )
    assert [h.full_name for h in heirs] == ["Ani", "Bima"]
    assert heir_nik(heirs[0]) == "3201014101850002"
    assert "3201014101850002" not in heirs[0].nik_encrypted
    assert heir_nik(heirs[1]) == ""


@pytest.mark.parametrize(
    "heirs",
    [
        [HeirInput("Ani", "spouse", "60"), HeirInput("Bima", "child", "30")],
        [HeirInput("Ani", "neighbour", "100")],
        [HeirInput("", "spouse", "100")],
        [HeirInput("Ani", "spouse", "0")],
        [HeirInput("Ani", "spouse", "abc")],
    ],
)
def test_bad_heirs_are_refused(books, register, heirs):
    member = register(status=MemberStatus.ACTIVE)
    member_heirs_set(actor=None, member=member, heirs=[HeirInput("Ani", "spouse", 100)])
    with pytest.raises(MemberError):
        member_heirs_set(actor=None, member=member, heirs=heirs)
    assert list(Heir.objects.filter(member=member).values_list("full_name", flat=True)) == ["Ani"]


def test_a_bad_heir_nik_is_refused(books, register):
    member = register()
    with pytest.raises(NikInvalid):
        member_heirs_set(actor=None, member=member, heirs=[HeirInput("A", "child", 100, "12")])


def test_contact_details_are_updated(books, register):
    member = register()
    new_address = MemberAddress("Cikole", "Lembang", "Bandung Barat", "Jawa Barat", rt="2")
    member = member_update_contact(
        actor=None, member=member, phone="+62 813-1111-2222", address=new_address
    )
    member.refresh_from_db()
    assert member_phone(member) == "6281311112222"
    assert (member.desa, member.rt) == ("Cikole", "002")
    entry = AuditEntry.objects.filter(action="members.member.update_contact").latest("id")
    assert "6281311112222" not in str(entry.data)


def test_a_bad_phone_update_changes_nothing(books, register):
    member = register()
    token = member.phone_encrypted
    with pytest.raises(MemberError):
        member_update_contact(actor=None, member=member, phone="999")
    member.refresh_from_db()
    assert member.phone_encrypted == token
