"""Buying prepaid products with the sandbox provider: the money in the member's cooperative
(hold, then capture or release), in the secondary cooperative's books and in the
settlement ledger; idempotency; refusals before any money moves; definite failures and
pending answers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from audit.models import AuditEntry
from django.utils import timezone
from django_tenants.utils import tenant_context

from ppob.exceptions import (
    DepositLow,
    IdempotencyConflict,
    NumberInvalid,
    PaymentRefused,
    ProductUnavailable,
    RequestInvalid,
)
from ppob.models import (
    DepositSnapshot,
    Product,
    Purchase,
    PurchaseStatus,
    SandboxTransaction,
    SettlementLine,
)
from ppob.providers.base import Outcome, TransactionResult
from ppob.services.deposit import deposit_refresh
from ppob.services.money import purchase_money_settle
from ppob.services.purchases import purchase_check, purchase_submit
from ppob.services.reconcile import pending_due_ids
from ppob.services.results import purchase_result_apply
from tenants.models import Member
from tenants.savings.selectors import savings_balances_match_ledger
from tests.ppob.conftest import (
    FAIL_NUMBER,
    PENDING_FAIL_NUMBER,
    PENDING_OK_NUMBER,
    TIMEOUT_NUMBER,
    XL10_MEMBER,
    XL10_NONMEMBER,
    D,
    account_now,
    events_for,
    key,
    member_account,
)
from tests.ppob.helpers import (
    business,
    buy,
    door_audits,
    entries_about,
    entry_lines,
    fresh,
    hold,
)

pytestmark = pytest.mark.django_db


def contact_long_ago(purchase: Purchase, seconds: int = 61) -> None:
    Purchase.objects.filter(pk=purchase.pk).update(
        last_contact_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_member_buys_with_sukarela_and_every_party_books_it(shop, account, induk):
    # when: the purchase is made (the hold), then submitted (the provider call)
    created = buy(shop, account)
    purchase = created.purchase

    # then: held, pending, nothing charged yet
    assert created.created and purchase.status == PurchaseStatus.PENDING
    assert (purchase.price, purchase.cost, purchase.price_tier) == (
        XL10_MEMBER,
        D("10800"),
        "member",
    )
    assert account_now(shop, account).reserved == XL10_MEMBER
    assert hold(shop, purchase).status == "held"

    assert purchase_submit(purchase_id=purchase.pk) == "success"

    done = fresh(purchase)
    assert done.status == PurchaseStatus.SUCCESS and done.sn.startswith("SB")
    assert done.money_settled_at is not None and done.money_error == ""
    # the member's cooperative: savings debited once, business recorded
    now = account_now(shop, account)
    assert (now.balance, now.reserved) == (D("100000") - XL10_MEMBER, D("0"))
    assert hold(shop, purchase).status == "captured"
    assert business(shop, purchase) == [(account.member.member_number, XL10_MEMBER, "ppob")]
    with tenant_context(shop):
        assert savings_balances_match_ledger()
    # the secondary cooperative: receivable = price, deposit out = cost, margin income
    assert entry_lines(induk, done.secondary_entry_id) == [
        ("1111", XL10_MEMBER, D("0")),
        ("1110", D("0"), D("10800")),
        ("4106", D("0"), D("1500")),
    ]
    # the settlement ledger
    line = SettlementLine.objects.get(purchase=done)
    assert (line.amount, line.cost, line.margin, line.cooperative_id) == (
        XL10_MEMBER,
        D("10800"),
        D("1500"),
        shop.pk,
    )
    assert line.period == timezone.localdate(done.settled_at).replace(day=1)
    # every exchange is in the event log
    assert [e.kind for e in events_for(done.ref_id)] == ["request", "response"]


def test_a_shopper_pays_cash_at_the_teller(shop, induk):
    purchase = buy(shop, None, payment="cash", shopper_name="Pak Darmo").purchase
    purchase_submit(purchase_id=purchase.pk)

    done = fresh(purchase)
    assert (done.status, done.price, done.price_tier, done.reservation_ref) == (
        PurchaseStatus.SUCCESS,
        XL10_NONMEMBER,
        "nonmember",
        "",
    )
    assert entry_lines(shop, done.primary_entry_id) == [
        ("1101", XL10_NONMEMBER, D("0")),
        ("2111", D("0"), XL10_NONMEMBER),
    ]
    assert entry_lines(induk, done.secondary_entry_id)[2] == ("4106", D("0"), D("2500"))
    assert business(shop, done) == []


def test_a_member_paying_cash_still_counts_as_member_business(shop, account):
    purchase = buy(shop, account, payment="cash").purchase
    purchase_submit(purchase_id=purchase.pk)

    done = fresh(purchase)
    assert done.price == XL10_MEMBER and done.primary_entry_id is not None
    assert business(shop, done) == [(account.member.member_number, XL10_MEMBER, "ppob")]
    assert account_now(shop, account).balance == D("100000")


def test_a_request_repeated_ten_times_buys_once(shop, account):
    request_key = key()
    results = [buy(shop, account, request_key=request_key) for _ in range(10)]
    for _ in range(10):
        purchase_submit(purchase_id=results[0].purchase.pk)

    assert [r.created for r in results] == [True] + [False] * 9
    assert {r.purchase.pk for r in results} == {results[0].purchase.pk}
    ref_id = results[0].purchase.ref_id
    assert SandboxTransaction.objects.filter(ref_id=ref_id).count() == 1
    assert fresh(results[0].purchase).attempts == 1  # the other nine found it claimed
    assert account_now(shop, account).balance == D("100000") - XL10_MEMBER
    assert door_audits(shop, "books.sukarela.reserve", results[0].purchase) == 1
    assert door_audits(shop, "books.sukarela.capture", results[0].purchase) == 1


def test_the_same_key_for_another_request_is_a_conflict(shop, account, nothing_written):
    request_key = key()
    buy(shop, account, request_key=request_key)
    with nothing_written(shop), pytest.raises(IdempotencyConflict):
        buy(shop, account, request_key=request_key, number="087800005555")


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({"number": "081234567890"}, NumberInvalid, "mobile_operator"),  # Telkomsel for XL
        ({"number": "0878"}, NumberInvalid, "mobile_format"),
        ({"number": ""}, NumberInvalid, "number_missing"),
        ({"sku": "smart20", "number": "088812345678"}, ProductUnavailable, "product_inactive"),
        ({"sku": "nope"}, ProductUnavailable, "product_unknown"),
        ({"sku": "plnpasca", "number": "512345678901"}, ProductUnavailable, "product_postpaid"),
        ({"payment": "card"}, PaymentRefused, "payment_invalid"),
        ({"request_key": "short"}, RequestInvalid, "key_invalid"),
        ({"request_key": "bad key with spaces"}, RequestInvalid, "key_invalid"),
        ({"shopper_name": "x" * 101}, RequestInvalid, "shopper_invalid"),
    ],
)
def test_bad_input_is_refused_before_any_money_moves(
    shop, account, nothing_written, fields, error, code
):
    with nothing_written(shop), pytest.raises(error) as refused:
        buy(shop, account, **fields)
    assert refused.value.code == code
    assert account_now(shop, account).reserved == 0


def test_a_shopper_cannot_pay_from_savings_and_an_unknown_member_is_refused(shop, nothing_written):
    with nothing_written(shop), pytest.raises(PaymentRefused) as refused:
        buy(shop, None, payment="sukarela")
    assert refused.value.code == "sukarela_needs_member"
    with nothing_written(shop), pytest.raises(PaymentRefused) as refused:
        buy(shop, None, payment="cash", member_number="99999999")
    assert refused.value.code == "member_unknown"


def test_an_inactive_member_and_a_short_balance_are_refused(shop, nothing_written):
    poor = member_account(shop, "5000")
    with nothing_written(shop), pytest.raises(PaymentRefused) as refused:
        buy(shop, poor)
    assert refused.value.code == "insufficient_balance"
    with tenant_context(shop):
        Member.objects.filter(pk=poor.member_id).update(status="resigned")
    with nothing_written(shop), pytest.raises(PaymentRefused) as refused:
        buy(shop, poor)
    assert refused.value.code == "member_inactive"


def test_a_suspended_cooperative_cannot_sell(shop, account, nothing_written):
    shop.status = "suspended"
    with nothing_written(shop), pytest.raises(RequestInvalid) as refused:
        buy(shop, account)
    assert refused.value.code == "cooperative_inactive"


def test_sales_are_refused_before_the_deposit_runs_out(shop, account, settings, nothing_written):
    settings.PPOB_DEPOSIT_FLOOR = "49990000"  # the sandbox holds 50,000,000
    with nothing_written(shop), pytest.raises(DepositLow) as refused:
        buy(shop, account)
    assert refused.value.code == "deposit_low"


def test_the_deposit_alert(shop, settings):
    settings.PPOB_DEPOSIT_ALERT_BELOW = "60000000"
    snapshot = deposit_refresh(source="test")
    assert snapshot.below_alert and snapshot.balance == D("50000000")
    assert AuditEntry.objects.filter(action="ppob.deposit.low", object_id=str(snapshot.pk)).exists()


def test_a_sale_with_no_deposit_reading_reads_it_first(shop, account):
    DepositSnapshot.objects.all().delete()
    buy(shop, account)
    assert DepositSnapshot.objects.filter(source="sale").count() == 1


def test_a_definite_failure_releases_the_hold_exactly_once(shop, account):
    purchase = buy(shop, account, number=FAIL_NUMBER).purchase

    assert purchase_submit(purchase_id=purchase.pk) == "failed"
    # the same failure again, from a webhook and from the sweep
    failure = TransactionResult(Outcome.FAILED, purchase.ref_id, rc="02", status="Gagal")
    again = purchase_result_apply(purchase_id=purchase.pk, result=failure, source="webhook")
    purchase_money_settle(purchase_id=purchase.pk)
    purchase_check(purchase_id=purchase.pk)

    assert not again.changed
    done = fresh(purchase)
    assert (done.status, done.rc, done.sn) == (PurchaseStatus.FAILED, "02", "")
    assert hold(shop, purchase).status == "released"
    assert door_audits(shop, "books.sukarela.release", purchase) == 1
    now = account_now(shop, account)
    assert (now.balance, now.reserved) == (D("100000"), D("0"))
    assert entries_about(shop, purchase) == 0 and business(shop, purchase) == []
    assert not SettlementLine.objects.filter(purchase=purchase).exists()


def test_a_refusal_on_the_first_call_fails_but_on_a_later_call_stays_pending(shop, account):
    # our catalogue still sells smart20; the sandbox has switched it off (rc 43)
    Product.objects.filter(sku="smart20").update(seller_active=True, price_member=D("21650"))
    purchase = buy(shop, account, sku="smart20", number="088812345678").purchase
    assert purchase_submit(purchase_id=purchase.pk) == "failed"
    assert hold(shop, purchase).status == "released"

    other = buy(shop, account).purchase
    refused = TransactionResult(Outcome.REFUSED, other.ref_id, rc="41", status="Gagal")
    applied = purchase_result_apply(purchase_id=other.pk, result=refused, source="reconcile")
    assert (applied.outcome, fresh(other).status) == ("pending", PurchaseStatus.PENDING)
    assert hold(shop, other).status == "held"


def test_a_timeout_stays_pending_and_reconciliation_settles_it(shop, account):
    purchase = buy(shop, account, number=TIMEOUT_NUMBER).purchase

    assert purchase_submit(purchase_id=purchase.pk) == "pending"
    pending = fresh(purchase)
    assert (pending.status, pending.attempts) == (PurchaseStatus.PENDING, 1)
    assert hold(shop, purchase).status == "held"
    assert [e.kind for e in events_for(purchase.ref_id)] == ["request", "error"]

    # within the cooldown nobody asks again
    assert purchase.pk not in pending_due_ids()
    assert purchase_check(purchase_id=purchase.pk) == "cooldown"

    # after it, the reconciliation's status check finds the success
    contact_long_ago(purchase)
    assert purchase.pk in pending_due_ids()
    assert purchase_check(purchase_id=purchase.pk) == "success"

    done = fresh(purchase)
    assert (done.status, done.attempts) == (PurchaseStatus.SUCCESS, 2)
    assert SandboxTransaction.objects.filter(ref_id=purchase.ref_id).count() == 1
    assert account_now(shop, account).balance == D("100000") - XL10_MEMBER
    assert door_audits(shop, "books.sukarela.capture", purchase) == 1


@pytest.mark.parametrize(
    ("number", "final", "hold_status"),
    [(PENDING_OK_NUMBER, "success", "captured"), (PENDING_FAIL_NUMBER, "failed", "released")],
)
def test_pending_then_final(shop, account, number, final, hold_status):
    purchase = buy(shop, account, number=number).purchase
    assert purchase_submit(purchase_id=purchase.pk) == "pending"
    assert fresh(purchase).rc == "03"

    contact_long_ago(purchase)
    assert purchase_check(purchase_id=purchase.pk) == final
    assert hold(shop, purchase).status == hold_status


def test_a_purchase_never_submitted_is_sent_by_reconciliation(shop, account):
    purchase = buy(shop, account).purchase  # the Celery task was lost
    Purchase.objects.filter(pk=purchase.pk).update(
        created_at=timezone.now() - timedelta(seconds=90)
    )
    assert purchase.pk in pending_due_ids()
    assert purchase_check(purchase_id=purchase.pk) == "success"
    assert fresh(purchase).attempts == 1


def test_the_money_steps_interrupted_by_a_crash_are_finished_later(shop, account, induk):
    purchase = buy(shop, account).purchase
    # a worker recorded the success and died before any money step
    Purchase.objects.filter(pk=purchase.pk).update(
        status=PurchaseStatus.SUCCESS, sn="SB1", settled_at=timezone.now() - timedelta(minutes=2)
    )
    from ppob.services.money import money_due_ids

    assert purchase.pk in money_due_ids()
    assert purchase_check(purchase_id=purchase.pk) == "final"
    purchase_money_settle(purchase_id=purchase.pk)

    done = fresh(purchase)
    assert done.money_settled_at is not None and purchase.pk not in money_due_ids()
    assert door_audits(shop, "books.sukarela.capture", purchase) == 1
    assert entries_about(induk, purchase) == 1
    assert SettlementLine.objects.filter(purchase=purchase).count() == 1


def test_amounts_are_decimal_everywhere(shop, account):
    purchase = buy(shop, account).purchase
    purchase_submit(purchase_id=purchase.pk)
    done = fresh(purchase)
    assert all(isinstance(v, Decimal) for v in (done.price, done.cost, done.provider_price))


def test_the_ppob_accounts_are_in_every_chart_and_the_migration_reverses(alpha):
    import importlib

    from django.apps import apps

    from tenants.models import Account, AccountBalance

    migration = importlib.import_module("tenants.migrations.0016_ppob_accounts")
    with tenant_context(alpha):
        found = {a.code: a for a in Account.objects.filter(code__in=["1110", "1111"])}
        assert {code: (a.name, a.type, a.parent.code) for code, a in found.items()} == {
            "1110": ("Deposit PPOB", "asset", "11"),
            "1111": ("Piutang Koperasi Anggota", "asset", "11"),
        }
        assert AccountBalance.objects.filter(account__code__in=["1110", "1111"]).count() == 2

        migration.accounts_unload(apps, None)
        assert not Account.objects.filter(code__in=["1110", "1111"]).exists()
        migration.accounts_load(apps, None)
        migration.accounts_load(apps, None)  # again: nothing twice
        assert Account.objects.filter(code__in=["1110", "1111"]).count() == 2
        assert AccountBalance.objects.filter(account__code__in=["1110", "1111"]).count() == 2
