"""Report fixtures: a cooperative of its own ("lapor") with a small hand-checked set of
entries, so every statement's numbers can be asserted exactly."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tenants.ledger.posting import journal_post
from tests.factories import cooperative_ensure, user_make

SLUG = "lapor"
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)

START, END = date(2026, 1, 1), date(2026, 3, 31)


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def post(day: date, description: str, *lines: tuple[str, str | int, str | int]) -> None:
    journal_post(
        actor=None,
        entry_date=day,
        description=description,
        lines=[(code, D(debit), D(credit), "") for code, debit, credit in lines],
        idempotency_key=f"r-{_run}-{next(_keys)}",
    )


# The entries (the numbers each test expects are worked out in test_statements.py).
ENTRIES = [
    (date(2025, 12, 15), "Hibah pemda", ("1101", 1000000, 0), ("3104", 0, 1000000)),
    (date(2025, 12, 20), "Pendapatan lain", ("1101", 100000, 0), ("4202", 0, 100000)),
    (date(2026, 1, 5), "Simpanan pokok", ("1101", 10000000, 0), ("3101", 0, 10000000)),
    (date(2026, 1, 10), "Setor ke bank", ("1102", 4000000, 0), ("1101", 0, 4000000)),
    (date(2026, 2, 1), "Pinjaman anggota", ("1103", 5000000, 0), ("1101", 0, 5000000)),
    (date(2026, 2, 15), "Beli peralatan", ("1303", 1500000, 0), ("1102", 0, 1500000)),
    (
        date(2026, 3, 1),
        "Angsuran dan jasa",
        ("1101", 1250000, 0),
        ("1103", 0, 1000000),
        ("4101", 0, 250000),
    ),
    (date(2026, 3, 10), "Listrik", ("5202", 300000, 0), ("1101", 0, 300000)),
    (date(2026, 3, 20), "Penyusutan", ("5203", 50000, 0), ("1305", 0, 50000)),
    (date(2026, 3, 25), "Simpanan sukarela", ("1101", 2000000, 0), ("2101", 0, 2000000)),
    (date(2026, 4, 2), "Sesudah periode", ("5202", 70000, 0), ("1101", 0, 70000)),
]


@pytest.fixture
def lapor(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(lapor: Any) -> Iterator[Any]:
    connection.set_tenant(lapor)
    yield lapor
    connection.set_schema_to_public()


@pytest.fixture
def entries(books: Any) -> Any:
    for day, description, *lines in ENTRIES:
        post(day, description, *lines)
    return books


@pytest.fixture
def lapor_staff(lapor: Any) -> Any:
    return user_make("lapor-pengawas", roles={lapor: ["pengawas"]})


@pytest.fixture
def lapor_member(lapor: Any) -> Any:
    return user_make("lapor-anggota", roles={lapor: ["anggota"]})
