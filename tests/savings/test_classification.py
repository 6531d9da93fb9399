"""Simpanan pokok and wajib as equity or as liabilities: a per-cooperative setting that
moves what the members hold with one journal entry. Its own cooperative ("modal"), since
it changes the products' ledger accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from audit.models import AuditEntry
from django.db import connection
from django.test import Client

from tenants.ledger.periods import business_today
from tenants.ledger.posting import ledger_check_balances
from tenants.models import Account, JournalEntry, SavingsProduct
from tenants.reports.statements import FINANCING, balance_sheet, cash_flow_category
from tenants.savings.classification import (
    ClassificationRefused,
    member_capital_classification,
    member_capital_classify,
)
from tenants.savings.selectors import savings_balances_match_ledger
from tenants.savings.services import savings_deposit
from tests.factories import cooperative_ensure, user_make
from tests.savings.conftest import D, account_make, key, member_make


@pytest.fixture
def modal(db: Any) -> Any:
    return cooperative_ensure("modal")


@pytest.fixture
def books(modal: Any) -> Iterator[Any]:
    connection.set_tenant(modal)
    yield modal
    connection.set_schema_to_public()


def _pay(pokok: Decimal, wajib: Decimal) -> None:
    member = member_make()
    for code, amount in (("pokok", pokok), ("wajib", wajib)):
        savings_deposit(
            actor=None, account=account_make(code, member), amount=amount, idempotency_key=key()
        )


def _line(rows: list[tuple[str, str, Decimal]], code: str) -> Decimal:
    return sum((amount for c, _name, amount in rows if c == code), Decimal(0))


def test_moving_to_liabilities_and_back(books: Any) -> None:
    # given: two members with pokok and wajib (as equity, the default)
    _pay(D(300000), D(50000))
    _pay(D(300000), D(75000))
    today = business_today()
    before = balance_sheet(as_of=today)
    assert member_capital_classification().placement == "equity"

    # when
    now = member_capital_classify(actor=None, placement="liability")

    # then: the products book to 2203/2204 and the balances moved there
    assert now.placement == "liability"
    assert now.accounts == {"pokok": "2203", "wajib": "2204"}
    sheet = balance_sheet(as_of=today)
    assert _line(sheet.liabilities, "2203") == D(600000)
    assert _line(sheet.liabilities, "2204") == D(125000)
    assert _line(sheet.equity, "3101") == _line(before.equity, "3101") - D(600000)
    assert sheet.total_assets == before.total_assets and sheet.balances
    assert savings_balances_match_ledger() and ledger_check_balances() == []
    # a later deposit books to the liability account; cash flow still calls it financing
    _pay(D(300000), D(25000))
    assert _line(balance_sheet(as_of=today).liabilities, "2204") == D(150000)
    assert cash_flow_category(Account.objects.get(code="2204")) == FINANCING
    assert cash_flow_category(Account.objects.get(code="3102")) == FINANCING

    # the same placement again changes nothing
    entries = JournalEntry.objects.count()
    member_capital_classify(actor=None, placement="liability")
    assert JournalEntry.objects.count() == entries

    # and back to equity
    assert member_capital_classify(actor=None, placement="equity").accounts == {
        "pokok": "3101",
        "wajib": "3102",
    }
    assert _line(balance_sheet(as_of=today).liabilities, "2203") == D(0)
    assert savings_balances_match_ledger() and ledger_check_balances() == []


def test_a_bad_placement_is_refused_and_writes_nothing(books: Any) -> None:
    counts = (JournalEntry.objects.count(), AuditEntry.objects.count())
    codes = list(SavingsProduct.objects.order_by("pk").values_list("account_code", flat=True))
    with pytest.raises(ClassificationRefused):
        member_capital_classify(actor=None, placement="assets")
    assert (JournalEntry.objects.count(), AuditEntry.objects.count()) == counts
    assert list(SavingsProduct.objects.order_by("pk").values_list("account_code", flat=True)) == (
        codes
    )


def test_page_shows_the_setting_and_only_the_board_changes_it(
    modal: Any, client_for: Callable[..., Client]
) -> None:
    teller = client_for(modal, user_make("modal-kasir", roles={modal: ["kasir"]}))
    board = client_for(modal, user_make("modal-ketua", roles={modal: ["pengurus"]}))
    assert teller.get("/staf/modal/").status_code == 200
    assert teller.post("/staf/modal/ubah/", {"placement": "liability"}).status_code == 403
    assert board.post("/staf/modal/ubah/", {"placement": "nonsense"}).status_code == 400
    done = board.post("/staf/modal/ubah/", {"placement": "liability"})
    assert done.status_code == 302
    connection.set_tenant(modal)
    assert member_capital_classification().placement == "liability"
    connection.set_schema_to_public()
    assert b"2203" in board.get("/staf/modal/").content
