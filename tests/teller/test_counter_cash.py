"""Cash for something other than savings at the counter (a PPOB sale paid in cash, a loan
repayment): it goes through the teller's drawer, so the count expects it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tenants import books as door
from tenants.ledger.posting import ledger_check_balances
from tenants.models import JournalEntry, Posting
from tenants.models.teller import CashDrawerMovement
from tenants.teller.exceptions import DrawerNotOpen
from tenants.teller.selectors import drawer_open_of, drawer_totals
from tenants.teller.services import drawer_open, teller_cash_post
from tests.factories import user_make


def D(value: str) -> Decimal:
    return Decimal(value)


def test_cash_in_goes_through_the_drawer_once(books: Any, alpha_teller: Any) -> None:
    # given: the teller's drawer is open
    drawer_open(actor=alpha_teller, opening_count=D("100000"))
    key = f"cash-{uuid.uuid4().hex}"

    # when: a sale paid in cash is booked twice with the same key
    first = teller_cash_post(
        actor=alpha_teller,
        amount=D("52500"),
        counter_account_code="2111",
        description="Token PLN 50.000",
        idempotency_key=key,
    )
    again = teller_cash_post(
        actor=alpha_teller,
        amount=D("52500"),
        counter_account_code="2111",
        description="Token PLN 50.000",
        idempotency_key=key,
    )

    # then: one entry (Kas debit, 2111 credit), one movement, the drawer expects it
    assert again.pk == first.pk
    lines = sorted(
        (p.account.code, p.debit, p.credit)
        for p in Posting.objects.filter(entry=first).select_related("account")
    )
    assert lines == [("1101", D("52500"), D("0")), ("2111", D("0"), D("52500"))]
    drawer = drawer_open_of(alpha_teller.pk)
    assert drawer is not None
    assert CashDrawerMovement.objects.filter(drawer=drawer).count() == 1
    assert drawer_totals(drawer).deposits == D("52500")
    assert ledger_check_balances() == []


def test_without_an_open_drawer_nothing_is_written(books: Any, alpha_teller: Any) -> None:
    entries = JournalEntry.objects.count()
    with pytest.raises(DrawerNotOpen):
        teller_cash_post(
            actor=alpha_teller,
            amount=D("1000"),
            counter_account_code="2111",
            description="x",
            idempotency_key=f"cash-{uuid.uuid4().hex}",
        )
    assert JournalEntry.objects.count() == entries


def test_the_door_books_cash_for_the_shared_layer_only_by_staff(
    alpha: Any, alpha_teller: Any, alpha_member: Any
) -> None:
    connection.set_tenant(alpha)
    drawer_open(actor=alpha_teller, opening_count=D("0"))
    connection.set_schema_to_public()
    key = uuid.uuid4().hex

    made = door.counter_cash_post(
        alpha,
        "ppob",
        teller_user_id=alpha_teller.pk,
        amount=D("25000"),
        counter_account_code="2111",
        description="Pulsa 25.000",
        idempotency_key=key,
    )
    assert made.total == D("25000")
    for user in (alpha_member, user_make("stranger-cash")):
        with pytest.raises(door.CallerRefused) as refused:
            door.counter_cash_post(
                alpha,
                "ppob",
                teller_user_id=user.pk,
                amount=D("25000"),
                counter_account_code="2111",
                description="Pulsa 25.000",
                idempotency_key=uuid.uuid4().hex,
            )
        assert refused.value.code == "teller_invalid"
    with pytest.raises(door.CallerRefused):
        door.counter_cash_post(
            alpha,
            "somebody",
            teller_user_id=alpha_teller.pk,
            amount=D("25000"),
            counter_account_code="2111",
            description="x",
            idempotency_key=key,
        )
    connection.set_tenant(alpha)
    drawer = drawer_open_of(alpha_teller.pk)
    assert drawer is not None and drawer_totals(drawer).deposits == D("25000")
    connection.set_schema_to_public()
