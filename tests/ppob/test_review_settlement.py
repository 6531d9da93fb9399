"""The head office's review queue (every exchange visible) and the settlement ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from audit.models import AuditEntry
from django.utils import timezone
from django_tenants.utils import tenant_context

from ppob import selectors
from ppob.exceptions import ReviewRefused, SettlementRefused
from ppob.models import Purchase, PurchaseStatus, ReviewItem, Settlement, SettlementLine
from ppob.services.money import purchase_money_settle
from ppob.services.purchases import purchase_check, purchase_submit
from ppob.services.reconcile import pending_due_ids
from ppob.services.review import review_resolve
from ppob.services.settlement import settlement_close, settlements_close_month
from tenants.models.books import SavingsReservation
from tests.ppob.conftest import TIMEOUT_NUMBER, XL10_MEMBER, XL10_NONMEMBER, D
from tests.ppob.helpers import buy, door_audits, fresh, hold

pytestmark = pytest.mark.django_db


def aged(purchase: Purchase, days: int = 8) -> None:
    long_ago = timezone.now() - timedelta(days=days)
    Purchase.objects.filter(pk=purchase.pk).update(created_at=long_ago, last_contact_at=long_ago)


def test_a_purchase_pending_past_the_age_limit_goes_to_review(shop, account, head_office_admin):
    purchase = buy(shop, account, number=TIMEOUT_NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    aged(purchase)

    assert purchase_check(purchase_id=purchase.pk) == "review"
    assert purchase_check(purchase_id=purchase.pk) == "review"
    assert purchase.pk not in pending_due_ids()  # the sweep leaves it to a person

    [item] = selectors.review_open()
    assert (item.purchase_id, item.reason) == (purchase.pk, "age_limit")
    exchanges = selectors.purchase_events(item.purchase)
    assert [e.kind for e in exchanges] == ["request", "error"]

    # a person looks at the provider's dashboard and settles it
    with pytest.raises(ReviewRefused) as refused:
        review_resolve(actor=head_office_admin, item=item, resolution="success", note="ok")
    assert refused.value.code == "sn_missing"
    review_resolve(
        actor=head_office_admin,
        item=item,
        resolution="success",
        note="dashboard: Sukses",
        sn="SN-77",
    )

    done = fresh(purchase)
    assert (done.status, done.sn) == (PurchaseStatus.SUCCESS, "SN-77")
    assert hold(shop, purchase).status == "captured"
    assert ReviewItem.objects.get(pk=item.pk).status == "resolved"
    assert AuditEntry.objects.filter(action="ppob.review.resolve").count() == 1


def test_a_review_cannot_overturn_a_final_purchase(shop, account, head_office_admin):
    purchase = buy(shop, account).purchase
    purchase_submit(purchase_id=purchase.pk)
    from ppob.services.review import review_add

    item = review_add(purchase_id=purchase.pk, reason="conflict", detail={})
    with pytest.raises(ReviewRefused) as refused:
        review_resolve(actor=head_office_admin, item=item, resolution="failed", note="no")
    assert refused.value.code == "purchase_final"
    review_resolve(actor=head_office_admin, item=item, resolution="dismissed", note="refund noted")
    assert hold(shop, purchase).status == "captured"


def test_a_hold_that_expired_before_a_late_success_goes_to_review(shop, account, head_office_admin):
    purchase = buy(shop, account, number=TIMEOUT_NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    with tenant_context(shop):
        SavingsReservation.objects.filter(reference=purchase.reservation_ref).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    Purchase.objects.filter(pk=purchase.pk).update(
        last_contact_at=timezone.now() - timedelta(seconds=61)
    )

    assert purchase_check(purchase_id=purchase.pk) == "success"

    done = fresh(purchase)
    assert done.money_settled_at is None and done.money_error.startswith("reservation_expired")
    [item] = selectors.review_open()
    assert (item.reason, item.detail["code"]) == ("money", "reservation_expired")
    purchase_money_settle(purchase_id=purchase.pk)  # the sweep skips it; a call changes nothing
    assert door_audits(shop, "books.sukarela.capture", purchase) == 0
    review_resolve(
        actor=head_office_admin, item=item, resolution="dismissed", note="paid cash at the teller"
    )
    assert fresh(purchase).money_settled_at is not None


def test_the_settlement_ledger_closes_past_months(shop, account, alpha):
    bought = [buy(shop, account).purchase, buy(shop, None, payment="cash").purchase]
    for purchase in bought:
        purchase_submit(purchase_id=purchase.pk)
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)

    with pytest.raises(SettlementRefused):
        settlement_close(actor=None, cooperative=shop, period=this_month)

    SettlementLine.objects.filter(purchase__in=bought).update(period=last_month)
    settlement = settlement_close(actor=None, cooperative=shop, period=last_month)
    assert (settlement.purchases, settlement.amount, settlement.margin) == (
        2,
        XL10_MEMBER + XL10_NONMEMBER,
        D("4000"),
    )
    assert settlement_close(actor=None, cooperative=shop, period=last_month).pk == settlement.pk
    # a late line of that month goes into the next settlement, not into the closed one
    late = buy(shop, account).purchase
    purchase_submit(purchase_id=late.pk)
    SettlementLine.objects.filter(purchase=late).update(period=last_month)
    assert Settlement.objects.get(pk=settlement.pk).purchases == 2
    assert [s.pk for s in settlements_close_month(actor=None, period=last_month)] == [settlement.pk]
    assert Settlement.objects.get(pk=settlement.pk).purchases == 2
    assert SettlementLine.objects.get(purchase=late).settlement_id is None
