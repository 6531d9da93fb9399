"""NIK and KK numbers: shape and embedded birth date (python-stdnum), cross-checked against
the birth date and sex the member gave; and masking for display and logs."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik
from stdnum.util import clean, isdigits

from tenants.members.exceptions import MemberInvalid, NikInvalid
from tenants.models import Sex

FEMALE_DAY_OFFSET = 40


def nik_compact(raw: str) -> str:
    return stdnum_nik.compact(raw or "")


def nik_validate(raw: str, *, birth_date: date, sex: str) -> str:
    """The NIK in compact form, or NikInvalid: 16 digits, a known region, a real embedded
    date, matching ``birth_date`` (day + 40 for women)."""
    number = nik_compact(raw)
    if not isdigits(number) or len(number) != 16:
        raise NikInvalid(_("A NIK has exactly 16 digits."), code="nik_shape")
    try:
        stdnum_nik.validate(number)
    except StdnumError as exc:
        raise NikInvalid(
            _("This NIK is not valid: check the region code and the date of birth in it."),
            code="nik_invalid",
        ) from exc
    day = int(number[6:8])
    if sex == Sex.FEMALE and day <= FEMALE_DAY_OFFSET:
        raise NikInvalid(
            _("For a woman the NIK holds the day of birth plus 40; check the NIK and the sex."),
            code="nik_sex",
        )
    if sex == Sex.MALE and day > FEMALE_DAY_OFFSET:
        raise NikInvalid(
            _("This NIK belongs to a woman (day of birth plus 40); check the NIK and the sex."),
            code="nik_sex",
        )
    embedded = (day % FEMALE_DAY_OFFSET, int(number[8:10]), int(number[10:12]))
    if embedded != (birth_date.day, birth_date.month, birth_date.year % 100):
        raise NikInvalid(
            _("The date of birth in the NIK does not match the date of birth given."),
            code="nik_birth_date",
        )
    return number


def kk_validate(raw: str) -> str:
    """The family card (KK) number in compact form: 16 digits."""
    number = clean(raw or "", " -.").strip()
    if not isdigits(number) or len(number) != 16 or number.startswith("00"):
        raise MemberInvalid(_("A family card (KK) number has exactly 16 digits."), code="kk")
    return number


def nik_mask(number: str) -> str:
    """``3201234567890004`` -> ``3201********0004``: region and serial only."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def phone_mask(phone: str) -> str:
    """``6281234567890`` -> ``6281*****7890``."""
    if len(phone) <= 8:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 8) + phone[-4:]
