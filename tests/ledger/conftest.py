"""Ledger fixtures: alpha's books as the current schema, and a short way to post."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tenants.ledger.periods import business_today
from tenants.ledger.posting import journal_post
from tenants.models import JournalEntry

KAS, BANK, PINJAMAN = "1101", "1102", "1103"
SUKARELA, POKOK, WAJIB = "2101", "3101", "3102"
JASA_PINJAMAN, ADMINISTRASI, BEBAN_OPERASIONAL = "4101", "4102", "5202"

_keys = itertools.count(1)


def key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


@pytest.fixture
def books(alpha: Any) -> Iterator[Any]:
    """alpha's schema is the connection's for the test."""
    connection.set_tenant(alpha)
    yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def post() -> Callable[..., JournalEntry]:
    """post(amount) moves cash into voluntary savings; or post(lines=[...], ...)."""

    def make(
        amount: str | int = "100000",
        *,
        lines: list[tuple[Any, ...]] | None = None,
        entry_date: date | None = None,
        description: str = "Setoran simpanan sukarela",
        idempotency_key: str | None = None,
        kind: str = "manual",
        actor: Any = None,
    ) -> JournalEntry:
        return journal_post(
            actor=actor,
            entry_date=entry_date or business_today(),
            description=description,
            lines=lines or [(KAS, D(amount), D(0), ""), (SUKARELA, D(0), D(amount), "A-001")],
            idempotency_key=idempotency_key or key(),
            kind=kind,
        )

    return make


@pytest.fixture
def seal_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """seal_at(datetime): entries sealed from now on get that sealing time, as if the
    sealer ran then (the sealing day decides which day's Merkle root covers an entry)."""

    def set_clock(instant: Any) -> None:
        monkeypatch.setattr("tenants.ledger.chain.seal_clock", lambda: instant)

    return set_clock


def wib(day: date, hour: int = 10, minute: int = 0) -> Any:
    from datetime import datetime

    from tenants.ledger.periods import BUSINESS_TZ

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BUSINESS_TZ)
