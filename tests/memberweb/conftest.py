"""Member pages' fixtures. The tests run in their own cooperative ("mweb"), so its books
hold only these tests' savings; a member is linked to a login through the real service."""

from __future__ import annotations

import base64
import itertools
import re
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.interest.berjangka import term_deposit_break, term_deposit_open
from tenants.interest.jasa import jasa_post_month
from tenants.ledger.periods import business_today
from tenants.members.services import member_register
from tenants.memberweb.services import member_user_ensure
from tenants.models import (
    JasaRun,
    Member,
    MemberKind,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
    Sex,
    TermDeposit,
)
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit, savings_withdraw
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


def withdraw(account: SavingsAccount, amount: str, when: datetime) -> SavingsTransaction:
    row = savings_withdraw(
        actor=None, account=account, amount=D(amount), idempotency_key=f"mw-{_run}-{next(_keys)}"
    )
    SavingsTransaction.objects.filter(pk=row.pk).update(created_at=when)
    row.refresh_from_db()
    account.refresh_from_db()
    return row


def pdf_text(pdf: bytes) -> str:
    """The text drawn on a reportlab PDF's pages, each string once, joined by spaces (so a
    line wrapped in a table cell reads as one): reportlab writes page contents as
    ASCII85 + Flate streams with the text in "(...) Tj" operators."""
    chunks: list[str] = []
    for found in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = found.group(1).strip()
        raw = raw[:-2] if raw.endswith(b"~>") else raw
        try:
            content = zlib.decompress(base64.a85decode(raw))
        except (ValueError, zlib.error):
            continue
        for text in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            value = re.sub(rb"\\([()\\])", rb"\1", text.group(1))
            chunks.append(value.decode("cp1252"))
    return " ".join(" ".join(chunks).split())


# ---- a member with every kind of movement ---------------------------------------------

JASA_JUNE = D("3287")  # 1.000.000 x 10 days + 1.500.000 x 20 days, at 3% / 365
THEIR_JASA_JUNE = D("1726")  # 700.000 x 30 days at 3% / 365 = 1.726,03
PRINCIPAL = D("2000000")
PENALTY = D("20000")  # 1% of the principal (the default penalty)


@dataclass
class History:
    sukarela: SavingsAccount
    wajib: SavingsAccount
    run: JasaRun
    term_deposit: TermDeposit
    theirs: SavingsAccount
    their_deposit: TermDeposit


def history_make(member: Member, other: Member) -> History:
    """Deposits, a posted jasa month (June 2025), a withdrawal and a time deposit broken
    early and paid into sukarela; and another member's own movements in the same books.

    Sukarela: 1.000.000 (20-05-2025), + 500.000 (11-06-2025), + 3.287 jasa (30-06-2025),
    - 200.000 (05-07-2025), + 1.980.000 from the broken time deposit (today) = 3.283.287.
    Wajib: 25.000 (20-05-2025). Berjangka 3 bulan: + 2.000.000 (the 1st of this month),
    - 2.000.000 broken today with a 20.000 penalty."""
    sukarela = account_open(member, "sukarela")
    wajib = account_open(member, "wajib")
    deposit(wajib, "25000", wib(date(2025, 5, 20), hour=9))
    deposit(sukarela, "1000000", wib(date(2025, 5, 20)))
    deposit(sukarela, "500000", wib(date(2025, 6, 11), hour=8))
    theirs = account_open(other, "sukarela")
    deposit(theirs, "700000", wib(date(2025, 5, 2)))
    run = jasa_post_month(actor=None, year=2025, month=6)
    withdraw(sukarela, "200000", wib(date(2025, 7, 5)))
    SavingsProduct.objects.filter(code="berjangka-3").update(annual_rate_percent=D("6.00"))
    product = savings_product_get("berjangka-3")
    assert product is not None
    placed = term_deposit_open(
        actor=None,
        member=member,
        product=product,
        principal=PRINCIPAL,
        idempotency_key=f"mw-td-{_run}-{next(_keys)}",
        opened_on=business_today().replace(day=1),
    )
    broken = term_deposit_break(actor=None, deposit=placed, payout_to="sukarela")
    their_deposit = term_deposit_open(
        actor=None,
        member=other,
        product=product,
        principal=D("3000000"),
        idempotency_key=f"mw-td-{_run}-{next(_keys)}",
    )
    sukarela.refresh_from_db()
    return History(sukarela, wajib, run, broken, theirs, their_deposit)


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
