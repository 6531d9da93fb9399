"""Registering many members at once (the import, the demo): same checks, all or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tenants.members.exceptions import MembersRefused
from tenants.members.services import MemberInput, members_register_many
from tenants.models import Member, MemberStatusChange, Sex
from tests.members.conftest import ADDRESS, KK, make_nik

BIRTH = date(1980, 5, 17)


def person(**changes: Any) -> MemberInput:
    values: dict[str, Any] = {
        "full_name": "Siti Aminah",
        "nik": make_nik(BIRTH, Sex.FEMALE),
        "kk_number": KK,
        "birth_place": "Bogor",
        "birth_date": BIRTH,
        "sex": Sex.FEMALE,
        "address": ADDRESS,
        "join_date": date(2024, 2, 1),
    } | changes
    return MemberInput(**values)


def test_numbers_are_consecutive_and_every_member_has_a_status_change(books: Any) -> None:
    made = members_register_many(actor=None, people=[person(), person(), person()])
    numbers = [int(m.member_number) for m in made]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert all(m.status == "active" for m in made)
    assert MemberStatusChange.objects.filter(member__in=made, to_status="active").count() == 3
    assert Member.objects.get(pk=made[1].pk).full_name == "Siti Aminah"


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ({"nik": "123"}, "nik_shape"),
        ({"sex": "x"}, "sex"),
        ({"birth_date": date(2015, 1, 1)}, "too_young"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_one_bad_person_refuses_all_and_names_them(books: Any, bad: dict, code: str) -> None:
    before = Member.objects.count()
    with pytest.raises(MembersRefused) as refused:
        members_register_many(actor=None, people=[person(), person(**bad), person()])
    assert refused.value.index == 1 and refused.value.code == code
    assert Member.objects.count() == before


def test_a_nik_twice_in_the_list_or_already_registered_is_refused(books: Any) -> None:
    twin = person()
    before = Member.objects.count()
    with pytest.raises(MembersRefused) as refused:
        members_register_many(actor=None, people=[person(), twin, twin])
    assert refused.value.index == 2 and refused.value.code == "nik_duplicate"
    (existing,) = members_register_many(actor=None, people=[twin])
    with pytest.raises(MembersRefused) as again:
        members_register_many(actor=None, people=[person(), twin])
    assert again.value.index == 1 and again.value.code == "nik_duplicate"
    assert Member.objects.count() == before + 1 and existing.pk


def test_register_with_heirs_is_one_transaction(books: Any) -> None:
    from tenants.members.exceptions import MemberInvalid
    from tenants.members.services import HeirInput, member_register
    from tenants.models import Heir

    fields: dict[str, Any] = {
        "actor": None,
        "full_name": "Siti Aminah",
        "kk_number": KK,
        "birth_place": "Bogor",
        "birth_date": BIRTH,
        "sex": Sex.FEMALE,
        "address": ADDRESS,
    }
    before = (Member.objects.count(), Heir.objects.count())
    with pytest.raises(MemberInvalid) as refused:
        member_register(
            nik=make_nik(BIRTH, Sex.FEMALE), heirs=[HeirInput("Ani", "child", 60)], **fields
        )
    assert refused.value.code == "share_total"
    assert (Member.objects.count(), Heir.objects.count()) == before
    member = member_register(
        nik=make_nik(BIRTH, Sex.FEMALE),
        heirs=[HeirInput("Ani", "child", 60), HeirInput("Budi", "child", 40)],
        **fields,
    )
    assert sorted(h.full_name for h in member.heirs.all()) == ["Ani", "Budi"]
