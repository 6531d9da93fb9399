"""The Digiflazz adapter against the local fake server: signatures, each call, and every way
an answer goes wrong (timeouts, malformed bodies, rc 41/44/49, unknown codes), each of which
must come out as pending unless it is a definite answer."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from ppob.providers.base import Exchange, Outcome, ProviderError
from ppob.providers.digiflazz import DigiflazzProvider, classify, webhook_signature
from tests.ppob.fake_digiflazz import (
    FAILED,
    KEY,
    PENDING,
    USERNAME,
    WEBHOOK_SECRET,
    FakeDigiflazz,
    fake_digiflazz,
)

NUMBER = "087812345670"


@pytest.fixture
def fake() -> Iterator[FakeDigiflazz]:
    with fake_digiflazz() as server:
        yield server


def adapter(fake: FakeDigiflazz, log: list[Exchange] | None = None, **kw: Any) -> DigiflazzProvider:
    options: dict[str, Any] = {
        "username": USERNAME,
        "key": KEY,
        "base_url": fake.url,
        "webhook_secret": WEBHOOK_SECRET,
        "read_timeout": 1.0,
        "observer": (log.append if log is not None else (lambda exchange: None)),
    }
    options.update(kw)
    return DigiflazzProvider(**options)


def test_balance_and_price_lists_are_signed_and_parsed(fake):
    provider = adapter(fake)

    assert provider.balance() == Decimal("10000000.00")
    prepaid = {item.sku: item for item in provider.price_list("prepaid")}
    postpaid = provider.price_list("postpaid")

    assert prepaid["xl10"].cost == Decimal("10800.00")
    assert prepaid["xl10"].brand == "XL" and prepaid["xl10"].buyer_active
    assert prepaid["off5"].seller_active is False
    assert [(p.sku, p.cost, p.commission) for p in postpaid] == [
        ("pln", Decimal("2500.00"), Decimal("1000.00"))
    ]
    assert [body["cmd"] for _path, body in fake.calls] == ["deposit", "prepaid", "pasca"]


def test_a_wrong_key_is_rc_41_a_refusal_never_a_failure_or_success(fake):
    provider = adapter(fake, key="another-key")

    result = provider.topup(sku="xl10", customer_no=NUMBER, ref_id="R41")

    assert (result.outcome, result.rc) == (Outcome.REFUSED, "41")
    assert "R41" not in fake.transactions
    with pytest.raises(ProviderError):
        provider.balance()


def test_a_purchase_succeeds_and_every_exchange_is_observed_with_the_signature_masked(fake):
    log: list[Exchange] = []
    provider = adapter(fake, log)

    result = provider.topup(sku="xl10", customer_no=NUMBER, ref_id="R1", max_price=Decimal("12300"))

    assert result.outcome == Outcome.SUCCESS
    assert result.sn.startswith("FK") and result.price == Decimal("10800.00")
    assert [e.kind for e in log] == ["request", "response"]
    sent = json.loads(log[0].body)
    assert sent["sign"] == "***" and sent["max_price"] == 12300 and "testing" not in sent
    assert fake.calls[0][1]["sign"] != "***"
    assert log[1].http_status == 200 and log[1].duration_ms is not None


def test_testing_mode_is_sent_when_switched_on(fake):
    adapter(fake, testing=True).topup(sku="xl10", customer_no=NUMBER, ref_id="RTM")
    assert fake.calls_for("RTM")[0]["testing"] is True


def test_the_same_ref_id_again_is_the_status_check_not_a_second_purchase(fake):
    fake.script(NUMBER, state=PENDING)
    provider = adapter(fake)

    first = provider.topup(sku="xl10", customer_no=NUMBER, ref_id="R2")
    fake.settle("R2", {"status": "Sukses", "rc": "00", "message": "Sukses"})
    second = provider.topup(sku="xl10", customer_no=NUMBER, ref_id="R2")

    assert (first.outcome, second.outcome) == (Outcome.PENDING, Outcome.SUCCESS)
    assert fake.created["R2"] == 1


def test_a_timeout_is_pending_and_the_transaction_may_still_exist(fake):
    log: list[Exchange] = []
    fake.script(NUMBER, {"delay": 2.5})
    provider = adapter(fake, log, read_timeout=0.5)

    started = time.monotonic()
    result = provider.topup(sku="xl10", customer_no=NUMBER, ref_id="RT")

    assert time.monotonic() - started < 2.0
    assert (result.outcome, result.reason) == (Outcome.PENDING, "timeout")
    assert [e.kind for e in log] == ["request", "error"] and "timeout" in log[1].note
    assert fake.created["RT"] == 1


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"raw": "<html>502 Bad Gateway</html>", "http_status": 502}, "malformed"),
        ({"raw": '{"data": '}, "malformed"),
        ({"raw": '{"nodata": 1}'}, "malformed"),
        ({"raw": "[1, 2]"}, "malformed"),
        ({"data": {"rc": "77", "status": "Gagal"}}, "rc_unknown"),
        ({"data": {"rc": "", "status": "Gagal"}}, "rc_missing"),
        ({"data": {"rc": "00", "status": "Gagal"}}, "status_mismatch"),
        ({"data": {"rc": "02", "status": "Sukses"}}, "status_mismatch"),
        ({"data": {"rc": "99", "status": "Gagal"}}, "rc_99"),
        ({"data": {"rc": "85", "status": "Gagal"}}, "rc_85"),
        ({"data": {"ref_id": "SOMEONE-ELSE"}}, "ref_mismatch"),
    ],
)
def test_malformed_or_ambiguous_answers_are_pending_never_failed(fake, answer, reason):
    fake.script(NUMBER, answer, state=FAILED)
    result = adapter(fake).topup(sku="xl10", customer_no=NUMBER, ref_id=f"RM-{reason}")
    assert (result.outcome, result.reason) == (Outcome.PENDING, reason)


def test_rc_44_deposit_too_low_is_a_refusal_before_any_transaction(fake):
    fake.deposit = Decimal("5000")
    result = adapter(fake).topup(sku="xl10", customer_no=NUMBER, ref_id="R44")
    assert (result.outcome, result.rc) == (Outcome.REFUSED, "44")
    assert "R44" not in fake.transactions


def test_rc_49_a_used_ref_id_is_ambiguous_pending(fake):
    provider = adapter(fake)
    provider.topup(sku="xl10", customer_no=NUMBER, ref_id="R49")

    again = provider.topup(sku="xl10", customer_no="087899998888", ref_id="R49")

    assert (again.outcome, again.rc, again.reason) == (Outcome.PENDING, "49", "rc_49")


def test_a_definite_failure_and_an_inactive_sku(fake):
    fake.script(NUMBER, state=FAILED)
    provider = adapter(fake)
    assert provider.topup(sku="xl10", customer_no=NUMBER, ref_id="RF").outcome == Outcome.FAILED
    inactive = provider.topup(sku="off5", customer_no="081512345678", ref_id="R43")
    assert (inactive.outcome, inactive.rc) == (Outcome.REFUSED, "43")


def test_no_server_at_all_is_pending(fake):
    provider = adapter(fake)
    fake.stop()
    result = provider.topup(sku="xl10", customer_no=NUMBER, ref_id="RC")
    assert (result.outcome, result.reason) == (Outcome.PENDING, "connection")
    with pytest.raises(ProviderError):
        provider.balance()


def test_postpaid_inquiry_pay_and_status(fake):
    provider = adapter(fake)
    inquiry = provider.postpaid_inquiry(sku="pln", customer_no="512345678901", ref_id="P1")
    paid = provider.postpaid_pay(sku="pln", customer_no="512345678901", ref_id="P1")
    status = provider.postpaid_status(sku="pln", customer_no="512345678901", ref_id="P1")

    assert inquiry.outcome == Outcome.SUCCESS
    assert (inquiry.customer_name, inquiry.period) == ("BUDI SANTOSO", "202611")
    assert (inquiry.bill, inquiry.admin, inquiry.penalty) == (
        Decimal("187500.00"),
        Decimal("2500.00"),
        Decimal("0.00"),
    )
    assert (inquiry.price, inquiry.selling_price) == (Decimal("189000.00"), Decimal("190000.00"))
    assert (paid.outcome, status.outcome) == (Outcome.SUCCESS, Outcome.SUCCESS)
    assert fake.transactions["P1"].pays == 1
    assert [b.get("commands") for b in fake.calls_for("P1")] == [
        "inq-pasca",
        "pay-pasca",
        "status-pasca",
    ]


def test_a_bill_not_yet_available_is_a_failed_inquiry(fake):
    fake.script("512345678902", state={"rc": "60", "status": "Gagal"})
    inquiry = adapter(fake).postpaid_inquiry(sku="pln", customer_no="512345678902", ref_id="P2")
    assert (inquiry.outcome, inquiry.rc) == (Outcome.FAILED, "60")


def test_pln_inquiry_names_the_customer(fake):
    found = adapter(fake).pln_inquiry(customer_no="51234567890")
    assert (found.name, found.segment_power) == ("SITI AMINAH", "R1 /000001300")


def test_webhooks_are_verified_over_the_raw_body(fake):
    provider = adapter(fake)
    provider.topup(sku="xl10", customer_no=NUMBER, ref_id="RW")
    body, headers = fake.webhook("RW")

    assert provider.webhook_verify(body, headers["X-Hub-Signature"])
    assert not provider.webhook_verify(body + b" ", headers["X-Hub-Signature"])
    assert not provider.webhook_verify(body, webhook_signature("wrong", body))
    assert not adapter(fake, webhook_secret="").webhook_verify(body, headers["X-Hub-Signature"])
    result = provider.webhook_result(json.loads(body))
    assert result is not None and (result.outcome, result.ref_id) == (Outcome.SUCCESS, "RW")
    ping, _ = fake.ping()
    assert provider.webhook_result(json.loads(ping)) is None


@pytest.mark.parametrize(
    ("rc", "status", "outcome"),
    [
        ("00", "Sukses", Outcome.SUCCESS),
        ("01", "Gagal", Outcome.FAILED),
        ("02", "Gagal", Outcome.FAILED),
        ("03", "Pending", Outcome.PENDING),
        ("40", "Gagal", Outcome.REFUSED),
        ("41", "Gagal", Outcome.REFUSED),
        ("43", "Gagal", Outcome.REFUSED),
        ("44", "Gagal", Outcome.REFUSED),
        ("49", "Gagal", Outcome.PENDING),
        ("50", "Gagal", Outcome.REFUSED),
        ("54", "Gagal", Outcome.FAILED),
        ("58", "Gagal", Outcome.FAILED),
        ("60", "Gagal", Outcome.FAILED),
        ("62", "Gagal", Outcome.FAILED),
        ("63", "Gagal", Outcome.PENDING),
        ("74", "Gagal", Outcome.FAILED),
        ("83", "Gagal", Outcome.PENDING),
        ("86", "Gagal", Outcome.PENDING),
        ("99", "Gagal", Outcome.PENDING),
    ],
)
def test_response_codes(rc, status, outcome):
    assert classify(rc, status)[0] == outcome
