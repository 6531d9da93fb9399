"""Collective deposits (payroll deduction, opening balances) and opening many accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tenants.ledger.periods import business_day_of
from tenants.ledger.posting import ledger_check_balances
from tenants.models import JournalEntry, Member, SavingsAccount, SavingsTransaction
from tenants.savings import collective
from tenants.savings.collective import (
    CollectiveItem,
    CollectiveRefused,
    savings_accounts_open_many,
    savings_deposit_collective,
)
from tenants.savings.exceptions import AccountUnavailable, AmountInvalid, IdempotencyConflict
from tenants.savings.selectors import savings_balances_match_ledger
from tenants.savings.services import savings_deposit
from tests.savings.conftest import D, account_make, key, member_make, product


def _members(count: int) -> list[Member]:
    return [member_make() for _ in range(count)]


def test_many_accounts_then_one_entry_per_chunk(books: Any, monkeypatch: Any) -> None:
    # given: 5 members and chunks of 2 member lines per entry
    monkeypatch.setattr(collective, "CHUNK", 2)
    members = _members(5)
    accounts = savings_accounts_open_many(actor=None, members=members, product=product("wajib"))
    entries_before = JournalEntry.objects.count()
    items = [CollectiveItem(a, D(25000) * (i + 1)) for i, a in enumerate(accounts)]

    # when
    made = savings_deposit_collective(
        actor=None, items=items, idempotency_key=key("pg"), description="Potong gaji Oktober"
    )

    # then: every member has their own transaction, three entries (2 + 2 + 1 lines)
    assert [t.amount for t in made] == [i.amount for i in items]
    assert [t.balance_after for t in made] == [i.amount for i in items]
    assert JournalEntry.objects.count() == entries_before + 3
    assert len({t.journal_entry_id for t in made}) == 3
    for account, item in zip(accounts, items, strict=True):
        assert SavingsAccount.objects.get(pk=account.pk).balance == item.amount
    assert savings_balances_match_ledger()
    assert ledger_check_balances() == []


def test_repeated_key_returns_the_first_and_other_content_is_refused(books: Any) -> None:
    accounts = savings_accounts_open_many(
        actor=None, members=_members(2), product=product("sukarela")
    )
    items = [CollectiveItem(a, D(10000)) for a in accounts]
    k = key("rep")
    when = timezone.now()
    first = savings_deposit_collective(
        actor=None, items=items, idempotency_key=k, description="Setoran kelompok", occurred_at=when
    )
    again = savings_deposit_collective(
        actor=None, items=items, idempotency_key=k, description="Setoran kelompok", occurred_at=when
    )
    assert [t.pk for t in again] == [t.pk for t in first]
    assert SavingsAccount.objects.get(pk=accounts[0].pk).balance == D(10000)
    with pytest.raises(IdempotencyConflict):
        savings_deposit_collective(
            actor=None,
            items=[CollectiveItem(accounts[0], D(20000))],
            idempotency_key=k,
            description="Setoran kelompok",
            occurred_at=when,
        )


@pytest.mark.parametrize(
    ("bad_amount", "code"),
    [(D(30000), "wajib_multiple"), (D(0), "amount_not_positive"), (30000, "amount_type")],
)
def test_one_bad_item_refuses_all_and_names_it(
    books: Any, nothing_written: Callable[..., Any], bad_amount: Any, code: str
) -> None:
    accounts = savings_accounts_open_many(actor=None, members=_members(3), product=product("wajib"))
    items = [CollectiveItem(a, D(25000)) for a in accounts]
    items[2] = CollectiveItem(accounts[2], bad_amount)
    with nothing_written(*accounts), pytest.raises(CollectiveRefused) as refused:
        savings_deposit_collective(
            actor=None, items=items, idempotency_key=key("bad"), description="Potong gaji"
        )
    assert refused.value.index == 2 and refused.value.code == code


def test_inactive_member_repeated_account_and_empty_list_are_refused(
    books: Any, nothing_written: Callable[..., Any]
) -> None:
    applicant = member_make(status="applicant")
    with pytest.raises(CollectiveRefused) as refused:
        savings_accounts_open_many(actor=None, members=[applicant], product=product("sukarela"))
    assert refused.value.code == "member_inactive"
    account = account_make("sukarela")
    with nothing_written(account):
        with pytest.raises(CollectiveRefused) as repeated:
            savings_deposit_collective(
                actor=None,
                items=[CollectiveItem(account, D(1000)), CollectiveItem(account, D(2000))],
                idempotency_key=key("dup"),
                description="Setoran",
            )
        assert repeated.value.code == "account_repeated" and repeated.value.index == 1
        with pytest.raises(AmountInvalid):
            savings_deposit_collective(
                actor=None, items=[], idempotency_key=key("e"), description="Setoran"
            )
    with pytest.raises(AccountUnavailable):
        savings_accounts_open_many(
            actor=None, members=[account.member], product=product("sukarela")
        )


def test_a_past_date_cannot_go_before_a_later_transaction(
    books: Any, nothing_written: Callable[..., Any]
) -> None:
    account = account_make("sukarela")
    savings_deposit(actor=None, account=account, amount=D(5000), idempotency_key=key("now"))
    with nothing_written(account), pytest.raises(AmountInvalid) as refused:
        savings_deposit_collective(
            actor=None,
            items=[CollectiveItem(account, D(1000))],
            idempotency_key=key("past"),
            description="Setoran lama",
            occurred_at=timezone.now() - timedelta(days=40),
        )
    assert refused.value.code == "backdated_before_later"


def test_a_past_date_dates_the_transactions_and_the_entry(books: Any) -> None:
    account = account_make("sukarela")
    when = timezone.now() - timedelta(days=3)
    (made,) = savings_deposit_collective(
        actor=None,
        items=[CollectiveItem(account, D(7000))],
        idempotency_key=key("back"),
        description="Setoran kelompok",
        occurred_at=when,
    )
    assert made.created_at == when
    assert made.journal_entry.entry_date == business_day_of(when)
    assert SavingsTransaction.objects.filter(account=account).count() == 1


def test_another_cooperatives_account_is_refused(
    books: Any, beta: Any, nothing_written: Callable[..., Any]
) -> None:
    from django.db import connection

    connection.set_tenant(beta)
    foreign = account_make("sukarela")
    connection.set_tenant(books)
    with nothing_written(), pytest.raises(CollectiveRefused) as refused:
        savings_deposit_collective(
            actor=None,
            items=[CollectiveItem(foreign, D(1000))],
            idempotency_key=key("foreign"),
            description="Setoran",
        )
    assert refused.value.code == "account_foreign"
