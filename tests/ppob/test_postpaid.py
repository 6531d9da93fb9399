"""Postpaid bills: the inquiry (name, period, bill, admin, penalty, valid until the end of
the WIB day or 30 minutes), then the payment within its validity, never sent twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ppob.exceptions import InquiryRefused, NumberInvalid, ProductUnavailable
from ppob.models import Inquiry, InquiryStatus, Purchase, PurchaseStatus
from ppob.services.purchases import (
    inquiry_create,
    inquiry_valid_until,
    postpaid_purchase_create,
    purchase_check,
    purchase_submit,
)
from tests.ppob.conftest import D, account_now, events_for, key, member_account
from tests.ppob.fake_digiflazz import KEY, USERNAME, fake_digiflazz
from tests.ppob.helpers import business, fresh, hold

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
PLN_ID = "512345678901"


@pytest.fixture
def account(shop):
    return member_account(shop, "500000")


def inquire(coop, account=None, *, number=PLN_ID, sku="plnpasca", request_key=None):
    return inquiry_create(
        actor=None,
        cooperative=coop,
        request_key=request_key or key("inq"),
        sku=sku,
        customer_no=number,
        member_number=account.member.member_number if account else "",
    )


def pay(coop, inquiry, *, payment="sukarela", request_key=None):
    return postpaid_purchase_create(
        actor=None,
        cooperative=coop,
        request_key=request_key or key("pay"),
        inquiry_ref=inquiry.ref_id,
        payment_method=payment,
    )


def test_an_inquiry_shows_the_bill_and_its_price(shop, account):
    inquiry = inquire(shop, account)

    assert inquiry.status == InquiryStatus.OPEN
    assert inquiry.customer_name and inquiry.period == timezone.localdate().strftime("%Y%m")
    assert inquiry.admin == D("2500") and inquiry.penalty == D("0")
    # the payer owes bill + admin + penalty, plus the member margin for PLN bills (1,000)
    assert inquiry.price == inquiry.bill + inquiry.admin + D("1000")
    assert inquiry.cost == inquiry.bill + inquiry.admin - D("1000")  # less the commission
    assert inquiry.valid_until <= inquiry.created_at + timedelta(minutes=30)


def test_the_inquiry_is_valid_until_the_end_of_the_wib_day_or_30_minutes():
    late = datetime(2026, 11, 3, 23, 50, tzinfo=WIB)
    assert inquiry_valid_until(late) == datetime(2026, 11, 4, 0, 0, tzinfo=WIB)
    morning = datetime(2026, 11, 3, 9, 0, tzinfo=WIB)
    assert inquiry_valid_until(morning) == datetime(2026, 11, 3, 9, 30, tzinfo=WIB)


def test_pay_a_bill_from_savings(shop, account):
    inquiry = inquire(shop, account)
    created = pay(shop, inquiry)
    purchase = created.purchase
    assert (purchase.ref_id, purchase.price, purchase.kind) == (
        inquiry.ref_id,
        inquiry.price,
        "postpaid",
    )

    assert purchase_submit(purchase_id=purchase.pk) == "success"

    assert hold(shop, purchase).status == "captured"
    assert account_now(shop, account).balance == D("500000") - inquiry.price
    assert business(shop, purchase)[0][1] == inquiry.price
    # paying the same inquiry again, with any key, is the same purchase
    again = pay(shop, inquiry)
    assert (again.created, again.purchase.pk) == (False, purchase.pk)


def test_a_repeated_inquiry_request_asks_the_provider_once(shop):
    request_key = key("inq")
    first = inquire(shop, request_key=request_key)
    second = inquire(shop, request_key=request_key)
    assert first.pk == second.pk
    assert [e.kind for e in events_for(first.ref_id)] == ["request", "response"]


def test_no_bill_yet(shop):
    inquiry = inquire(shop, number="512345671232")
    assert (inquiry.status, inquiry.rc) == (InquiryStatus.FAILED, "60")
    with pytest.raises(InquiryRefused) as refused:
        pay(shop, inquiry, payment="cash")
    assert refused.value.code == "inquiry_failed"


def test_an_expired_inquiry_is_not_paid_and_nothing_is_written(shop, account, nothing_written):
    inquiry = inquire(shop, account)
    Inquiry.objects.filter(pk=inquiry.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    with nothing_written(shop), pytest.raises(InquiryRefused) as refused:
        pay(shop, inquiry)
    assert refused.value.code == "inquiry_expired"


def test_an_inquiry_of_another_cooperative_is_unknown(shop, alpha):
    inquiry = inquire(shop)
    with pytest.raises(InquiryRefused) as refused:
        pay(alpha, inquiry, payment="cash")
    assert refused.value.code == "inquiry_unknown"


@pytest.mark.parametrize(
    ("sku", "number", "error", "code"),
    [
        ("plnpasca", "51234567890", NumberInvalid, "pln_id_format"),
        ("bpjs", "12345", NumberInvalid, "bpjs_format"),
        ("xl10", "087800001230", ProductUnavailable, "product_prepaid"),
    ],
)
def test_bad_inquiries_are_refused_before_the_provider_is_asked(shop, sku, number, error, code):
    before = Inquiry.objects.count()
    with pytest.raises(error) as refused:
        inquire(shop, sku=sku, number=number)
    assert refused.value.code == code and Inquiry.objects.count() == before


def test_a_pay_command_is_never_sent_twice(shop, settings, account):
    settings.PPOB_PROVIDER = "digiflazz"
    settings.PPOB_DIGIFLAZZ_USERNAME, settings.PPOB_DIGIFLAZZ_KEY = USERNAME, KEY
    settings.PPOB_HTTP_READ_TIMEOUT = 0.5
    with fake_digiflazz() as fake:
        settings.PPOB_DIGIFLAZZ_URL = fake.url
        from ppob.services.catalogue import catalogue_sync
        from ppob.services.deposit import deposit_refresh

        catalogue_sync()
        deposit_refresh(source="test")
        # the pay command's answer never comes back in time
        fake.script(PLN_ID, None, {"delay": 1.5}, state={"status": "Pending", "rc": "03"})
        inquiry = inquire(shop, account, sku="pln")
        purchase = pay(shop, inquiry).purchase

        assert purchase_submit(purchase_id=purchase.pk) == "pending"
        assert purchase_submit(purchase_id=purchase.pk) == "cooldown"  # a redelivered task
        Purchase.objects.filter(pk=purchase.pk).update(
            last_contact_at=timezone.now() - timedelta(seconds=61)
        )
        assert purchase_check(purchase_id=purchase.pk) == "pending"
        fake.settle(inquiry.ref_id, {"status": "Sukses", "rc": "00", "message": "Sukses"})
        Purchase.objects.filter(pk=purchase.pk).update(
            last_contact_at=timezone.now() - timedelta(seconds=61)
        )
        assert purchase_check(purchase_id=purchase.pk) == "success"

        assert [b.get("commands") for b in fake.calls_for(inquiry.ref_id)] == [
            "inq-pasca",
            "pay-pasca",
            "status-pasca",
            "status-pasca",
        ]
        assert fake.transactions[inquiry.ref_id].pays == 1
    assert fresh(purchase).status == PurchaseStatus.SUCCESS


def test_an_inquiry_that_expired_before_the_first_pay_is_a_failure(shop, account):
    inquiry = inquire(shop, account)
    purchase = pay(shop, inquiry).purchase
    Inquiry.objects.filter(pk=inquiry.pk).update(valid_until=timezone.now() - timedelta(seconds=1))

    assert purchase_submit(purchase_id=purchase.pk) == "failed"
    assert hold(shop, purchase).status == "released"
    assert [e.call for e in events_for(inquiry.ref_id)] == ["transaction", "transaction"]
