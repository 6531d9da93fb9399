"""The board closing a teller's drawer while the teller is still at the counter: no deposit
slips in between the sum and the close, and a drawer closed twice at once is closed (and
its difference booked) once. Transactional: every thread commits on its own connection,
in a cooperative of its own ("laci"), whose rows stay behind (journal entries are
immutable)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.models import JournalEntry, SavingsTransaction
from tenants.models.teller import CashDrawer, CashDrawerMovement
from tenants.savings.selectors import savings_ledger_differences
from tenants.teller.exceptions import TellerError
from tenants.teller.services import drawer_close, drawer_close_for, drawer_open, teller_deposit
from tests.factories import cooperative_ensure, user_make
from tests.savings.conftest import account_make

SLUG = "laci"
D = Decimal


def _race(*jobs: Any) -> tuple[list[Any], list[str], list[BaseException]]:
    """Run the jobs at once, each on its own connection in the cooperative's schema."""
    laci = cooperative_ensure(SLUG)
    barrier = threading.Barrier(len(jobs))
    done: list[Any] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(job: Any) -> None:
        try:
            connection.set_tenant(laci)
            barrier.wait()
            job(done, refused)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return done, refused, errors


@pytest.mark.django_db(transaction=True)
def test_board_close_races_the_teller_s_deposits_and_own_close():
    laci = cooperative_ensure(SLUG)
    run = uuid.uuid4().hex[:8]
    teller = user_make(f"laci-teller-{run}", roles={laci: ["kasir"]})
    board = user_make(f"laci-board-{run}", roles={laci: ["pengurus"]})
    with tenant_context(laci):
        account = account_make("sukarela")
        drawer = drawer_open(actor=teller, opening_count=D("100000"))

    def deposits(done: list[Any], refused: list[str]) -> None:
        for _ in range(20):
            try:
                teller_deposit(
                    actor=teller,
                    account=account,
                    amount=D("1000"),
                    idempotency_key=uuid.uuid4().hex,
                )
            except TellerError as exc:
                refused.append(exc.code or "")
                return

    def own_close(done: list[Any], refused: list[str]) -> None:
        try:
            done.append(("teller", drawer_close(actor=teller, closing_count=D("90000"))))
        except TellerError as exc:
            refused.append(exc.code or "")

    def board_close(done: list[Any], refused: list[str]) -> None:
        try:
            closed = drawer_close_for(
                actor=board, drawer_id=drawer.pk, closing_count=D("95000"), note="sakit"
            )
            done.append(("board", closed))
        except TellerError as exc:
            refused.append(exc.code or "")

    done, refused, errors = _race(deposits, own_close, board_close)

    assert not errors, errors
    assert len(done) == 1  # one close won, the other was refused
    assert set(refused) <= {"drawer_not_open", "drawer_already_closed"}
    loser = "drawer_not_open" if done[0][0] == "board" else "drawer_already_closed"
    assert loser in refused
    with tenant_context(laci):
        closed = CashDrawer.objects.get(pk=drawer.pk)
        moved = CashDrawerMovement.objects.filter(drawer=closed)
        # every deposit that landed is in the drawer and in the expected cash
        assert closed.expected == D("100000") + sum((m.amount for m in moved), D(0))
        assert SavingsTransaction.objects.filter(account=account).count() == moved.count()
        assert closed.difference == closed.closing_count - closed.expected
        assert JournalEntry.objects.filter(kind="cash_over_short", cash_drawer=closed).count() == 1
        assert savings_ledger_differences() == []
