"""PPOB fixtures. Calls are made from the public schema, as the shared layer makes them.

Two cooperatives of PPOB's own: "ppobuji" (where members buy) and "ppobinduk" (the
secondary cooperative whose books take cost and margin). Journal entries are immutable and
transactional tests leave theirs behind, so no other tests post there. The sandbox provider
answers by the last four digits of the customer number (ppob.providers.sandbox).
"""

from __future__ import annotations

import importlib
import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from ppob.models import (
    Inquiry,
    ProviderEvent,
    Purchase,
    SandboxTransaction,
    SettlementLine,
    WebhookDelivery,
)
from ppob.services.catalogue import catalogue_sync
from ppob.services.deposit import deposit_refresh
from ppob.services.pricing import margin_rule_set
from tenants.models import SavingsAccount
from tests.books.conftest import counts as books_counts
from tests.books.conftest import funded_account
from tests.factories import cooperative_ensure

SLUG = "ppobuji"
INDUK = "ppobinduk"
D = Decimal
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)

# The sandbox's magic endings (XL numbers: the sandbox's xl10 is an XL product).
OK_NUMBER = "087800001230"
FAIL_NUMBER = "087800001232"
PENDING_OK_NUMBER = "087800001233"
PENDING_FAIL_NUMBER = "087800001234"
TIMEOUT_NUMBER = "087800001235"
XL10_MEMBER = D("12300.00")  # cost 10,800 + the member margin of 1,500
XL10_NONMEMBER = D("13300.00")  # + 2,500


def key(prefix: str = "rq") -> str:
    """A request key unique across runs (transactional tests leave their rows)."""
    return f"{prefix}-{_run}-{next(_keys):05d}"


@pytest.fixture(autouse=True)
def ppob_settings(settings: Any) -> Any:
    settings.PPOB_PROVIDER = "sandbox"
    settings.PPOB_SANDBOX_DELAY_SECONDS = 0
    settings.PPOB_SANDBOX_PENDING_SECONDS = 0  # "pending then ..." settles at the next check
    settings.PPOB_SANDBOX_DEPOSIT = "50000000"
    settings.PPOB_SECONDARY_SLUG = INDUK
    settings.PPOB_DEPOSIT_ALERT_BELOW = "1000000"
    settings.PPOB_DEPOSIT_FLOOR = "100000"
    settings.PPOB_RECHECK_COOLDOWN_SECONDS = 60
    settings.PPOB_PENDING_MAX_AGE_HOURS = 7 * 24
    return settings


@pytest.fixture(scope="session", autouse=True)
def _ppob_cooperatives(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Made once per test database (about a second each); a transactional test that
    truncates the registry gets them back from the fixtures below."""
    with django_db_blocker.unblock():
        cooperative_ensure(SLUG)
        cooperative_ensure(INDUK, kind="sekunder")
        connection.set_schema_to_public()


@pytest.fixture
def coop(db: Any) -> Any:
    return cooperative_ensure(SLUG)


DEFAULT_MARGINS = importlib.import_module("ppob.migrations.0003_default_margins").RULES


@pytest.fixture
def induk(db: Any) -> Any:
    return cooperative_ensure(INDUK, kind="sekunder")


def shop_open() -> None:
    """Margins (the defaults of migration 0003: a flat 1,500 for members, 2,500 for
    others, and 1,000 for members on postpaid bills), the sandbox's catalogue, and the
    deposit read once. The rules are set again here because a transactional test (the
    worker tests) flushes the public tables, data-migration rows included."""
    for category, member, nonmember in DEFAULT_MARGINS:
        margin_rule_set(
            actor=None,
            category=category,
            kind="flat",
            member_value=member,
            nonmember_value=nonmember,
        )
    catalogue_sync()
    deposit_refresh(source="test")


@pytest.fixture
def shop(coop: Any, induk: Any) -> Any:
    shop_open()
    return coop


@pytest.fixture
def digiflazz(shop: Any, settings: Any) -> Iterator[Any]:
    """PPOB on Digiflazz's protocol, against the local fake server, with its catalogue
    synced and its deposit read."""
    from tests.ppob.fake_digiflazz import KEY, USERNAME, WEBHOOK_SECRET, fake_digiflazz

    with fake_digiflazz() as fake:
        settings.PPOB_PROVIDER = "digiflazz"
        settings.PPOB_DIGIFLAZZ_URL = fake.url
        settings.PPOB_DIGIFLAZZ_USERNAME = USERNAME
        settings.PPOB_DIGIFLAZZ_KEY = KEY
        settings.PPOB_DIGIFLAZZ_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.PPOB_DIGIFLAZZ_TESTING = False
        settings.PPOB_HTTP_READ_TIMEOUT = 1.0
        catalogue_sync()
        deposit_refresh(source="test")
        yield fake


def member_account(coop: Any, amount: str = "100000") -> SavingsAccount:
    """A new active member of ``coop`` with ``amount`` in simpanan sukarela."""
    account = funded_account(coop, amount)
    connection.set_schema_to_public()
    return account


@pytest.fixture
def account(shop: Any) -> SavingsAccount:
    return member_account(shop)


def account_now(coop: Any, account: SavingsAccount) -> SavingsAccount:
    with tenant_context(coop):
        return SavingsAccount.objects.get(pk=account.pk)


PUBLIC_MODELS = (Purchase, Inquiry, SandboxTransaction, SettlementLine, WebhookDelivery)


def public_counts() -> list[int]:
    return [model.objects.count() for model in PUBLIC_MODELS]  # type: ignore[attr-defined]


@pytest.fixture
def nothing_written() -> Callable[..., Any]:
    """with nothing_written(coop): no purchase, inquiry, sandbox transaction, settlement
    line or delivery in public, and none of the door's rows in the cooperative."""

    @contextmanager
    def check(coop: Any) -> Iterator[None]:
        before = public_counts(), books_counts(coop)
        yield
        assert (public_counts(), books_counts(coop)) == before

    return check


def events_for(ref_id: str) -> list[ProviderEvent]:
    return list(ProviderEvent.objects.filter(ref_id=ref_id).order_by("id"))
