"""Books' door fixtures. The door is called from the public schema (as PPOB, the store or
billing would); set-up happens inside the cooperative's schema. The door's own cooperative
("pintu") keeps its sukarela balances equal to the ledger: only these tests post there."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from audit.models import AuditEntry
from django_tenants.utils import tenant_context

from tenants.models import JournalEntry, Member, SavingsAccount, SavingsTransaction
from tenants.models.books import MemberBusiness, SavingsReservation
from tenants.savings.services import savings_deposit
from tests.factories import cooperative_ensure
from tests.savings.conftest import D, account_make, member_make

SLUG = "pintu"
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)


def key(prefix: str = "b") -> str:
    """Unique across runs: transactional tests leave their rows in the schema."""
    return f"{prefix}-{_run}-{next(_keys)}"


def funded_account(coop: Any, amount: str = "100000", status: str = "active") -> SavingsAccount:
    """A new member's sukarela account holding ``amount``, made in ``coop``'s schema."""
    with tenant_context(coop):
        account = account_make("sukarela", member_make())
        if D(amount) > 0:
            savings_deposit(actor=None, account=account, amount=D(amount), idempotency_key=key())
        if status != "active":
            Member.objects.filter(pk=account.member_id).update(status=status)
        return SavingsAccount.objects.select_related("member").get(pk=account.pk)


def account_now(coop: Any, account: SavingsAccount) -> SavingsAccount:
    with tenant_context(coop):
        return SavingsAccount.objects.get(pk=account.pk)


@pytest.fixture
def pintu(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def account(pintu: Any) -> SavingsAccount:
    return funded_account(pintu)


MODELS = (SavingsReservation, MemberBusiness, SavingsTransaction, JournalEntry, AuditEntry)


def counts(coop: Any) -> list[int]:
    with tenant_context(coop):
        return [m.objects.count() for m in MODELS]  # type: ignore[attr-defined]


@pytest.fixture
def nothing_written() -> Callable[..., Any]:
    """with nothing_written(coop): the block writes none of the door's rows in coop."""

    @contextmanager
    def check(coop: Any) -> Iterator[None]:
        before = counts(coop)
        yield
        assert counts(coop) == before

    return check
