"""Member fixtures: alpha's schema as the current one, valid NIKs, and a short way to
register a member through the service."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection

from tenants.members.services import MemberAddress, member_register
from tenants.models import Member, MemberKind, Sex

# Leftovers of an interrupted transactional run must not collide with this run's NIKs.
_serials = itertools.count(random.randint(1000, 8000))

ADDRESS = MemberAddress(
    street="Jl. Merdeka 10",
    rt="1",
    rw="04",
    desa="Sukamaju",
    kecamatan="Cibeunying",
    kabupaten="Kota Bandung",
    provinsi="Jawa Barat",
    postal_code="40121",
)
KK = "3273012501090003"
PHONE = "0812 3456 7890"


def make_nik(birth_date: date, sex: str = Sex.MALE, serial: int | None = None) -> str:
    """A valid NIK (region 3201 01, Kabupaten Bogor) for that birth date and sex."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    serial = next(_serials) if serial is None else serial
    return f"320101{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


@pytest.fixture
def books(alpha: Any) -> Iterator[Any]:
    """alpha's schema is the connection's for the test."""
    connection.set_tenant(alpha)
    yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def register() -> Callable[..., Member]:
    """register(**overrides): a valid registration, overridable field by field."""

    def make(**overrides: Any) -> Member:
        birth_date = overrides.pop("birth_date", date(1980, 5, 17))
        sex = overrides.pop("sex", Sex.MALE)
        fields: dict[str, Any] = {
            "actor": None,
            "full_name": "Siti Aminah",
            "nik": overrides.pop("nik", None) or make_nik(birth_date, sex),
            "kk_number": KK,
            "birth_place": "Bandung",
            "birth_date": birth_date,
            "sex": sex,
            "address": ADDRESS,
            "kind": MemberKind.BIASA,
            "phone": PHONE,
            "join_date": date(2024, 1, 15),
        }
        fields.update(overrides)
        return member_register(**fields)

    return make
