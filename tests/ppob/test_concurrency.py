"""Many purchases at once against one member's balance never overdraw it, and one request
sent from many threads at once buys once. Transactional: each thread commits on its own
connection, as web workers do."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from ppob.exceptions import PaymentRefused
from ppob.models import Purchase, PurchaseStatus, SandboxTransaction
from ppob.services.purchases import purchase_submit
from tenants.models.books import SavingsReservation
from tenants.savings.selectors import savings_balances_match_ledger
from tests.factories import cooperative_ensure
from tests.ppob.conftest import (
    INDUK,
    SLUG,
    XL10_MEMBER,
    D,
    account_now,
    key,
    member_account,
    shop_open,
)
from tests.ppob.helpers import buy

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4
EACH = 5  # 20 purchases of 12,300 asked for; 100,000 pays for 8


def in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def shop_now() -> Any:
    coop = cooperative_ensure(SLUG)
    cooperative_ensure(INDUK, kind="sekunder")
    shop_open()  # a transactional test before this one truncated the catalogue
    return coop


def test_concurrent_purchases_never_overdraw_one_members_savings(shop_now):
    account = member_account(shop_now, "100000")
    bought: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def customer(_n: int) -> None:
        for _ in range(EACH):
            try:
                created = buy(shop_now, account)
            except PaymentRefused as exc:
                with lock:
                    refused.append(exc.code or "")
                continue
            purchase_submit(
                purchase_id=created.purchase.pk
            )  # the provider, outside any transaction
            with lock:
                bought.append(created.purchase.pk)

    assert in_threads(THREADS, customer) == []

    assert len(bought) == 8 and set(refused) == {"insufficient_balance"}
    statuses = set(Purchase.objects.filter(pk__in=bought).values_list("status", flat=True))
    assert statuses == {PurchaseStatus.SUCCESS}
    now = account_now(shop_now, account)
    assert (now.balance, now.reserved) == (D("100000") - 8 * XL10_MEMBER, D("0"))
    assert now.balance >= 0
    with tenant_context(shop_now):
        assert savings_balances_match_ledger()
        assert SavingsReservation.objects.filter(account_id=account.pk).count() == 8


def test_one_request_from_ten_threads_at_once_buys_once(shop_now):
    account = member_account(shop_now, "100000")
    request_key = key()
    seen: list[tuple[int, bool]] = []
    lock = threading.Lock()

    def send(_n: int) -> None:
        created = buy(shop_now, account, request_key=request_key)
        purchase_submit(purchase_id=created.purchase.pk)
        with lock:
            seen.append((created.purchase.pk, created.created))

    assert in_threads(10, send) == []

    assert len({pk for pk, _ in seen}) == 1
    assert sorted(created for _, created in seen) == [False] * 9 + [True]
    purchase = Purchase.objects.get(pk=seen[0][0])
    assert purchase.status == PurchaseStatus.SUCCESS and purchase.attempts == 1
    assert SandboxTransaction.objects.filter(ref_id=purchase.ref_id).count() == 1
    assert account_now(shop_now, account).balance == D("100000") - XL10_MEMBER
