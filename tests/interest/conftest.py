"""Interest fixtures: the tests run in their own cooperative ("bunga"), inside the test's
transaction, so a jasa run sees only the test's own sukarela accounts."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from audit.models import AuditEntry
from django.db import connection

from tenants.members.services import member_register
from tenants.models import (
    JasaRun,
    JournalEntry,
    Member,
    MemberKind,
    Posting,
    ResignationSettlement,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
    Sex,
    TermDeposit,
)
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit, savings_withdraw
from tests.factories import cooperative_ensure
from tests.members.conftest import ADDRESS, KK, make_nik

SLUG = "bunga"
WIB = ZoneInfo("Asia/Jakarta")
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)


def key(prefix: str = "i") -> str:
    return f"{prefix}-{_run}-{next(_keys)}"


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def wib(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def member_make(join_date: date = date(2024, 1, 15)) -> Member:
    birth_date = date(1975, 3, 9)
    return member_register(
        actor=None,
        full_name="Siti Aminah",
        nik=make_nik(birth_date, Sex.FEMALE),
        kk_number=KK,
        birth_place="Bandung",
        birth_date=birth_date,
        sex=Sex.FEMALE,
        address=ADDRESS,
        kind=MemberKind.BIASA,
        join_date=join_date,
        status="active",
    )


def product(code: str) -> SavingsProduct:
    found = savings_product_get(code)
    assert found is not None
    return found


def account_make(product_code: str, member: Member) -> SavingsAccount:
    return savings_account_open(actor=None, member=member, product=product(product_code))


def move_at(account: SavingsAccount, amount: str | int, when: datetime) -> SavingsTransaction:
    """A deposit (amount > 0) or withdrawal (< 0) through the savings service, then dated
    ``when``: the services stamp the current time, and jasa needs a past month."""
    value = D(amount)
    if value > 0:
        tx = savings_deposit(actor=None, account=account, amount=value, idempotency_key=key())
    else:
        tx = savings_withdraw(actor=None, account=account, amount=-value, idempotency_key=key())
    SavingsTransaction.objects.filter(pk=tx.pk).update(created_at=when)
    return tx


def postings(entry: JournalEntry) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (p.account.code, p.debit, p.credit)
        for p in entry.postings.select_related("account").order_by("line_no")
    ]


@pytest.fixture
def bunga(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(bunga: Any) -> Iterator[Any]:
    connection.set_tenant(bunga)
    yield bunga
    connection.set_schema_to_public()


@pytest.fixture
def member(books: Any) -> Member:
    return member_make()


@pytest.fixture
def nothing_written() -> Callable[..., Any]:
    """with nothing_written(): the block writes no row anywhere the interest services
    write, and leaves every savings balance as it was."""

    @contextmanager
    def check() -> Iterator[None]:
        models = (
            SavingsTransaction,
            JournalEntry,
            Posting,
            AuditEntry,
            SavingsAccount,
            JasaRun,
            TermDeposit,
            ResignationSettlement,
        )
        before = [m.objects.count() for m in models]  # type: ignore[attr-defined]
        balances = list(SavingsAccount.objects.order_by("pk").values_list("balance", "closed_at"))
        yield
        assert [m.objects.count() for m in models] == before  # type: ignore[attr-defined]
        after = list(SavingsAccount.objects.order_by("pk").values_list("balance", "closed_at"))
        assert after == balances

    return check
