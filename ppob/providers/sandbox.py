"""The sandbox provider: plays the aggregator for development, the demo and tests, the way
Digiflazz's testing mode does. Its transactions are rows of ppob.SandboxTransaction, so
the web process, the Celery worker and the reconciliation job all see the same state.

Which answer a customer number gets (the documented magic numbers, and any number with
the same last four digits):

    ...1230 (and any other ending)  success at once
    ...1232                         failed
    ...1233                         pending, then success after ``pending_seconds``
    ...1234                         pending, then failed after ``pending_seconds``
    ...1235                         no answer (a timeout); the transaction exists and
                                    succeeds after ``pending_seconds``

Every call waits ``delay_seconds`` first (slow answers). A postpaid number ending in 1232
has no bill (rc 60). Webhooks are not sent: reconciliation finds the final status.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time as day_time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

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

NAME = "sandbox"
D = Decimal


@dataclass(frozen=True)
class _Sku:
    sku: str
    name: str
    category: str
    brand: str
    cost: str
    kind: str = "prepaid"
    commission: str = "0"
    active: bool = True
    cutoff: tuple[str, str] | None = None


# A small, realistic catalogue (costs as an aggregator quotes them).
CATALOGUE = [
    _Sku("tsel5", "Telkomsel 5.000", "Pulsa", "TELKOMSEL", "5325"),
    _Sku("tsel10", "Telkomsel 10.000", "Pulsa", "TELKOMSEL", "10175"),
    _Sku("tsel25", "Telkomsel 25.000", "Pulsa", "TELKOMSEL", "24900"),
    _Sku("tsel50", "Telkomsel 50.000", "Pulsa", "TELKOMSEL", "49550"),
    _Sku("tsel100", "Telkomsel 100.000", "Pulsa", "TELKOMSEL", "98650"),
    _Sku("isat5", "Indosat 5.000", "Pulsa", "INDOSAT", "5850"),
    _Sku("isat10", "Indosat 10.000", "Pulsa", "INDOSAT", "10850"),
    _Sku("isat25", "Indosat 25.000", "Pulsa", "INDOSAT", "24850"),
    _Sku("xl5", "XL 5.000", "Pulsa", "XL", "5900"),
    _Sku("xl10", "XL 10.000", "Pulsa", "XL", "10800"),
    _Sku("xl25", "XL 25.000", "Pulsa", "XL", "24800"),
    _Sku("xl50", "XL 50.000", "Pulsa", "XL", "49700"),
    _Sku("axis10", "AXIS 10.000", "Pulsa", "AXIS", "10800"),
    _Sku("tri10", "Tri 10.000", "Pulsa", "TRI", "10450"),
    _Sku("smart10", "Smartfren 10.000", "Pulsa", "SMARTFREN", "10300"),
    _Sku("smart20", "Smartfren 20.000", "Pulsa", "SMARTFREN", "20150", active=False),
    _Sku("tseld1", "Telkomsel Data 1 GB 30 hari", "Data", "TELKOMSEL", "15750"),
    _Sku("xld3", "XL Data 3 GB 30 hari", "Data", "XL", "24500"),
    _Sku("pln20", "Token PLN 20.000", "PLN", "PLN", "20150", cutoff=("23:00", "00:30")),
    _Sku("pln50", "Token PLN 50.000", "PLN", "PLN", "50150", cutoff=("23:00", "00:30")),
    _Sku("pln100", "Token PLN 100.000", "PLN", "PLN", "100150", cutoff=("23:00", "00:30")),
    _Sku("gopay20", "GoPay 20.000", "E-Money", "GO PAY", "20850"),
    _Sku("ovo20", "OVO 20.000", "E-Money", "OVO", "20850"),
    _Sku("dana50", "DANA 50.000", "E-Money", "DANA", "50600"),
    _Sku("ml86", "Mobile Legends 86 Diamond", "Games", "MOBILE LEGENDS", "19950"),
    _Sku("plnpasca", "PLN Pascabayar", "Pascabayar", "PLN PASCABAYAR", "2500", "postpaid", "1000"),
    _Sku("bpjs", "BPJS Kesehatan", "Pascabayar", "BPJS KESEHATAN", "2500", "postpaid", "1200"),
    _Sku("pdam", "PDAM Kabupaten Sleman", "Pascabayar", "PDAM", "2500", "postpaid", "900"),
]
BY_SKU = {item.sku: item for item in CATALOGUE}
DEFAULT_DEPOSIT = D("50000000")
NAMES = ["SITI AMINAH", "BUDI SANTOSO", "SRI WAHYUNI", "AGUS PRASETYO", "DEWI LESTARI"]


def scenario_of(customer_no: str) -> str:
    return {
        "1232": "failed",
        "1233": "pending_success",
        "1234": "pending_failed",
        "1235": "timeout",
    }.get(customer_no[-4:], "success")


def _digits(seed: str, count: int) -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return "".join(str(int(ch, 16) % 10) for ch in digest)[:count]


def _hhmm(text: str) -> day_time:
    hours, minutes = text.split(":")
    return day_time(int(hours), int(minutes))


class SandboxProvider:
    name = NAME

    def __init__(
        self,
        *,
        delay_seconds: float = 0.0,
        pending_seconds: float = 20.0,
        deposit: Decimal = DEFAULT_DEPOSIT,
        observer: Observer = observer_none,
    ) -> None:
        self.delay_seconds = delay_seconds
        self.pending_seconds = pending_seconds
        self.deposit = deposit
        self.observer = observer

    # --- helpers -------------------------------------------------------------------------

    def _exchange(self, call: str, ref_id: str, request: dict[str, Any]) -> float:
        self.observer(Exchange("request", call, ref_id, json.dumps(request, sort_keys=True)))
        if self.delay_seconds > 0:
            time.sleep(self.delay_seconds)
        return time.monotonic()

    def _answer(self, call: str, ref_id: str, data: dict[str, Any], started: float) -> None:
        elapsed = int((time.monotonic() - started) * 1000)
        body = json.dumps({"data": data}, sort_keys=True, default=str)
        self.observer(
            Exchange("response", call, ref_id, body, http_status=200, duration_ms=elapsed)
        )

    def _spent(self) -> Decimal:
        from ppob.models import SandboxTransaction

        total = SandboxTransaction.objects.filter(
            command__in=["prepaid", "pay"], status__in=["Sukses", "Pending"]
        ).aggregate(total=Sum("price"))["total"]
        return total or D("0.00")

    def _sn(self, row: Any) -> str:
        if row.sku.startswith("pln") and row.command == "prepaid":
            token = _digits(f"token:{row.ref_id}", 20)
            groups = "-".join(token[i : i + 4] for i in range(0, 20, 4))
            return f"{groups}/{NAMES[int(token[0]) % len(NAMES)]}/R1/1300VA/{int(token[1:3])}.5"
        return f"SB{_digits(f'sn:{row.ref_id}', 18)}"

    def _resolve(self, row: Any) -> Any:
        """Settle a pending row whose time has come (pending then success or failure)."""
        from ppob.models import SandboxTransaction

        if row.status != "Pending" or timezone.now() < row.resolves_at:
            return row
        final = "Gagal" if row.scenario == "pending_failed" else "Sukses"
        sn = self._sn(row) if final == "Sukses" else ""
        SandboxTransaction.objects.filter(pk=row.pk, status="Pending").update(status=final, sn=sn)
        return SandboxTransaction.objects.get(pk=row.pk)

    def _data(self, row: Any) -> dict[str, Any]:
        rc = {"Sukses": "00", "Gagal": "02", "Pending": "03"}.get(row.status, "03")
        message = {
            "Sukses": "Transaksi Sukses",
            "Gagal": "Transaksi Gagal",
            "Pending": "Transaksi Pending",
        }.get(row.status, "")
        return {
            "ref_id": row.ref_id,
            "customer_no": row.customer_no,
            "buyer_sku_code": row.sku,
            "message": message,
            "status": row.status,
            "rc": rc,
            "sn": row.sn,
            "price": str(row.price),
            **{k: v for k, v in row.data.items() if k in {"customer_name", "admin", "desc"}},
        }

    def _result(self, data: dict[str, Any], ref_id: str) -> TransactionResult:
        from ppob.providers.digiflazz import classify

        outcome, reason = classify(str(data.get("rc", "")), str(data.get("status", "")))
        return TransactionResult(
            outcome=outcome,
            ref_id=ref_id,
            rc=str(data.get("rc", "")),
            status=str(data.get("status", "")),
            message=str(data.get("message", "")),
            sn=str(data.get("sn", "")),
            price=D(str(data["price"])) if data.get("price") not in (None, "") else None,
            reason=reason,
            data=data,
        )

    def _refused(self, call: str, ref_id: str, rc: str, message: str, started: float) -> Any:
        data = {"ref_id": ref_id, "rc": rc, "message": message, "status": "Gagal"}
        self._answer(call, ref_id, data, started)
        return self._result(data, ref_id)

    def _create(self, **fields: Any) -> Any:
        from ppob.models import SandboxTransaction

        try:
            with transaction.atomic():
                return SandboxTransaction.objects.create(**fields)
        except IntegrityError:
            return SandboxTransaction.objects.get(ref_id=fields["ref_id"])

    # --- the interface -------------------------------------------------------------------

    def balance(self) -> Decimal:
        started = self._exchange("cek-saldo", "", {"cmd": "deposit"})
        found = self.deposit - self._spent()
        self._answer("cek-saldo", "", {"deposit": str(found)}, started)
        return found

    def price_list(self, kind: str) -> list[CatalogueItem]:
        wanted = "prepaid" if kind == "prepaid" else "postpaid"
        return [
            CatalogueItem(
                sku=item.sku,
                name=item.name,
                kind=item.kind,
                provider_category=item.category,
                brand=item.brand,
                type="Umum",
                cost=D(item.cost),
                commission=D(item.commission),
                buyer_active=True,
                seller_active=item.active,
                unlimited_stock=True,
                stock=None,
                multi=True,
                cutoff_start=_hhmm(item.cutoff[0]) if item.cutoff else None,
                cutoff_end=_hhmm(item.cutoff[1]) if item.cutoff else None,
                description=f"{item.name} (sandbox)",
            )
            for item in CATALOGUE
            if item.kind == wanted
        ]

    def topup(
        self, *, sku: str, customer_no: str, ref_id: str, max_price: Decimal | None = None
    ) -> TransactionResult:
        from ppob.models import SandboxTransaction

        request = {"buyer_sku_code": sku, "customer_no": customer_no, "ref_id": ref_id}
        started = self._exchange("transaction", ref_id, request)
        row = SandboxTransaction.objects.filter(ref_id=ref_id).first()
        if row is None:
            item = BY_SKU.get(sku)
            if item is None or item.kind != "prepaid" or not item.active:
                return self._refused("transaction", ref_id, "43", "SKU tidak aktif", started)
            price = D(item.cost)
            if max_price is not None and price > max_price:
                return self._refused(
                    "transaction", ref_id, "40", "Harga melebihi max_price", started
                )
            if self.deposit - self._spent() < price:
                return self._refused("transaction", ref_id, "44", "Saldo tidak cukup", started)
            scenario = scenario_of(customer_no)
            now = timezone.now()
            row = self._create(
                ref_id=ref_id,
                command="prepaid",
                sku=sku,
                customer_no=customer_no,
                scenario=scenario,
                price=price,
                status={"success": "Sukses", "failed": "Gagal"}.get(scenario, "Pending"),
                created_at=now,
                resolves_at=now + timedelta(seconds=self.pending_seconds),
            )
            if row.status == "Sukses" and not row.sn:
                row.sn = self._sn(row)
                SandboxTransaction.objects.filter(pk=row.pk).update(sn=row.sn)
            if scenario == "timeout":
                self.observer(Exchange("error", "transaction", ref_id, "", note="timeout"))
                return TransactionResult(Outcome.PENDING, ref_id, reason="timeout")
        elif row.command != "prepaid" or row.sku != sku or row.customer_no != customer_no:
            return self._refused("transaction", ref_id, "49", "Ref ID tidak unik", started)
        else:  # a later call: the status check, which may find it settled
            row = self._resolve(row)
        data = self._data(row)
        self._answer("transaction", ref_id, data, started)
        return self._result(data, ref_id)

    def postpaid_inquiry(self, *, sku: str, customer_no: str, ref_id: str) -> InquiryResult:

        request = {"commands": "inq-pasca", "buyer_sku_code": sku, "customer_no": customer_no}
        started = self._exchange("transaction", ref_id, {**request, "ref_id": ref_id})
        item = BY_SKU.get(sku)
        if item is None or item.kind != "postpaid":
            self._answer("transaction", ref_id, {"rc": "43", "status": "Gagal"}, started)
            return InquiryResult(Outcome.FAILED, ref_id, rc="43", message="SKU tidak aktif")
        if scenario_of(customer_no) == "failed":
            refusal = {"rc": "60", "status": "Gagal", "message": "Tagihan belum tersedia"}
            self._answer("transaction", ref_id, refusal, started)
            return InquiryResult(Outcome.FAILED, ref_id, rc="60", message=refusal["message"])
        seed = _digits(f"bill:{sku}:{customer_no}", 6)
        bill = D(50_000 + int(seed[:4]) * 25).quantize(D("100"))
        penalty = D("5000") if customer_no.endswith("9") else D("0")
        admin, commission = D(item.cost), D(item.commission)
        today = timezone.localdate()
        period = f"{today.year}{today.month:02d}"
        name = NAMES[int(seed[4]) % len(NAMES)]
        desc = {
            "tarif": "R1",
            "daya": 1300,
            "lembar_tagihan": 1,
            "detail": [
                {
                    "periode": period,
                    "nilai_tagihan": str(bill),
                    "admin": str(admin),
                    "denda": str(penalty),
                }
            ],
        }
        price = bill + admin + penalty - commission
        data = {
            "ref_id": ref_id,
            "customer_no": customer_no,
            "customer_name": name,
            "buyer_sku_code": sku,
            "admin": str(admin),
            "message": "Transaksi Sukses",
            "status": "Sukses",
            "rc": "00",
            "price": str(price),
            "selling_price": str(bill + admin + penalty),
            "desc": desc,
        }
        now = timezone.now()
        row = self._create(
            ref_id=ref_id,
            command="inq",
            sku=sku,
            customer_no=customer_no,
            scenario=scenario_of(customer_no),
            price=price,
            status="Inquiry",
            data={"customer_name": name, "admin": str(admin), "desc": desc},
            created_at=now,
            resolves_at=now,
        )
        if row.command != "inq" or row.sku != sku or row.customer_no != customer_no:
            self._answer("transaction", ref_id, {"rc": "49", "status": "Gagal"}, started)
            return InquiryResult(Outcome.PENDING, ref_id, rc="49", reason="rc_49")
        self._answer("transaction", ref_id, data, started)
        from ppob.providers.digiflazz import inquiry_result

        return inquiry_result(data, ref_id)

    def postpaid_pay(self, *, sku: str, customer_no: str, ref_id: str) -> TransactionResult:
        from ppob.models import SandboxTransaction

        request = {"commands": "pay-pasca", "buyer_sku_code": sku, "customer_no": customer_no}
        started = self._exchange("transaction", ref_id, {**request, "ref_id": ref_id})
        row = SandboxTransaction.objects.filter(ref_id=ref_id, sku=sku).first()
        if row is None:
            return self._refused("transaction", ref_id, "50", "Transaksi tidak ditemukan", started)
        if row.command == "inq":
            scenario = row.scenario
            now = timezone.now()
            status = {"success": "Sukses", "failed": "Gagal"}.get(scenario, "Pending")
            SandboxTransaction.objects.filter(pk=row.pk, command="inq").update(
                command="pay",
                status=status,
                resolves_at=now + timedelta(seconds=self.pending_seconds),
            )
            row = SandboxTransaction.objects.get(pk=row.pk)
            if row.status == "Sukses" and not row.sn:
                SandboxTransaction.objects.filter(pk=row.pk).update(sn=self._sn(row))
                row = SandboxTransaction.objects.get(pk=row.pk)
            if scenario == "timeout":
                self.observer(Exchange("error", "transaction", ref_id, "", note="timeout"))
                return TransactionResult(Outcome.PENDING, ref_id, reason="timeout")
        else:
            row = self._resolve(row)
        data = self._data(row)
        self._answer("transaction", ref_id, data, started)
        return self._result(data, ref_id)

    def postpaid_status(self, *, sku: str, customer_no: str, ref_id: str) -> TransactionResult:
        from ppob.models import SandboxTransaction

        request = {"commands": "status-pasca", "buyer_sku_code": sku, "customer_no": customer_no}
        started = self._exchange("transaction", ref_id, {**request, "ref_id": ref_id})
        row = SandboxTransaction.objects.filter(ref_id=ref_id, command="pay").first()
        if row is None:
            return self._refused("transaction", ref_id, "50", "Transaksi tidak ditemukan", started)
        row = self._resolve(row)
        data = self._data(row)
        self._answer("transaction", ref_id, data, started)
        return self._result(data, ref_id)

    def pln_inquiry(self, *, customer_no: str) -> PlnCustomer:
        started = self._exchange("inquiry-pln", "", {"customer_no": customer_no})
        if scenario_of(customer_no) == "failed":
            self._answer("inquiry-pln", "", {"rc": "54", "status": "Gagal"}, started)
            raise ProviderError("rc 54: Nomor tujuan salah", reason="refused")
        seed = _digits(f"pln:{customer_no}", 12)
        found = PlnCustomer(
            customer_no=customer_no,
            meter_no=customer_no if len(customer_no) == 11 else seed[:11],
            subscriber_id=customer_no if len(customer_no) == 12 else seed,
            name=NAMES[int(seed[0]) % len(NAMES)],
            segment_power="R1 /000001300",
        )
        self._answer("inquiry-pln", "", {"rc": "00", **found.__dict__}, started)
        return found

    def webhook_verify(self, body: bytes, signature: str) -> bool:
        return False  # the sandbox sends no webhooks

    def webhook_result(self, payload: Mapping[str, Any]) -> TransactionResult | None:
        return None
