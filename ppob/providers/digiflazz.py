"""The Digiflazz buyer API (https://api.digiflazz.com/v1), as documented: one JSON POST
per call, signed with md5(username + key + <call's suffix>).

Every answer becomes an Outcome by ``classify``: rc 00 success, 01/02 and the
destination/seller codes failed, 03 pending; codes that mean the request was refused
before a transaction existed (40-47, 50) are REFUSED, which the purchase service counts as
a failure only on the first call for a ref_id. A timeout, a broken body, an unknown rc,
or an rc that disagrees with the status word is PENDING: never a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import time as day_time
from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from ppob.providers.base import (
    CatalogueItem,
    Exchange,
    InquiryResult,
    Observer,
    Outcome,
    PlnCustomer,
    ProviderError,
    TransactionResult,
    observer_none,
)

NAME = "digiflazz"
SUCCESS_RC = frozenset({"00"})
PENDING_RC = frozenset({"03"})
# Definite failures of a transaction: timeout at the biller (01), failed (02), refunded
# (74), and the destination/seller problems 51-62 (58 cut-off, 60 bill not yet there).
FAILED_RC = frozenset({"01", "02", "74", *(f"{n}" for n in range(51, 63))})
# The request was refused before a transaction was made: bad payload (40), signature
# (41), username (42), SKU missing or inactive (43), deposit too low (44), IP (45),
# exists at another buyer (47), transaction not found (50).
REFUSED_RC = frozenset({"40", "41", "42", "43", "44", "45", "47", "50"})
# Ambiguous: ref_id not unique (49: a transaction with it exists), rate limits
# (83-86), router trouble (99). Ask again later.
AMBIGUOUS_RC = frozenset({"49", "83", "84", "85", "86", "99"})


def sign(username: str, key: str, suffix: str) -> str:
    return hashlib.md5(f"{username}{key}{suffix}".encode()).hexdigest()  # noqa: S324 (the protocol's)


def webhook_signature(secret: str, body: bytes) -> str:
    """The X-Hub-Signature header Digiflazz sends: "sha1=" + hex HMAC-SHA1 of the raw body."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def classify(rc: str, status: str) -> tuple[Outcome, str]:
    """The outcome of an answer's rc and status word, and why when not a success."""
    word = status.strip().lower()
    if rc in SUCCESS_RC:
        return (Outcome.SUCCESS, "") if word == "sukses" else (Outcome.PENDING, "status_mismatch")
    if rc in PENDING_RC:
        return Outcome.PENDING, "pending"
    if rc in AMBIGUOUS_RC:
        return Outcome.PENDING, f"rc_{rc}"
    if rc in FAILED_RC:
        return (
            (Outcome.FAILED, f"rc_{rc}")
            if word == "gagal"
            else (Outcome.PENDING, "status_mismatch")
        )
    if rc in REFUSED_RC:
        return (
            (Outcome.REFUSED, f"rc_{rc}")
            if word in {"gagal", ""}
            else (Outcome.PENDING, "status_mismatch")
        )
    return Outcome.PENDING, "rc_unknown" if rc else "rc_missing"


def amount(value: object) -> Decimal | None:
    """A rupiah amount from the JSON (ints, decimals or numeric strings); None if not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):  # json.loads below parses floats as Decimal
        return None
    try:
        found = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return found.quantize(Decimal("0.01")) if found.is_finite() else None


def _cutoff(value: object) -> day_time | None:
    text = str(value or "").strip()
    try:
        hours, minutes = text.split(":")[:2]
        return day_time(int(hours), int(minutes))
    except ValueError:
        return None


def _text(value: object, limit: int = 255) -> str:
    return "" if value is None else str(value)[:limit]


class _NoAnswer(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DigiflazzProvider:
    name = NAME

    def __init__(
        self,
        *,
        username: str,
        key: str,
        base_url: str = "https://api.digiflazz.com/v1",
        webhook_secret: str = "",
        testing: bool = False,
        connect_timeout: float = 5.0,
        read_timeout: float = 45.0,
        observer: Observer = observer_none,
        session: requests.Session | None = None,
    ) -> None:
        self.username = username
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.webhook_secret = webhook_secret
        self.testing = testing
        self.timeout = (connect_timeout, read_timeout)
        self.observer = observer
        self.session = session or requests.Session()

    # --- transport -----------------------------------------------------------------------

    def _post(self, call: str, body: dict[str, Any], ref_id: str) -> tuple[Any, int]:
        """POST one call; the answer's ``data`` and the HTTP status. Every request and
        answer goes to the observer (the signature masked). No answer: _NoAnswer."""
        shown = {k: ("***" if k == "sign" else v) for k, v in body.items()}
        self.observer(Exchange("request", call, ref_id, json.dumps(shown, sort_keys=True)))
        started = time.monotonic()
        try:
            response = self.session.post(f"{self.base_url}/{call}", json=body, timeout=self.timeout)
        except requests.Timeout as exc:
            self._no_answer(call, ref_id, started, "timeout", exc)
        except requests.RequestException as exc:
            self._no_answer(call, ref_id, started, "connection", exc)
        elapsed = int((time.monotonic() - started) * 1000)
        text = response.text
        self.observer(
            Exchange(
                "response",
                call,
                ref_id,
                text,
                http_status=response.status_code,
                duration_ms=elapsed,
            )
        )
        try:
            parsed = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            raise _NoAnswer("malformed") from exc
        data = parsed.get("data") if isinstance(parsed, dict) else None
        if data is None:
            raise _NoAnswer("malformed")
        return data, response.status_code

    def _no_answer(
        self, call: str, ref_id: str, started: float, reason: str, exc: Exception
    ) -> Any:
        elapsed = int((time.monotonic() - started) * 1000)
        self.observer(
            Exchange("error", call, ref_id, "", duration_ms=elapsed, note=f"{reason}: {exc}"[:255])
        )
        raise _NoAnswer(reason) from exc

    # --- transactions --------------------------------------------------------------------

    def _transaction(self, body: dict[str, Any], ref_id: str) -> TransactionResult:
        if self.testing:
            body["testing"] = True
        try:
            data, _status = self._post("transaction", body, ref_id)
        except _NoAnswer as exc:
            return TransactionResult(Outcome.PENDING, ref_id, reason=exc.reason)
        return self.transaction_result(data, ref_id)

    def transaction_result(self, data: object, ref_id: str) -> TransactionResult:
        """A transaction answer's (or a webhook's) data as a result about ``ref_id``."""
        if not isinstance(data, dict):
            return TransactionResult(Outcome.PENDING, ref_id, reason="malformed")
        rc = _text(data.get("rc"), 4).strip()
        status = _text(data.get("status"), 40)
        outcome, reason = classify(rc, status)
        answered_ref = _text(data.get("ref_id"), 60)
        if answered_ref and answered_ref != ref_id:
            outcome, reason = Outcome.PENDING, "ref_mismatch"
        return TransactionResult(
            outcome=outcome,
            ref_id=ref_id,
            rc=rc,
            status=status,
            message=_text(data.get("message")),
            sn=_text(data.get("sn"), 500),
            price=amount(data.get("price")),
            balance=amount(data.get("buyer_last_saldo")),
            reason=reason,
            data=data,
        )

    def topup(
        self, *, sku: str, customer_no: str, ref_id: str, max_price: Decimal | None = None
    ) -> TransactionResult:
        body: dict[str, Any] = {
            "username": self.username,
            "buyer_sku_code": sku,
            "customer_no": customer_no,
            "ref_id": ref_id,
            "sign": sign(self.username, self.key, ref_id),
        }
        if max_price is not None:
            body["max_price"] = int(max_price)
        return self._transaction(body, ref_id)

    def _pasca(self, command: str, sku: str, customer_no: str, ref_id: str) -> dict[str, Any]:
        return {
            "commands": command,
            "username": self.username,
            "buyer_sku_code": sku,
            "customer_no": customer_no,
            "ref_id": ref_id,
            "sign": sign(self.username, self.key, ref_id),
        }

    def postpaid_pay(self, *, sku: str, customer_no: str, ref_id: str) -> TransactionResult:
        return self._transaction(self._pasca("pay-pasca", sku, customer_no, ref_id), ref_id)

    def postpaid_status(self, *, sku: str, customer_no: str, ref_id: str) -> TransactionResult:
        return self._transaction(self._pasca("status-pasca", sku, customer_no, ref_id), ref_id)

    def postpaid_inquiry(self, *, sku: str, customer_no: str, ref_id: str) -> InquiryResult:
        body = self._pasca("inq-pasca", sku, customer_no, ref_id)
        if self.testing:
            body["testing"] = True
        try:
            data, _status = self._post("transaction", body, ref_id)
        except _NoAnswer as exc:
            return InquiryResult(Outcome.PENDING, ref_id, reason=exc.reason)
        return inquiry_result(data, ref_id)

    # --- other calls ---------------------------------------------------------------------

    def balance(self) -> Decimal:
        body = {
            "cmd": "deposit",
            "username": self.username,
            "sign": sign(self.username, self.key, "depo"),
        }
        data = self._call("cek-saldo", body)
        found = amount(data.get("deposit")) if isinstance(data, dict) else None
        if found is None:
            raise ProviderError(_refusal(data, "no deposit in the answer"), reason="malformed")
        return found

    def price_list(self, kind: str) -> list[CatalogueItem]:
        cmd = "prepaid" if kind == "prepaid" else "pasca"
        body = {
            "cmd": cmd,
            "username": self.username,
            "sign": sign(self.username, self.key, "pricelist"),
        }
        data = self._call("price-list", body)
        if not isinstance(data, list):
            raise ProviderError(_refusal(data, "the price list is not a list"), reason="refused")
        items = [catalogue_item(row, "prepaid" if cmd == "prepaid" else "postpaid") for row in data]
        return [item for item in items if item is not None]

    def pln_inquiry(self, *, customer_no: str) -> PlnCustomer:
        body = {
            "username": self.username,
            "customer_no": customer_no,
            "sign": sign(self.username, self.key, customer_no),
        }
        data = self._call("inquiry-pln", body)
        if not isinstance(data, dict) or _text(data.get("rc")) != "00":
            raise ProviderError(_refusal(data, "meter not found"), reason="refused")
        return PlnCustomer(
            customer_no=_text(data.get("customer_no"), 40) or customer_no,
            meter_no=_text(data.get("meter_no"), 40),
            subscriber_id=_text(data.get("subscriber_id"), 40),
            name=_text(data.get("name"), 200),
            segment_power=_text(data.get("segment_power"), 60),
        )

    def _call(self, call: str, body: dict[str, Any]) -> Any:
        try:
            data, _status = self._post(call, body, "")
        except _NoAnswer as exc:
            raise ProviderError(
                f"{call}: no usable answer ({exc.reason})", reason=exc.reason
            ) from exc
        return data

    # --- webhooks ------------------------------------------------------------------------

    def webhook_verify(self, body: bytes, signature: str) -> bool:
        if not self.webhook_secret or not signature:
            return False
        return hmac.compare_digest(webhook_signature(self.webhook_secret, body), signature.strip())

    def webhook_result(self, payload: Mapping[str, Any]) -> TransactionResult | None:
        """The result a webhook's body carries; None for a ping (no ref_id)."""
        data = payload.get("data") if isinstance(payload, Mapping) else None
        if not isinstance(data, dict) or not _text(data.get("ref_id")):
            return None
        result = self.transaction_result(data, _text(data.get("ref_id"), 60))
        if result.outcome == Outcome.REFUSED:
            # A webhook is about a transaction that exists: "Gagal" there is final.
            return replace(result, outcome=Outcome.FAILED)
        return result


def _refusal(data: object, fallback: str) -> str:
    if isinstance(data, dict) and (data.get("rc") or data.get("message")):
        return f"rc {_text(data.get('rc'), 4)}: {_text(data.get('message'))}"
    return fallback


def inquiry_result(data: object, ref_id: str) -> InquiryResult:
    """An inq-pasca answer: the bill, its periods, admin and penalty."""
    if not isinstance(data, dict):
        return InquiryResult(Outcome.PENDING, ref_id, reason="malformed")
    rc = _text(data.get("rc"), 4).strip()
    outcome, reason = classify(rc, _text(data.get("status"), 40))
    if outcome == Outcome.REFUSED:
        outcome = Outcome.FAILED  # an inquiry moves no money: a refusal is simply "no bill"
    raw_desc = data.get("desc")
    desc: dict[str, Any] = raw_desc if isinstance(raw_desc, dict) else {}
    raw_detail = desc.get("detail")
    detail: list[Any] = raw_detail if isinstance(raw_detail, list) else []
    bills = [amount(row.get("nilai_tagihan")) for row in detail if isinstance(row, dict)]
    penalties = [amount(row.get("denda")) for row in detail if isinstance(row, dict)]
    periods = [_text(row.get("periode"), 20) for row in detail if isinstance(row, dict)]
    admin = amount(data.get("admin")) or Decimal("0.00")
    price = amount(data.get("price"))
    selling = amount(data.get("selling_price"))
    penalty = sum((p for p in penalties if p is not None), Decimal("0.00"))
    bill = sum((b for b in bills if b is not None), Decimal("0.00"))
    if outcome == Outcome.SUCCESS and (price is None or price <= 0):
        outcome, reason = Outcome.PENDING, "malformed"
    if selling is None:
        selling = bill + admin + penalty
    return InquiryResult(
        outcome=outcome,
        ref_id=ref_id,
        rc=rc,
        message=_text(data.get("message")),
        customer_name=_text(data.get("customer_name"), 200),
        period=", ".join(p for p in periods if p)[:100],
        bill=bill if bills else max(selling - admin - penalty, Decimal("0.00")),
        admin=admin,
        penalty=penalty,
        price=price or Decimal("0.00"),
        selling_price=selling,
        reason=reason,
        details=desc,
    )


def catalogue_item(row: object, kind: str) -> CatalogueItem | None:
    """One price-list row; None when it has no SKU or no usable price."""
    if not isinstance(row, dict):
        return None
    sku = _text(row.get("buyer_sku_code"), 60).strip()
    cost = amount(row.get("price" if kind == "prepaid" else "admin"))
    if not sku or cost is None or cost < 0:
        return None
    stock = row.get("stock")
    return CatalogueItem(
        sku=sku,
        name=_text(row.get("product_name"), 200) or sku,
        kind=kind,
        provider_category=_text(row.get("category"), 100),
        brand=_text(row.get("brand"), 100),
        type=_text(row.get("type"), 100),
        cost=cost,
        commission=amount(row.get("commission")) or Decimal("0.00"),
        buyer_active=row.get("buyer_product_status") is not False,
        seller_active=row.get("seller_product_status") is not False,
        unlimited_stock=row.get("unlimited_stock") is not False,
        stock=int(stock)
        if isinstance(stock, int | Decimal) and not isinstance(stock, bool)
        else None,
        multi=row.get("multi") is True,
        cutoff_start=_cutoff(row.get("start_cut_off")),
        cutoff_end=_cutoff(row.get("end_cut_off")),
        description=_text(row.get("desc"), 2000),
    )
