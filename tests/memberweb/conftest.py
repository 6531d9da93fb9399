"""Member pages' fixtures. The tests run in their own cooperative ("mweb"), so its books
hold only these tests' savings; a member is linked to a login through the real service."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.members.services import member_register
from tenants.memberweb.services import member_user_ensure
from tenants.models import Member, MemberKind, SavingsAccount, SavingsTransaction, Sex
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit
from tests.factories import PASSWORD, cooperative_ensure
from tests.members.conftest import ADDRESS, KK, make_nik

SLUG = "mweb"
WIB = ZoneInfo("Asia/Jakarta")
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def wib(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=WIB)


def member_make(*, phone: str = "", join_date: date = date(2025, 1, 10)) -> Member:
    birth_date = date(1980, 5, 17)
    return member_register(
        actor=None,
        full_name="Siti Aminah",
        nik=make_nik(birth_date, Sex.FEMALE),
        kk_number=KK,
        birth_place="Garut",
        birth_date=birth_date,
        sex=Sex.FEMALE,
        address=ADDRESS,
        kind=MemberKind.BIASA,
        phone=phone,
        join_date=join_date,
        status="active",
    )


def account_open(member: Member, code: str) -> SavingsAccount:
    product = savings_product_get(code)
    assert product is not None
    return savings_account_open(actor=None, member=member, product=product)


def deposit(
    account: SavingsAccount, amount: str, when: datetime | None = None
) -> SavingsTransaction:
    """A real deposit through the savings service, dated ``when`` (the test's calendar)."""
    row = savings_deposit(
        actor=None, account=account, amount=D(amount), idempotency_key=f"mw-{_run}-{next(_keys)}"
    )
    if when is not None:
        SavingsTransaction.objects.filter(pk=row.pk).update(created_at=when)
        row.refresh_from_db()
    account.refresh_from_db()
    return row


@pytest.fixture
def mweb(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(mweb: Any) -> Iterator[Any]:
    """with books: ... runs in the cooperative's schema."""
    return tenant_context(mweb)


@pytest.fixture
def linked(mweb: Any) -> tuple[Member, Any]:
    """An active member with a login (password PASSWORD) linked by the real service."""
    with tenant_context(mweb):
        member = member_make(phone="0812 3456 7890")
        user = member_user_ensure(member=member, cooperative=mweb, password=PASSWORD)
    connection.set_schema_to_public()
    return member, user


@pytest.fixture
def member_client(
    mweb: Any, linked: tuple[Member, Any], client_for: Callable[..., Client]
) -> Callable[..., Client]:
    """A client on the cooperative's host, logged in as the linked member (or ``user``),
    in English."""

    def make(user: Any = None) -> Client:
        client = client_for(mweb, user or linked[1])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
