"""Registering a member: every field checked, every bad input refused with nothing written."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from audit.models import AuditEntry
from django.db import connection
from django.utils import translation

from tenants.ledger.periods import business_today
from tenants.members.crypto import decrypt
from tenants.members.exceptions import MemberDuplicate, MemberError, NikInvalid
from tenants.members.selectors import member_kk_number, member_nik, member_phone
from tenants.members.services import MemberAddress
from tenants.models import Member, MemberKind, MemberNumberCounter, MemberStatus, Sex
from tests.members.conftest import ADDRESS, make_nik

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int, int]:
    counter = MemberNumberCounter.objects.first()
    return (
        Member.objects.count(),
        AuditEntry.objects.count(),
        counter.last_number if counter else 0,
        sum(m.status_changes.count() for m in Member.objects.all()),
    )


def test_a_valid_registration_is_stored_with_a_number_and_a_status_change(books, register):
    # given / when
    member = register(full_name="  Siti   Aminah ", sex=Sex.FEMALE, birth_date=date(1985, 3, 9))

    # then
    member.refresh_from_db()
    assert re.fullmatch(r"\d{7}", member.member_number)
    assert member.full_name == "Siti Aminah"
    assert member.status == MemberStatus.APPLICANT
    assert member.kind == MemberKind.BIASA
    assert member.rt == "001" and member.rw == "004"
    assert member_nik(member)[6:12] == "490385"
    assert member_kk_number(member) == "3273012501090003"
    assert member_phone(member) == "6281234567890"
    change = member.status_changes.get()
    assert (change.from_status, change.to_status) == ("", MemberStatus.APPLICANT)
    assert change.effective_date == date(2024, 1, 15)


def test_registration_may_admit_at_once_and_numbers_follow_each_other(books, register):
    first = register(status=MemberStatus.ACTIVE)
    second = register()
    assert first.status == MemberStatus.ACTIVE
    assert int(second.member_number) == int(first.member_number) + 1


def test_the_audit_row_holds_no_personal_data(books, register):
    member = register(phone="081299887766")
    entry = AuditEntry.objects.get(action="members.member.register", object_id=str(member.pk))
    text = f"{entry.summary} {entry.data}"
    nik = member_nik(member)
    for secret in (nik, nik[6:12], "3273012501090003", "81299887766", "Siti Aminah"):
        assert secret not in text
    assert entry.data["member_number"] == member.member_number


def test_the_raw_columns_do_not_contain_the_digits(books, register):
    member = register(phone="081299887766")
    nik = member_nik(member)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(m)::text FROM members_member m WHERE id = %s", [member.pk]
        )
        (raw,) = cursor.fetchone()
    assert nik not in raw
    assert "3273012501090003" not in raw
    assert "81299887766" not in raw
    assert decrypt(member.nik_encrypted) == nik


def test_str_and_repr_never_show_nik_or_phone(books, register):
    member = register(phone="081299887766")
    nik = member_nik(member)
    for shown in (str(member), repr(member)):
        assert nik not in shown and "81299887766" not in shown
        assert member.member_number in shown


def _today() -> date:
    return business_today()


BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("nik too short", {"nik": "320101170580001"}, "nik_shape"),
    ("nik letters", {"nik": "32010117058000AB"}, "nik_shape"),
    ("nik unknown region", {"nik": "9901011705800001"}, "nik_invalid"),
    ("nik impossible date", {"nik": "3201013202800001"}, "nik_invalid"),
    ("nik date differs from birth date", {"nik": "3201011805800001"}, "nik_birth_date"),
    ("nik year differs", {"nik": "3201011705810001"}, "nik_birth_date"),
    ("woman with a man's nik", {"sex": Sex.FEMALE, "nik": "3201011705800001"}, "nik_sex"),
    ("man with a woman's nik", {"nik": "3201015705800001"}, "nik_sex"),
    ("kk too short", {"kk_number": "327301250109000"}, "kk"),
    ("kk letters", {"kk_number": "32730125010900XX"}, "kk"),
    ("phone not mobile", {"phone": "021 555 1234"}, "phone"),
    ("phone garbage", {"phone": "12"}, "phone"),
    ("empty name", {"full_name": "   "}, "required"),
    ("empty birth place", {"birth_place": ""}, "required"),
    ("bad sex", {"sex": "x"}, "sex"),
    ("bad kind", {"kind": "gold"}, "kind"),
    ("registered as resigned", {"status": MemberStatus.RESIGNED}, "status"),
    ("join date in the future", {"join_date": date(2999, 1, 1)}, "join_date"),
    ("join date before birth", {"join_date": date(1970, 1, 1)}, "join_date"),
    ("bad rt", {"address": MemberAddress("a", "b", "c", "d", rt="12a")}, "rt_rw"),
    (
        "bad postal code",
        {"address": MemberAddress("a", "b", "c", "d", postal_code="401")},
        "postal_code",
    ),
    ("missing desa", {"address": MemberAddress("", "b", "c", "d")}, "required"),
    ("bad user id", {"user_id": -3}, "user_id"),
    (
        "birth date not a date",
        {"birth_date": "1980-05-17", "nik": "3201011705800001"},
        "birth_date",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "code"), [(o, c) for _, o, c in BAD_INPUTS], ids=[n for n, _, _ in BAD_INPUTS]
)
def test_every_bad_input_is_refused_and_nothing_is_written(books, register, overrides, code):
    # given
    before = written()

    # when / then
    with pytest.raises(MemberError) as refused:
        register(**overrides)
    assert refused.value.code == code
    assert refused.value.messages[0]
    assert written() == before


def test_a_minor_is_refused_as_regular_member_but_accepted_as_associate(books, register):
    born = _today() - timedelta(days=16 * 365)
    before = written()
    with pytest.raises(MemberError) as refused:
        register(birth_date=born, join_date=_today())
    assert refused.value.code == "too_young"
    assert written() == before

    member = register(birth_date=born, join_date=_today(), kind=MemberKind.LUAR_BIASA)
    assert member.kind == MemberKind.LUAR_BIASA


def test_a_seventeen_year_old_may_be_a_regular_member(books, register):
    born = date(2000, 3, 1)
    member = register(birth_date=born, join_date=date(2017, 3, 1))
    assert member.kind == MemberKind.BIASA
    with pytest.raises(MemberError):
        register(birth_date=born, join_date=date(2017, 2, 28))


def test_a_woman_registers_with_day_plus_forty(books, register):
    born = date(1990, 12, 31)
    member = register(sex=Sex.FEMALE, birth_date=born, nik=make_nik(born, Sex.FEMALE))
    assert member_nik(member)[6:8] == "71"


def test_the_birth_date_cannot_be_in_the_future(books, register):
    tomorrow = _today() + timedelta(days=1)
    with pytest.raises(MemberError) as refused:
        register(birth_date=tomorrow, nik=make_nik(tomorrow))
    assert refused.value.code == "birth_date"


def test_a_duplicate_nik_in_the_same_cooperative_is_refused(books, register):
    nik = make_nik(date(1980, 5, 17))
    register(nik=nik)
    before = written()
    with pytest.raises(MemberDuplicate) as refused:
        register(nik=f"{nik[:6]}.{nik[6:12]}.{nik[12:]}", full_name="Orang Lain")
    assert refused.value.code == "nik_duplicate"
    assert written() == before


def test_the_same_nik_may_join_another_cooperative(alpha, beta, register):
    nik = make_nik(date(1980, 5, 17))
    connection.set_tenant(alpha)
    in_alpha = register(nik=nik)
    connection.set_tenant(beta)
    in_beta = register(nik=nik)
    assert member_nik(in_beta) == member_nik(in_alpha) == nik
    assert Member.objects.filter(pk=in_beta.pk).exists()


def test_a_user_account_belongs_to_one_member(books, register):
    register(user_id=42)
    before = written()
    with pytest.raises(MemberDuplicate) as refused:
        register(user_id=42)
    assert refused.value.code == "user_duplicate"
    assert written() == before


def test_refusals_are_translated_to_indonesian(books, register):
    with translation.override("id"), pytest.raises(NikInvalid) as refused:
        register(nik="123")
    assert refused.value.messages == ["NIK terdiri dari tepat 16 angka."]


def test_default_address_fixture_is_valid(books, register):
    assert register(address=ADDRESS).kabupaten == "Kota Bandung"
