"""SHU fixtures. The tests run in their own cooperative ("shuuji"), on the book year 2025
(today is later: the test database's clock), inside the test's transaction: the year's
income and expenses, the members' pokok and wajib (collective deposits dated in 2025),
their business (MemberBusiness rows) and the closing of the twelve months are all made
through the real services and rolled back afterwards."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tenants.ledger.periods import period_close
from tenants.ledger.posting import Line, journal_post
from tenants.members.services import member_register
from tenants.models import (
    Member,
    MemberBusiness,
    MemberKind,
    RatMeeting,
    SavingsAccount,
    Sex,
    ShuSplitVersion,
)
from tenants.savings.collective import CollectiveItem, savings_deposit_collective
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open
from tenants.shu.splits import DEFAULT_SPLIT, shu_split_approve, shu_split_create
from tests.members.conftest import ADDRESS, KK, make_nik

SLUG = "shuuji"
YEAR = 2025
WIB = ZoneInfo("Asia/Jakarta")
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def key(prefix: str = "shu") -> str:
    return f"{prefix}-{_run}-{next(_keys)}"


def wib(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=WIB)


def member_make(
    name: str = "Budi Santoso",
    *,
    kind: str = MemberKind.BIASA,
    sex: str = Sex.MALE,
    status: str = "active",
    user_id: int | None = None,
) -> Member:
    birth_date = date(1975, 3, 9)
    return member_register(
        actor=None,
        full_name=name,
        nik=make_nik(birth_date, sex),
        kk_number=KK,
        birth_place="Bandung",
        birth_date=birth_date,
        sex=sex,
        address=ADDRESS,
        kind=kind,
        join_date=date(2024, 1, 15),
        status=status,
        user_id=user_id,
    )


def account(member: Member, code: str) -> SavingsAccount:
    existing = SavingsAccount.objects.filter(member=member, product__code=code).first()
    if existing is not None:
        return existing
    product = savings_product_get(code)
    assert product is not None
    return savings_account_open(actor=None, member=member, product=product)


def save(member: Member, code: str, amount: str | int, day: date) -> None:
    """A deposit into the member's pokok/wajib/sukarela dated ``day`` (a collective
    deposit: the one service that dates a deposit in the past)."""
    savings_deposit_collective(
        actor=None,
        items=[CollectiveItem(account=account(member, code), amount=D(amount))],
        idempotency_key=key("dep"),
        description="Setoran uji",
        occurred_at=wib(day),
    )


def capital(member: Member, amount: str | int, day: date = date(YEAR, 1, 10)) -> None:
    """Pokok (300.000) and the rest as wajib (a multiple of 25.000), both on ``day``."""
    total = D(amount)
    save(member, "pokok", 300000, day)
    if total > 300000:
        save(member, "wajib", total - 300000, day)


def business(member: Member, amount: str | int, day: date = date(YEAR, 6, 1), kind: str = "store"):
    return MemberBusiness.objects.create(
        member=member,
        amount=D(amount),
        kind=kind,
        reference=key("ref"),
        caller="tests",
        idempotency_key=key("biz"),
        request_digest="0" * 64,
        occurred_at=wib(day),
        created_at=timezone.now(),
    )


def result_post(income: str | int, expense: str | int, year: int = YEAR) -> None:
    """The year's income (4101 jasa pinjaman) and expenses (5202 operasional)."""
    lines = [Line("1101", debit=D(income)), Line("4101", credit=D(income))]
    journal_post(
        actor=None,
        entry_date=date(year, 6, 30),
        description="Pendapatan uji",
        lines=lines,
        idempotency_key=key("inc"),
    )
    if D(expense) > 0:
        journal_post(
            actor=None,
            entry_date=date(year, 7, 31),
            description="Beban uji",
            lines=[Line("5202", debit=D(expense)), Line("1101", credit=D(expense))],
            idempotency_key=key("exp"),
        )


def year_close(year: int = YEAR, months: range = range(1, 13)) -> None:
    for month in months:
        period_close(actor=None, year=year, month=month)


def meeting_make(title: str = "RAT 2025") -> RatMeeting:
    from tenants.rat.services import rat_meeting_create

    return rat_meeting_create(actor=None, title=title, book_year=YEAR, held_on=date(YEAR + 1, 3, 1))


def split_make(approved: bool = True, **percents: Any) -> ShuSplitVersion:
    given = {**DEFAULT_SPLIT, **{k: D(v) for k, v in percents.items()}}
    version = shu_split_create(actor=None, percents=given, other_label="Dana pembangunan")
    if approved:
        shu_split_approve(actor=None, version=version, meeting=meeting_make())
        version.refresh_from_db()
    return version


@pytest.fixture
def shuuji(db: Any) -> Any:
    from tests.factories import cooperative_ensure

    return cooperative_ensure(SLUG)


@pytest.fixture
def books(shuuji: Any) -> Iterator[Any]:
    connection.set_tenant(shuuji)
    yield shuuji
    connection.set_schema_to_public()


@pytest.fixture
def domain_case(books: Any) -> dict[str, Member]:
    """The domain note's check: SHU Rp 60.000.000 (income 100m, expenses 40m); member A
    has Rp 5.000.000 of Rp 75.000.000 business and Rp 2.000.000 of Rp 100.000.000 pokok +
    wajib; B has the rest. The year is closed."""
    a, b = member_make("Ani"), member_make("Bambang")
    capital(a, 2000000)
    capital(b, 98000000)
    business(a, 5000000)
    business(b, 70000000)
    result_post(100000000, 40000000)
    year_close()
    return {"a": a, "b": b}
