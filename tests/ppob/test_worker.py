"""A real Celery worker, killed (SIGKILL) after it called the provider and before it
recorded the answer, loses nothing: the purchase stays pending with its hold, the task is
redelivered, the new worker sees the call was made and asks for the status (the same
ref_id), and the purchase is bought and paid for exactly once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from ppob.models import Purchase, PurchaseStatus, SettlementLine
from tests.factories import cooperative_ensure
from tests.ops.conftest import PrivateRedis, private_redis  # noqa: F401 (a fixture)
from tests.ops.test_celery_worker import VISIBILITY_TIMEOUT, Workers, wait_for
from tests.ppob.conftest import INDUK, SLUG, XL10_MEMBER, D, account_now, member_account, shop_open
from tests.ppob.fake_digiflazz import KEY, USERNAME, WEBHOOK_SECRET, FakeDigiflazz, fake_digiflazz
from tests.ppob.helpers import buy, door_audits, fresh, hold

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
NUMBER = "087812349999"


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeDigiflazz]:
    with fake_digiflazz() as server:
        settings.PPOB_PROVIDER = "digiflazz"
        settings.PPOB_DIGIFLAZZ_URL = server.url
        settings.PPOB_DIGIFLAZZ_USERNAME = USERNAME
        settings.PPOB_DIGIFLAZZ_KEY = KEY
        settings.PPOB_DIGIFLAZZ_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.PPOB_DIGIFLAZZ_TESTING = False
        yield server


@pytest.fixture
def workers(
    transactional_db: Any,
    private_redis: PrivateRedis,  # noqa: F811 (the fixture imported above)
    tmp_path: Any,
    fake: FakeDigiflazz,
) -> Iterator[Workers]:
    pool = Workers(private_redis, tmp_path)
    pool.env.update(
        {
            "PPOB_PROVIDER": "digiflazz",
            "PPOB_DIGIFLAZZ_URL": fake.url,
            "PPOB_DIGIFLAZZ_USERNAME": USERNAME,
            "PPOB_DIGIFLAZZ_KEY": KEY,
            "PPOB_DIGIFLAZZ_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "PPOB_DIGIFLAZZ_TESTING": "false",
            "PPOB_HTTP_READ_TIMEOUT": "30",
            "PPOB_RECHECK_COOLDOWN_SECONDS": "2",
            "PPOB_SECONDARY_SLUG": INDUK,
            "PPOB_DEPOSIT_FLOOR": "100000",
        }
    )
    try:
        yield pool
    finally:
        pool.stop_all()


def test_a_worker_killed_between_the_provider_call_and_the_answer_loses_nothing(workers, fake):
    # given: a member's purchase, held, and a provider that answers slowly
    shop = cooperative_ensure(SLUG)
    cooperative_ensure(INDUK, kind="sekunder")
    shop_open()
    account = member_account(shop, "100000")
    fake.script(NUMBER, {"delay": 8})
    purchase = buy(shop, account, number=NUMBER).purchase
    first = workers.start()

    # when: the worker has made the provider call and is waiting for the answer...
    workers.send("ppob.tasks.purchase_submit", "public", purchase_id=purchase.pk)
    wait_for(lambda: fake.created.get(purchase.ref_id) == 1, 20, "the provider call")
    sent_at = time.monotonic()
    # ...it is killed
    workers.kill(first)

    # then: nothing is lost and nothing is decided
    pending = fresh(purchase)
    assert (pending.status, pending.attempts, pending.sn) == (PurchaseStatus.PENDING, 1, "")
    assert hold(shop, purchase).status == "held"

    # when: a new worker takes the redelivered task
    time.sleep(max(0.0, sent_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    workers.start()

    # then: it asked for the status with the same ref_id, and the purchase is done once
    wait_for(lambda: fresh(purchase).money_settled_at is not None, 40, "the purchase to be settled")
    done = fresh(purchase)
    assert done.status == PurchaseStatus.SUCCESS and done.sn.startswith("FK")
    assert fake.created[purchase.ref_id] == 1
    assert len(fake.calls_for(purchase.ref_id)) == 2
    assert done.attempts == 2
    assert door_audits(shop, "books.sukarela.capture", purchase) == 1
    assert account_now(shop, account).balance == D("100000") - XL10_MEMBER
    assert SettlementLine.objects.filter(purchase_id=purchase.pk).count() == 1
    assert Purchase.objects.filter(customer_no=NUMBER).count() == 1
