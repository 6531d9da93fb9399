"""A local fake of Digiflazz's buyer API: a real HTTP server (http.server) in a thread,
speaking the documented protocol closely enough to test the adapter and the services
without the internet.

- Checks every call's md5 signature (rc 41 with HTTP 400 when wrong) and the username.
- Keeps each transaction by ref_id: the first call creates it, the same ref_id again is
  the status check (a different SKU or number with a used ref_id: rc 49).
- Scripts, by customer number: the state a new transaction takes, and per-call answer
  overrides: a delay (to make the client time out), a raw body (malformed), an HTTP
  status, or fields of the answer (e.g. rc 44).
- Postpaid: inq-pasca, pay-pasca (counted: a second pay command is a test failure),
  status-pasca; cek-saldo, price-list and inquiry-pln.
- Webhooks signed with HMAC-SHA1 over the raw body, as Digiflazz signs them, to be posted
  to our endpoint (Django's test client or real HTTP).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.request
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USERNAME = "kopuji"
KEY = "dev-6f1d2c9a-uji"
WEBHOOK_SECRET = "rahasia-webhook-uji"

SUCCESS = {"status": "Sukses", "rc": "00", "message": "Transaksi Sukses"}
PENDING = {"status": "Pending", "rc": "03", "message": "Transaksi Pending"}
FAILED = {"status": "Gagal", "rc": "02", "message": "Transaksi Gagal"}

PREPAID = [
    {
        "buyer_sku_code": "xl10",
        "product_name": "XL 10.000",
        "category": "Pulsa",
        "brand": "XL",
        "price": 10800,
    },
    {
        "buyer_sku_code": "tsel10",
        "product_name": "Telkomsel 10.000",
        "category": "Pulsa",
        "brand": "TELKOMSEL",
        "price": 10175,
    },
    {
        "buyer_sku_code": "pln20",
        "product_name": "Token PLN 20.000",
        "category": "PLN",
        "brand": "PLN",
        "price": 20150,
    },
    {
        "buyer_sku_code": "off5",
        "product_name": "Indosat 5.000",
        "category": "Pulsa",
        "brand": "INDOSAT",
        "price": 5850,
        "seller_product_status": False,
    },
]
POSTPAID = [
    {
        "buyer_sku_code": "pln",
        "product_name": "PLN Pascabayar",
        "category": "Pascabayar",
        "brand": "PLN PASCABAYAR",
        "admin": 2500,
        "commission": 1000,
    },
]


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def hub_signature(secret: str, body: bytes) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


@dataclass
class Script:
    state: dict[str, Any] = field(default_factory=lambda: dict(SUCCESS))
    answers: deque[dict[str, Any] | None] = field(default_factory=deque)


@dataclass
class Transaction:
    ref_id: str
    command: str
    sku: str
    customer_no: str
    price: int
    state: dict[str, Any]
    answers: deque[dict[str, Any] | None]
    sn: str = ""
    bill: dict[str, Any] = field(default_factory=dict)
    pays: int = 0


class FakeDigiflazz:
    def __init__(self, *, username: str = USERNAME, key: str = KEY) -> None:
        self.username = username
        self.key = key
        self.deposit = Decimal("10000000")
        self.prepaid = [dict(row) for row in PREPAID]
        self.postpaid = [dict(row) for row in POSTPAID]
        self.transactions: dict[str, Transaction] = {}
        self.scripts: dict[str, Script] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.created: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                fake.handle(self, self.path, raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- set-up -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeDigiflazz:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(
        self, customer_no: str, *answers: dict[str, Any] | None, state: dict[str, Any] | None = None
    ) -> None:
        """A new transaction for ``customer_no`` takes ``state`` (default: success); its
        calls get ``answers`` in turn (None: the current state), then the current state."""
        self.scripts[customer_no] = Script(state=dict(state or SUCCESS), answers=deque(answers))

    def settle(self, ref_id: str, state: dict[str, Any]) -> None:
        """The biller finished: later status checks (and webhooks) tell this state."""
        with self.lock:
            txn = self.transactions[ref_id]
            txn.state = dict(state)
            if state.get("status") == "Sukses" and not txn.sn:
                txn.sn = self._sn(txn)

    # --- what happened ----------------------------------------------------------------------

    def calls_for(self, ref_id: str) -> list[dict[str, Any]]:
        return [body for path, body in self.calls if body.get("ref_id") == ref_id]

    # --- webhooks ---------------------------------------------------------------------------

    def webhook(
        self,
        ref_id: str,
        *,
        event: str = "update",
        delivery_id: str | None = None,
        secret: str = WEBHOOK_SECRET,
        state: dict[str, Any] | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a webhook about a transaction (its current state, or
        ``state``), signed as Digiflazz signs them."""
        txn = self.transactions[ref_id]
        data = self._data(txn, state or txn.state)
        data["trx_id"] = f"T{abs(hash(ref_id)) % 10**9}"
        body = json.dumps({"data": data}).encode()
        headers = {
            "X-Digiflazz-Event": event,
            "X-Digiflazz-Delivery": delivery_id or str(uuid.uuid4()),
            "X-Hub-Signature": hub_signature(secret, body),
            "User-Agent": "Digiflazz-Hookshot",
        }
        return body, headers

    def ping(self, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"sed": "ping", "hook_id": "h1"}).encode()
        return body, {
            "X-Digiflazz-Event": "ping",
            "X-Digiflazz-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature": hub_signature(secret, body),
        }

    @staticmethod
    def deliver(url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST a webhook over real HTTP; the status code."""
        request = urllib.request.Request(
            url, data=body, headers={**headers, "Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    # --- the protocol -----------------------------------------------------------------------

    def _sn(self, txn: Transaction) -> str:
        digits = "".join(str(int(c, 16) % 10) for c in md5(txn.ref_id))[:20]
        if txn.sku.startswith("pln") and txn.command == "prepaid":
            token = "-".join(digits[i : i + 4] for i in range(0, 20, 4))
            return f"{token}/SITI AMINAH/R1/1300VA/12.5"
        return f"FK{digits}"

    def _data(self, txn: Transaction, state: dict[str, Any]) -> dict[str, Any]:
        data = {
            "ref_id": txn.ref_id,
            "customer_no": txn.customer_no,
            "buyer_sku_code": txn.sku,
            "message": state.get("message", ""),
            "status": state.get("status", ""),
            "rc": state.get("rc", ""),
            "sn": txn.sn if state.get("status") == "Sukses" else "",
            "buyer_last_saldo": int(self.deposit),
            "price": txn.price,
        }
        data.update(txn.bill)
        return data

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes | str) -> None:
        payload = body.encode() if isinstance(body, str) else body
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timed out) or was killed

    def _json(self, handler: BaseHTTPRequestHandler, status: int, data: Any) -> None:
        self._send(handler, status, json.dumps({"data": data}))

    def handle(self, handler: BaseHTTPRequestHandler, path: str, raw: bytes) -> None:
        try:
            body = json.loads(raw)
            assert isinstance(body, dict)
        except (ValueError, AssertionError):
            self._json(handler, 400, {"rc": "40", "message": "Payload Error", "status": "Gagal"})
            return
        with self.lock:
            self.calls.append((path, body))
        call = path.rsplit("/", 1)[-1]
        if body.get("username") != self.username:
            self._json(handler, 400, {"rc": "42", "message": "Username salah", "status": "Gagal"})
            return
        suffix = {
            "cek-saldo": "depo",
            "price-list": "pricelist",
            "inquiry-pln": str(body.get("customer_no", "")),
            "transaction": str(body.get("ref_id", "")),
        }.get(call)
        if suffix is None:
            self._send(handler, 404, "not found")
            return
        if body.get("sign") != md5(self.username + self.key + suffix):
            self._json(
                handler, 400, {"rc": "41", "message": "Signature Anda salah", "status": "Gagal"}
            )
            return
        if call == "cek-saldo":
            self._json(handler, 200, {"deposit": int(self.deposit)})
        elif call == "price-list":
            rows = self.prepaid if body.get("cmd") == "prepaid" else self.postpaid
            self._json(handler, 200, rows)
        elif call == "inquiry-pln":
            self._json(
                handler,
                200,
                {
                    "rc": "00",
                    "status": "Sukses",
                    "customer_no": body["customer_no"],
                    "meter_no": body["customer_no"][:11],
                    "subscriber_id": body["customer_no"],
                    "name": "SITI AMINAH",
                    "segment_power": "R1 /000001300",
                },
            )
        else:
            self._transaction(handler, body)

    def _transaction(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        ref_id = str(body.get("ref_id", ""))
        command = str(body.get("commands") or "prepaid")
        sku, number = str(body.get("buyer_sku_code", "")), str(body.get("customer_no", ""))
        with self.lock:
            txn = self.transactions.get(ref_id)
            if txn is None and command in ("pay-pasca", "status-pasca"):
                answer: dict[str, Any] | None = None
                data: dict[str, Any] = {
                    "ref_id": ref_id,
                    "rc": "50",
                    "message": "Transaksi Tidak Ditemukan",
                    "status": "Gagal",
                }
            elif txn is None:
                refusal = self._refusal(command, sku, body)
                if refusal is not None:
                    self._json(handler, 200, {"ref_id": ref_id, **refusal})
                    return
                script = self.scripts.get(number, Script())
                txn = Transaction(
                    ref_id=ref_id,
                    command="prepaid" if command == "prepaid" else "pasca",
                    sku=sku,
                    customer_no=number,
                    price=self._price(sku),
                    state=dict(script.state),
                    answers=deque(script.answers),
                )
                if command == "inq-pasca":
                    txn.bill = self._bill(sku, number)
                    txn.price = txn.bill["price"]
                    if script.state.get("rc") == "60":
                        txn.bill = {}
                if txn.state.get("status") == "Sukses":
                    txn.sn = self._sn(txn)
                self.transactions[ref_id] = txn
                self.created[ref_id] += 1
                if command == "prepaid":
                    self.deposit -= txn.price
                answer = txn.answers.popleft() if txn.answers else None
                data = self._data(txn, txn.state)
                if command == "inq-pasca":
                    data = self._inquiry(txn, script)
            elif txn.sku != sku or txn.customer_no != number:
                answer = None
                data = {
                    "ref_id": ref_id,
                    "rc": "49",
                    "message": "Ref ID tidak unik",
                    "status": "Gagal",
                }
            else:
                if command == "pay-pasca":
                    txn.pays += 1
                    self.deposit -= txn.price
                answer = txn.answers.popleft() if txn.answers else None
                data = self._data(txn, txn.state)
        self._answer(handler, data, answer)

    def _answer(
        self, handler: BaseHTTPRequestHandler, data: dict[str, Any], answer: dict[str, Any] | None
    ) -> None:
        answer = answer or {}
        if answer.get("delay"):
            time.sleep(float(answer["delay"]))
        if "raw" in answer:
            self._send(handler, int(answer.get("http_status", 200)), str(answer["raw"]))
            return
        self._json(handler, int(answer.get("http_status", 200)), {**data, **answer.get("data", {})})

    def _refusal(self, command: str, sku: str, body: dict[str, Any]) -> dict[str, Any] | None:
        rows = self.postpaid if command != "prepaid" else self.prepaid
        row = next((r for r in rows if r["buyer_sku_code"] == sku), None)
        if row is None or row.get("seller_product_status") is False:
            return {"rc": "43", "message": "SKU tidak ditemukan atau non-aktif", "status": "Gagal"}
        if command == "prepaid" and self.deposit < row["price"]:
            return {"rc": "44", "message": "Saldo tidak cukup", "status": "Gagal"}
        max_price = body.get("max_price")
        if command == "prepaid" and max_price is not None and int(max_price) < row["price"]:
            return {"rc": "02", "message": "Harga melebihi max price", "status": "Gagal"}
        return None

    def _price(self, sku: str) -> int:
        row = next((r for r in self.prepaid if r["buyer_sku_code"] == sku), None)
        return int(row["price"]) if row else 0

    def _bill(self, sku: str, number: str) -> dict[str, Any]:
        bill, admin, penalty = 187_500, 2_500, 0
        return {
            "customer_name": "BUDI SANTOSO",
            "admin": admin,
            "price": bill + admin + penalty - 1_000,
            "selling_price": bill + admin + penalty,
            "desc": {
                "tarif": "R1",
                "daya": 1300,
                "lembar_tagihan": 1,
                "detail": [
                    {
                        "periode": "202611",
                        "nilai_tagihan": str(bill),
                        "admin": str(admin),
                        "denda": str(penalty),
                    }
                ],
            },
        }

    def _inquiry(self, txn: Transaction, script: Script) -> dict[str, Any]:
        if not txn.bill:
            return {
                "ref_id": txn.ref_id,
                "rc": "60",
                "message": "Tagihan belum tersedia",
                "status": "Gagal",
            }
        return {
            "ref_id": txn.ref_id,
            "customer_no": txn.customer_no,
            "buyer_sku_code": txn.sku,
            "rc": "00",
            "status": "Sukses",
            "message": "Transaksi Sukses",
            "sn": "",
            **txn.bill,
        }


@contextmanager
def fake_digiflazz() -> Iterator[FakeDigiflazz]:
    fake = FakeDigiflazz().start()
    try:
        yield fake
    finally:
        fake.stop()
