"""Two callers racing for one member's sukarela balance never hold more than it has, and
the holds captured afterwards keep the balances equal to the ledger. Transactional: each
thread commits on its own connection; the rows stay in the door's cooperative's schema."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants import books
from tenants.books import ReservationRefused
from tenants.models import SavingsAccount
from tenants.models.books import SavingsReservation
from tenants.savings.selectors import savings_balances_match_ledger
from tests.books.conftest import SLUG, funded_account, key
from tests.factories import cooperative_ensure
from tests.savings.conftest import D

PER_CALLER = 8
HOLD = D(15000)  # 2 x 8 x 15,000 = 240,000 asked for; 100,000 holds only 6


@pytest.mark.django_db(transaction=True)
def test_two_callers_racing_never_over_reserve():
    pintu = cooperative_ensure(SLUG)
    account = funded_account(pintu, "100000")
    number = account.member.member_number
    barrier = threading.Barrier(2)
    held: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def caller(name: str) -> None:
        try:
            barrier.wait()
            for _ in range(PER_CALLER):
                try:
                    ref = books.sukarela_reserve(
                        pintu, name, member_number=number, amount=HOLD, idempotency_key=key(name)
                    )
                    held.append(ref.reference)
                except ReservationRefused as exc:
                    refused.append(exc.code or "")
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=caller, args=(name,)) for name in ("ppob", "retail")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(held) == 6
    assert set(refused) == {"insufficient_balance"}
    with tenant_context(pintu):
        now = SavingsAccount.objects.get(pk=account.pk)
        assert now.reserved == HOLD * 6 <= now.balance
    captured = Decimal("0.00")
    with tenant_context(pintu):
        holders = dict(
            SavingsReservation.objects.filter(account_id=account.pk).values_list(
                "reference", "caller"
            )
        )
    for reference, name in holders.items():
        books.sukarela_capture(pintu, name, reservation_ref=str(reference), description="race")
        captured += HOLD
    with tenant_context(pintu):
        now = SavingsAccount.objects.get(pk=account.pk)
        assert (now.balance, now.reserved) == (D(100000) - captured, D(0))
        assert savings_balances_match_ledger()
