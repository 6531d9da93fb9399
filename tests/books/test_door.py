"""The books' door from a caller's side: every call is made from the public schema, as the
shared layer (PPOB, the store, billing) makes it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from audit.models import AuditEntry
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants import books
from tenants.books import (
    BooksError,
    CallerRefused,
    IdempotencyConflict,
    InputInvalid,
    MemberUnavailable,
    ReservationRefused,
)
from tenants.ledger.periods import business_today
from tenants.ledger.tenancy import current_schema
from tenants.models import JournalEntry, Member, SavingsTransaction
from tenants.models.books import MemberBusiness, ReservationStatus, SavingsReservation
from tenants.savings.exceptions import WithdrawalRefused
from tenants.savings.selectors import savings_balances_match_ledger
from tenants.savings.services import savings_withdraw
from tenants.tasks_books import books_expire_reservations
from tests.books.conftest import account_now, counts, funded_account, key
from tests.savings.conftest import D


def reserve(coop: Any, account: Any, amount: str, caller: str = "ppob", **kw: Any) -> Any:
    return books.sukarela_reserve(
        coop,
        caller,
        member_number=account.member.member_number,
        amount=D(amount),
        idempotency_key=kw.pop("idempotency_key", key()),
        **kw,
    )


# --- member_find ------------------------------------------------------------------------


def test_find_by_number_card_and_user(pintu, account):
    # given
    with tenant_context(pintu):
        Member.objects.filter(pk=account.member_id).update(user_id=987654)
        token = books.member_card_token(account.member)
    number = account.member.member_number
    # when
    by_number = books.member_find(pintu, "retail", member_number=number)
    by_card = books.member_find(pintu, "retail", card_token=token)
    by_user = books.member_find(pintu, "retail", user_id=987654)
    # then
    assert by_number == by_card == by_user
    assert by_number is not None
    assert (by_number.member_id, by_number.member_number) == (account.member_id, number)
    assert by_number.status == "active"
    assert books.member_find(pintu, "retail", member_number="99999999") is None
    assert current_schema() == "public"


def test_card_of_another_cooperative_or_forged_is_refused(pintu, beta):
    elsewhere = funded_account(beta, "0")
    with tenant_context(beta):
        token = books.member_card_token(elsewhere.member)
    with pytest.raises(MemberUnavailable) as foreign:
        books.member_find(pintu, "retail", card_token=token)
    assert foreign.value.code == "card_foreign"
    with pytest.raises(MemberUnavailable) as forged:
        books.member_find(pintu, "retail", card_token=token[:-2] + "xx")
    assert forged.value.code == "card_invalid"
    with pytest.raises(InputInvalid):
        books.member_find(pintu, "retail", member_number="1", user_id=1)


# --- callers ----------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["", "shop", "PPOB", None, "cooperative:", "cooperative:nope"])
def test_unknown_caller_is_refused(pintu, account, nothing_written, caller):
    with nothing_written(pintu), pytest.raises(CallerRefused):
        reserve(pintu, account, "1000", caller=caller)
    with pytest.raises(CallerRefused):
        books.member_find(pintu, caller, member_number=account.member.member_number)


def test_a_cooperative_cannot_call_its_own_door_as_another(pintu, account):
    with pytest.raises(CallerRefused):
        reserve(pintu, account, "1000", caller="cooperative:pintu")


def test_only_billing_ppob_and_cooperatives_post_entries(pintu, alpha, nothing_written):
    lines = [("1101", D(5000), D(0)), ("2110", D(0), D(5000))]
    with nothing_written(pintu), pytest.raises(CallerRefused) as refused:
        books.intercooperative_entry_post(
            pintu,
            "retail",
            lines=lines,
            description="x",
            idempotency_key=key(),
            entry_date=business_today(),
        )
    assert refused.value.code == "caller_not_allowed"


# --- reservations -----------------------------------------------------------------------


def test_reserve_lowers_what_the_teller_can_withdraw(pintu, account):
    # when
    held = reserve(pintu, account, "70000")
    # then
    assert held.status == ReservationStatus.HELD
    assert account_now(pintu, account).reserved == D(70000)
    with tenant_context(pintu):
        with pytest.raises(WithdrawalRefused) as refused:
            savings_withdraw(actor=None, account=account, amount=D(40000), idempotency_key=key())
        assert refused.value.code == "reserved"
        savings_withdraw(actor=None, account=account, amount=D(30000), idempotency_key=key())
    with pytest.raises(ReservationRefused) as short:
        reserve(pintu, account, "0.01")
    assert short.value.code == "insufficient_balance"


def test_capture_posts_a_balanced_withdrawal(pintu, account):
    held = reserve(pintu, account, "25000", caller="marketplace")
    # when
    done = books.sukarela_capture(
        pintu, "marketplace", reservation_ref=held.reference, description="Order 77"
    )
    # then
    assert done.status == ReservationStatus.CAPTURED
    now = account_now(pintu, account)
    assert (now.balance, now.reserved) == (D(75000), D(0))
    with tenant_context(pintu):
        assert done.journal_entry_id is not None
        entry = JournalEntry.objects.get(pk=done.journal_entry_id)
        postings = {
            (p.account.code, p.debit, p.credit, p.member_ref)
            for p in entry.postings.select_related("account")
        }
        assert postings == {
            ("2101", D(25000), D(0), account.member.member_number),
            ("2111", D(0), D(25000), ""),
        }
        assert SavingsTransaction.objects.filter(journal_entry=entry).count() == 1
        assert savings_balances_match_ledger()
    assert current_schema() == "public"


def test_capture_by_the_reserving_key_and_not_by_another_caller(pintu, account):
    reserve(pintu, account, "1000", caller="retail", idempotency_key="sale-1-" + key())
    with pytest.raises(ReservationRefused) as other:
        books.sukarela_capture(pintu, "ppob", idempotency_key="sale-1-x", description="x")
    assert other.value.code == "unknown"


def test_release_restores_and_settled_holds_are_refused(pintu, account):
    held = reserve(pintu, account, "60000")
    released = books.sukarela_release(pintu, "ppob", reservation_ref=held.reference)
    again = books.sukarela_release(pintu, "ppob", reservation_ref=held.reference)
    assert released == again
    assert released.status == ReservationStatus.RELEASED
    assert account_now(pintu, account).reserved == D(0)
    with pytest.raises(ReservationRefused) as refused:
        books.sukarela_capture(pintu, "ppob", reservation_ref=held.reference, description="x")
    assert refused.value.code == "reservation_released"
    captured = reserve(pintu, account, "1000")
    books.sukarela_capture(pintu, "ppob", reservation_ref=captured.reference, description="x")
    with pytest.raises(ReservationRefused) as settled:
        books.sukarela_release(pintu, "ppob", reservation_ref=captured.reference)
    assert settled.value.code == "reservation_captured"


def test_expiry_releases_due_holds(pintu, account):
    held = reserve(pintu, account, "40000", ttl_seconds=60)
    later = reserve(pintu, account, "10000", ttl_seconds=7200)
    with tenant_context(pintu):
        assert books.reservation_expire_due(now=timezone.now() + timedelta(minutes=5)) >= 1
        assert books_expire_reservations() == 0  # already done: safe to run twice
        statuses = {
            str(ref): status
            for ref, status in SavingsReservation.objects.values_list("reference", "status")
        }
    assert statuses[held.reference] == ReservationStatus.EXPIRED
    assert statuses[later.reference] == ReservationStatus.HELD
    assert account_now(pintu, account).reserved == D(10000)
    with pytest.raises(ReservationRefused) as refused:
        books.sukarela_capture(pintu, "ppob", reservation_ref=held.reference, description="x")
    assert refused.value.code == "reservation_expired"
    assert books.sukarela_release(pintu, "ppob", reservation_ref=later.reference).status == (
        ReservationStatus.RELEASED
    )


def test_capture_of_a_hold_past_its_time_expires_it(pintu, account):
    held = reserve(pintu, account, "30000")
    with tenant_context(pintu):
        SavingsReservation.objects.filter(reference=held.reference).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    before = counts(pintu)
    with pytest.raises(ReservationRefused) as refused:
        books.sukarela_capture(pintu, "ppob", reservation_ref=held.reference, description="x")
    assert refused.value.code == "reservation_expired"
    assert account_now(pintu, account).reserved == D(0)
    after = counts(pintu)
    assert after[3] == before[3]  # no journal entry
    with tenant_context(pintu):
        assert SavingsReservation.objects.get(reference=held.reference).status == "expired"


def test_ten_repeats_hold_and_post_once(pintu, account):
    reserve_key = key()
    refs = {reserve(pintu, account, "5000", idempotency_key=reserve_key) for _ in range(10)}
    assert len(refs) == 1
    (held,) = refs
    captures = {
        books.sukarela_capture(pintu, "ppob", reservation_ref=held.reference, description="Token")
        for _ in range(10)
    }
    assert len(captures) == 1
    now = account_now(pintu, account)
    assert (now.balance, now.reserved) == (D(95000), D(0))
    with tenant_context(pintu):
        assert SavingsReservation.objects.filter(account=account).count() == 1
        assert (
            JournalEntry.objects.filter(
                kind="books_capture", postings__member_ref=account.member.member_number
            )
            .distinct()
            .count()
            == 1
        )
        assert savings_balances_match_ledger()
    with pytest.raises(IdempotencyConflict):
        reserve(pintu, account, "5001", idempotency_key=reserve_key)
    with pytest.raises(IdempotencyConflict):
        books.sukarela_capture(pintu, "ppob", reservation_ref=held.reference, description="Other")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("0"), "amount_not_positive"),
        (Decimal("-1000"), "amount_not_positive"),
        (1000.0, "amount_type"),
        (1000, "amount_type"),
        (Decimal("10.001"), "amount_precision"),
        (Decimal("NaN"), "amount_not_positive"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_written(pintu, account, nothing_written, amount, code):
    number = account.member.member_number
    with nothing_written(pintu), pytest.raises(InputInvalid) as refused:
        books.sukarela_reserve(
            pintu, "ppob", member_number=number, amount=amount, idempotency_key=key()
        )
    assert refused.value.code == code
    with nothing_written(pintu), pytest.raises(InputInvalid):
        books.member_business_record(
            pintu,
            "ppob",
            member_number=number,
            amount=amount,
            kind="ppob",
            reference="INV-1",
            idempotency_key=key(),
            occurred_at=timezone.now(),
        )


def test_unknown_and_inactive_members_are_refused(pintu, nothing_written):
    resigned = funded_account(pintu, "50000", status="resigned")
    with nothing_written(pintu), pytest.raises(MemberUnavailable) as inactive:
        reserve(pintu, resigned, "1000")
    assert inactive.value.code == "member_inactive"
    with nothing_written(pintu), pytest.raises(MemberUnavailable) as unknown:
        books.sukarela_reserve(
            pintu, "ppob", member_number="00000000", amount=D(1000), idempotency_key=key()
        )
    assert unknown.value.code == "member_unknown"


# --- member business --------------------------------------------------------------------


def test_member_business_is_recorded_once(pintu, account):
    given: dict[str, Any] = {
        "member_number": account.member.member_number,
        "amount": D("12500.00"),
        "kind": "ppob",
        "reference": "PLN-123",
        "idempotency_key": key(),
        "occurred_at": timezone.now(),
    }
    first = books.member_business_record(pintu, "ppob", **given)
    assert all(books.member_business_record(pintu, "ppob", **given) == first for _ in range(3))
    with tenant_context(pintu):
        assert MemberBusiness.objects.filter(member_id=account.member_id).count() == 1
        assert AuditEntry.objects.filter(action="books.business.record").exists()
    with pytest.raises(IdempotencyConflict):
        books.member_business_record(pintu, "ppob", **{**given, "amount": D(1)})
    with pytest.raises(InputInvalid):
        books.member_business_record(pintu, "ppob", **{**given, "kind": "gift"})


# --- entries between cooperatives -------------------------------------------------------


def test_billing_posts_a_balanced_entry_once(pintu, alpha, nothing_written):
    given: dict[str, Any] = {
        "lines": [("5202", D("150000.00"), D(0)), ("2110", D(0), D("150000.00"))],
        "description": "Langganan November",
        "idempotency_key": key(),
        "entry_date": business_today(),
    }
    first = books.intercooperative_entry_post(pintu, "billing", **given)
    assert books.intercooperative_entry_post(pintu, "billing", **given) == first
    assert first.total == D(150000)
    peer = books.intercooperative_entry_post(pintu, "cooperative:alpha", **{**given})
    assert peer.entry_id != first.entry_id  # keys are the caller's own
    with nothing_written(pintu), pytest.raises(BooksError) as unbalanced:
        books.intercooperative_entry_post(
            pintu,
            "billing",
            **{
                **given,
                "idempotency_key": key(),
                "lines": [("5202", D(1), D(0)), ("2110", D(0), D(2))],
            },
        )
    assert unbalanced.value.code == "unbalanced"


# --- isolation --------------------------------------------------------------------------


def test_a_call_for_one_cooperative_never_touches_another(pintu, beta, account):
    beta_before = counts(beta)
    with tenant_context(beta):
        # the caller is inside beta's schema; the door must put it back there
        held = reserve(pintu, account, "1000")
        assert current_schema() == beta.schema_name
        books.sukarela_capture(pintu, "ppob", reservation_ref=held.reference, description="x")
        assert current_schema() == beta.schema_name
    assert counts(beta) == beta_before
    with pytest.raises(ReservationRefused):
        books.sukarela_release(beta, "ppob", reservation_ref=held.reference)
