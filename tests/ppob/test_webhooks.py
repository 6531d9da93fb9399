"""Webhooks at /ppob/webhook/ on the bare domain: verified by HMAC-SHA1 over the raw body,
deduplicated by delivery id, pings answered, results applied by compare-and-swap so a
replayed, late or early webhook changes nothing twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ppob.models import ProviderEvent, PurchaseStatus, ReviewItem, SettlementLine, WebhookDelivery
from ppob.providers import provider_get
from ppob.services.purchases import purchase_submit
from ppob.services.results import purchase_result_apply
from tests.ppob.conftest import account_now, events_for
from tests.ppob.fake_digiflazz import FAILED, PENDING, SUCCESS
from tests.ppob.helpers import business, buy, door_audits, entries_about, fresh, hold

pytestmark = pytest.mark.django_db
NUMBER = "087812340001"
URL = "/ppob/webhook/"


@pytest.fixture
def web(platform_tenant: Any) -> Client:
    return Client(HTTP_HOST="localhost")


def post(web: Client, body: bytes, headers: dict[str, str]) -> Any:
    return web.post(URL, data=body, content_type="application/json", headers=headers)


def test_a_webhook_settles_a_pending_purchase_and_a_replay_changes_nothing(
    digiflazz, web, account, shop, induk
):
    digiflazz.script(NUMBER, state=PENDING)
    purchase = buy(shop, account, number=NUMBER).purchase
    assert purchase_submit(purchase_id=purchase.pk) == "pending"
    digiflazz.settle(purchase.ref_id, SUCCESS)
    body, headers = digiflazz.webhook(purchase.ref_id)

    first = post(web, body, headers)
    replay = post(web, body, headers)
    redelivered = post(web, *digiflazz.webhook(purchase.ref_id))  # new delivery id

    assert (first.status_code, first.json()["outcome"]) == (200, "changed:success")
    assert (replay.status_code, replay.json()["outcome"]) == (200, "duplicate")
    assert redelivered.json()["outcome"] == "unchanged:success"
    done = fresh(purchase)
    assert done.status == PurchaseStatus.SUCCESS and done.sn.startswith("FK")
    assert door_audits(shop, "books.sukarela.capture", purchase) == 1
    assert len(business(shop, purchase)) == 1 and entries_about(induk, purchase) == 1
    assert SettlementLine.objects.filter(purchase=purchase).count() == 1
    assert WebhookDelivery.objects.filter(ref_id=purchase.ref_id).count() == 2
    assert [e.kind for e in events_for(purchase.ref_id)].count("webhook") == 3


def test_a_webhook_before_the_synchronous_answer(digiflazz, web, account, shop):
    # given: the provider made the transaction and says success, but our worker has not
    # recorded the synchronous answer yet
    purchase = buy(shop, account, number=NUMBER).purchase
    sync_answer = provider_get().topup(
        sku=purchase.sku, customer_no=purchase.customer_no, ref_id=purchase.ref_id
    )
    # when: the webhook comes first, then the synchronous answer is applied
    response = post(web, *digiflazz.webhook(purchase.ref_id))
    late = purchase_result_apply(
        purchase_id=purchase.pk, result=sync_answer, source="sync", first_contact=True
    )
    # then: one change, one capture
    assert response.json()["outcome"] == "changed:success"
    assert not late.changed and late.purchase.status == PurchaseStatus.SUCCESS
    assert door_audits(shop, "books.sukarela.capture", purchase) == 1
    assert not ReviewItem.objects.filter(purchase=purchase).exists()


def test_a_late_pending_webhook_after_success_changes_nothing(digiflazz, web, account, shop):
    purchase = buy(shop, account, number=NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    response = post(web, *digiflazz.webhook(purchase.ref_id, state=PENDING))
    assert response.json()["outcome"] == "unchanged:success"
    assert fresh(purchase).status == PurchaseStatus.SUCCESS


def test_a_failure_after_success_goes_to_review_and_moves_no_money(digiflazz, web, account, shop):
    purchase = buy(shop, account, number=NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    balance = account_now(shop, account).balance

    response = post(web, *digiflazz.webhook(purchase.ref_id, state={**FAILED, "rc": "74"}))

    assert response.json()["outcome"] == "unchanged:success"
    item = ReviewItem.objects.get(purchase=purchase)
    assert (item.reason, item.detail["result"], item.detail["rc"]) == ("conflict", "failed", "74")
    assert hold(shop, purchase).status == "captured"
    assert account_now(shop, account).balance == balance


def test_a_failure_webhook_releases_the_hold_once(digiflazz, web, account, shop):
    digiflazz.script(NUMBER, state=PENDING)
    purchase = buy(shop, account, number=NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    digiflazz.settle(purchase.ref_id, FAILED)
    body, headers = digiflazz.webhook(purchase.ref_id)

    post(web, body, headers)
    post(web, body, headers)
    post(web, *digiflazz.webhook(purchase.ref_id))

    assert fresh(purchase).status == PurchaseStatus.FAILED
    assert door_audits(shop, "books.sukarela.release", purchase) == 1


def test_a_forged_webhook_is_refused_and_only_logged(digiflazz, web, account, shop):
    digiflazz.script(NUMBER, state=PENDING)
    purchase = buy(shop, account, number=NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    digiflazz.settle(purchase.ref_id, SUCCESS)
    body, headers = digiflazz.webhook(purchase.ref_id, secret="not-the-secret")

    response = post(web, body, headers)
    tampered = post(web, body.replace(b"Sukses", b"Gagal!"), digiflazz.webhook(purchase.ref_id)[1])

    assert (response.status_code, tampered.status_code) == (403, 403)
    assert fresh(purchase).status == PurchaseStatus.PENDING
    assert not WebhookDelivery.objects.exists()
    logged = ProviderEvent.objects.filter(kind="webhook", ref_id=purchase.ref_id)
    assert logged.count() == 2 and all("bad signature" in e.note for e in logged)


def test_pings_get_a_2xx(digiflazz, web):
    response = post(web, *digiflazz.ping())
    assert (response.status_code, response.json()["outcome"]) == (200, "ping")
    assert not WebhookDelivery.objects.exists()


def test_a_malformed_body_with_a_good_signature_is_a_400(digiflazz, web):
    from ppob.providers.digiflazz import webhook_signature
    from tests.ppob.fake_digiflazz import WEBHOOK_SECRET

    body = b"{not json"
    response = post(
        web,
        body,
        {"X-Hub-Signature": webhook_signature(WEBHOOK_SECRET, body), "X-Digiflazz-Delivery": "d1"},
    )
    assert response.status_code == 400 and not WebhookDelivery.objects.exists()


def test_a_webhook_about_an_unknown_purchase_is_acknowledged(digiflazz, web):
    digiflazz.transactions.clear()
    from ppob.providers.digiflazz import webhook_signature
    from tests.ppob.fake_digiflazz import WEBHOOK_SECRET

    body = b'{"data": {"ref_id": "NOT-OURS", "status": "Sukses", "rc": "00"}}'
    headers = {
        "X-Hub-Signature": webhook_signature(WEBHOOK_SECRET, body),
        "X-Digiflazz-Delivery": "d2",
    }
    response = post(web, body, headers)
    assert (response.status_code, response.json()["outcome"]) == (200, "unknown_ref")


def test_only_post_is_answered(web, digiflazz):
    assert web.get(URL).status_code == 405


def test_the_sandbox_takes_no_webhooks(shop, web):
    body = b'{"data": {"ref_id": "X", "status": "Sukses", "rc": "00"}}'
    response = post(web, body, {"X-Hub-Signature": "sha1=00", "X-Digiflazz-Delivery": "d3"})
    assert response.status_code == 403
