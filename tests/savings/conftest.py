"""Savings fixtures. The tests run in their own cooperative ("simpan"): its savings
products' ledger accounts see no postings but these tests' own, so the savings balances
must add up to the ledger exactly (journal entries are immutable, and a transactional
test leaves its entries behind in the schema it used)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from audit.models import AuditEntry
from django.db import connection

from tenants.members.services import member_register
from tenants.models import (
    JournalEntry,
    Member,
    MemberKind,
    Posting,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
    Sex,
)
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open
from tests.factories import cooperative_ensure
from tests.members.conftest import ADDRESS, KK, make_nik

SLUG = "simpan"
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)


def key(prefix: str = "s") -> str:
    """Unique across runs: a transactional test's transactions stay in the schema."""
    return f"{prefix}-{_run}-{next(_keys)}"


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def member_make(status: str = "active") -> Member:
    birth_date = date(1975, 3, 9)
    return member_register(
        actor=None,
        full_name="Budi Santoso",
        nik=make_nik(birth_date, Sex.MALE),
        kk_number=KK,
        birth_place="Bandung",
        birth_date=birth_date,
        sex=Sex.MALE,
        address=ADDRESS,
        kind=MemberKind.BIASA,
        join_date=date(2024, 1, 15),
        status=status,
    )


def account_make(product_code: str, member: Member | None = None) -> SavingsAccount:
    product = savings_product_get(product_code)
    assert product is not None
    return savings_account_open(actor=None, member=member or member_make(), product=product)


@pytest.fixture
def simpan(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(simpan: Any) -> Iterator[Any]:
    """The savings cooperative's schema is the connection's for the test."""
    connection.set_tenant(simpan)
    yield simpan
    connection.set_schema_to_public()


@pytest.fixture
def member(books: Any) -> Member:
    return member_make()


@pytest.fixture
def sukarela(member: Member) -> SavingsAccount:
    return account_make("sukarela", member)


@pytest.fixture
def nothing_written() -> Callable[..., Any]:
    """with nothing_written(account): the block writes no savings row, journal entry,
    posting or audit row, and leaves the account's balance as it was."""

    @contextmanager
    def check(*accounts: SavingsAccount) -> Iterator[None]:
        models = (SavingsTransaction, JournalEntry, Posting, AuditEntry, SavingsAccount)
        before = [m.objects.count() for m in models]  # type: ignore[attr-defined]
        balances = [SavingsAccount.objects.get(pk=a.pk).balance for a in accounts]
        yield
        assert [m.objects.count() for m in models] == before  # type: ignore[attr-defined]
        assert [SavingsAccount.objects.get(pk=a.pk).balance for a in accounts] == balances

    return check


def product(code: str) -> SavingsProduct:
    found = savings_product_get(code)
    assert found is not None
    return found
