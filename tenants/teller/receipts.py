"""Counter receipts (kwitansi): the data of one teller transaction, and its PDF in two
layouts, A4 and 58 mm thermal roll. Personal data is kept to the member number and a
masked name; the journal entry's hash is shown once the entry is sealed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from django.db import connection
from identity.models import User
from money.rupiah import format_rupiah
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from tenants.models import SavingsTransaction, SavingsTransactionKind

JAKARTA = ZoneInfo("Asia/Jakarta")
UNSEALED = "menunggu segel"
THERMAL_WIDTH = 58 * mm
THERMAL_MARGIN = 3 * mm
THERMAL_FONT_SIZE = 7.0
THERMAL_LINE = 9.0
MONO = "Courier"
MONO_BOLD = "Courier-Bold"

Layout = Literal["a4", "58mm"]


def name_mask(full_name: str) -> str:
    """``Budi Santoso`` -> ``Bu** Sa*****``: enough for the member to know it is theirs."""
    return " ".join(word[:2] + "*" * max(len(word) - 2, 0) for word in (full_name or "").split())


@dataclass(frozen=True)
class Receipt:
    cooperative: str
    title: str
    when: datetime  # Asia/Jakarta
    teller: str
    member_number: str
    member_name_masked: str
    product: str
    amount: Decimal
    balance_after: Decimal
    reference: str
    journal_entry_id: int
    entry_hash: str  # the sealed entry's hash, or UNSEALED

    @property
    def when_text(self) -> str:
        return self.when.strftime("%d-%m-%Y %H:%M WIB")

    @property
    def amount_text(self) -> str:
        return format_rupiah(self.amount)

    @property
    def balance_after_text(self) -> str:
        return format_rupiah(self.balance_after)

    @property
    def sealed(self) -> bool:
        return self.entry_hash != UNSEALED

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("Tanggal", self.when_text),
            ("Kasir", self.teller),
            ("No. anggota", self.member_number),
            ("Nama", self.member_name_masked),
            ("Produk", self.product),
            ("Jumlah", self.amount_text),
            ("Saldo akhir", self.balance_after_text),
            ("Referensi", self.reference),
            ("Jurnal", f"#{self.journal_entry_id}"),
        ]


def transaction_reference(made: SavingsTransaction) -> str:
    return f"TRX-{made.pk:08d}"


def receipt_data(made: SavingsTransaction) -> Receipt:
    """Everything a receipt shows, read fresh (the hash may have been sealed since)."""
    made = SavingsTransaction.objects.select_related(
        "account__product", "account__member", "journal_entry"
    ).get(pk=made.pk)
    tenant = getattr(connection, "tenant", None)
    teller = User.objects.filter(pk=made.teller_id).first() if made.teller_id else None
    entry = made.journal_entry
    title = "SETORAN" if made.kind == SavingsTransactionKind.DEPOSIT else "PENARIKAN"
    return Receipt(
        cooperative=getattr(tenant, "name", "") or "",
        title=f"BUKTI {title} SIMPANAN",
        when=made.created_at.astimezone(JAKARTA),
        teller=teller.get_full_name() if teller is not None else "-",
        member_number=made.account.member.member_number,
        member_name_masked=name_mask(made.account.member.full_name),
        product=made.account.product.name,
        amount=made.amount,
        balance_after=made.balance_after,
        reference=transaction_reference(made),
        journal_entry_id=entry.pk,
        entry_hash=entry.entry_hash if entry.sealed_at and entry.entry_hash else UNSEALED,
    )


def receipt_pdf(receipt: Receipt, *, layout: Layout) -> bytes:
    """The receipt as a PDF: ``a4`` for the office printer, ``58mm`` for a thermal roll."""
    if layout == "58mm":
        return _thermal(receipt)
    if layout == "a4":
        return _a4(receipt)
    raise ValueError(f"unknown receipt layout: {layout!r}")


def _chunks(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _thermal_lines(receipt: Receipt, width: int) -> list[tuple[str, bool]]:
    """(text, bold) lines, each at most ``width`` characters."""
    rule = "-" * width
    lines: list[tuple[str, bool]] = []
    lines += [(chunk.center(width), True) for chunk in _chunks(receipt.cooperative, width)]
    lines += [(receipt.title.center(width), True), (rule, False)]
    for label, value in receipt.rows():
        pair = f"{label}: {value}"
        if len(pair) <= width:
            lines.append((label + ":" + value.rjust(width - len(label) - 1), label == "Jumlah"))
        else:
            lines.append((f"{label}:", False))
            lines += [(chunk.rjust(width), False) for chunk in _chunks(value, width)]
    lines += [(rule, False), ("Hash jurnal:", False)]
    lines += [(chunk, False) for chunk in _chunks(receipt.entry_hash, width)]
    lines += [(rule, False), ("Terima kasih".center(width), False)]
    return lines


def _thermal(receipt: Receipt) -> bytes:
    char_width = THERMAL_FONT_SIZE * 0.6  # Courier's advance width
    width = int((THERMAL_WIDTH - 2 * THERMAL_MARGIN) // char_width)
    lines = _thermal_lines(receipt, width)
    height = 2 * THERMAL_MARGIN + THERMAL_LINE * len(lines) + 4 * mm
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(THERMAL_WIDTH, height))
    pdf.setTitle(f"{receipt.title} {receipt.reference}")
    pdf.setAuthor(receipt.cooperative)
    y = height - THERMAL_MARGIN - THERMAL_FONT_SIZE
    for text, bold in lines:
        pdf.setFont(MONO_BOLD if bold else MONO, THERMAL_FONT_SIZE)
        pdf.drawString(THERMAL_MARGIN, y, text)
        y -= THERMAL_LINE
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _a4(receipt: Receipt) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{receipt.title} {receipt.reference}")
    pdf.setAuthor(receipt.cooperative)
    page_width, page_height = A4
    left = 25 * mm
    y = page_height - 30 * mm
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(left, y, receipt.cooperative)
    y -= 10 * mm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(left, y, receipt.title)
    y -= 4 * mm
    pdf.line(left, y, page_width - left, y)
    y -= 9 * mm
    for label, value in receipt.rows():
        pdf.setFont("Helvetica", 11)
        pdf.drawString(left, y, label)
        pdf.setFont(MONO_BOLD if label == "Jumlah" else MONO, 11)
        pdf.drawString(left + 45 * mm, y, value)
        y -= 7 * mm
    y -= 3 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, "Hash jurnal")
    pdf.setFont(MONO, 9)
    pdf.drawString(left + 45 * mm, y, receipt.entry_hash)
    y -= 14 * mm
    pdf.line(left, y, page_width - left, y)
    y -= 6 * mm
    pdf.setFont("Helvetica", 9)
    pdf.drawString(left, y, "Simpan bukti ini. Hash jurnal dapat diperiksa di kantor koperasi.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
