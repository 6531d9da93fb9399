"""A PPOB receipt (struk) as a PDF for the teller's printer: A4 for the office printer,
58 mm for a thermal roll, like the teller's own receipts (tenants.teller.receipts). What
it shows comes from ppob.selectors.receipt; printed in Indonesian, as the counter's
documents are."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from money.rupiah import format_rupiah
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

Layout = Literal["a4", "58mm"]
THERMAL_WIDTH = 58 * mm
THERMAL_MARGIN = 3 * mm
THERMAL_FONT_SIZE = 7.0
THERMAL_LINE = 9.0
MONO = "Courier"
MONO_BOLD = "Courier-Bold"
STATUS = {"success": "BERHASIL", "pending": "MENUNGGU", "failed": "GAGAL"}
PAYMENT = {"sukarela": "Simpanan sukarela", "cash": "Tunai"}
TITLE = "STRUK PEMBELIAN PPOB"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%d-%m-%Y %H:%M WIB")


def receipt_rows(
    receipt: dict[str, Any], *, payment_method: str, teller: str = ""
) -> list[tuple[str, str]]:
    """(label, value) lines of the printed receipt."""
    rows = [("Tanggal", _when(receipt["created_at"]))]
    if teller:
        rows.append(("Kasir", teller))
    rows += [
        ("Referensi", receipt["reference"]),
        ("Produk", receipt["product"]),
        ("No. pelanggan", receipt["customer_no"]),
    ]
    if receipt["customer_name"]:
        rows.append(("Nama", receipt["customer_name"]))
    if receipt["period"]:
        rows.append(("Periode", receipt["period"]))
    for label, name in (("Tagihan", "bill"), ("Admin", "admin"), ("Denda", "penalty")):
        if receipt[name] is not None:
            rows.append((label, format_rupiah(receipt[name])))
    rows.append(("Jumlah", format_rupiah(receipt["price"])))
    rows.append(("Pembayaran", PAYMENT.get(payment_method, payment_method)))
    if receipt["member_number"]:
        rows.append(("No. anggota", receipt["member_number"]))
    rows.append(("Status", STATUS.get(receipt["status"], receipt["status"])))
    if receipt["sn"] and not receipt["token"]:
        rows.append(("SN", receipt["sn"]))
    return rows


def receipt_pdf(
    receipt: dict[str, Any], *, layout: Layout, payment_method: str, teller: str = ""
) -> bytes:
    rows = receipt_rows(receipt, payment_method=payment_method, teller=teller)
    if layout == "58mm":
        return _thermal(receipt, rows)
    if layout == "a4":
        return _a4(receipt, rows)
    raise ValueError(f"unknown receipt layout: {layout!r}")


def _chunks(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _thermal_lines(
    receipt: dict[str, Any], rows: list[tuple[str, str]], width: int
) -> list[tuple[str, bool]]:
    rule = "-" * width
    lines: list[tuple[str, bool]] = []
    lines += [(chunk.center(width), True) for chunk in _chunks(receipt["cooperative"], width)]
    lines += [(TITLE.center(width), True), (rule, False)]
    for label, value in rows:
        if len(f"{label}: {value}") <= width:
            lines.append((label + ":" + value.rjust(width - len(label) - 1), label == "Jumlah"))
        else:
            lines.append((f"{label}:", False))
            lines += [(chunk.rjust(width), False) for chunk in _chunks(value, width)]
    if receipt["token"]:
        lines += [(rule, False), ("TOKEN PLN".center(width), True)]
        lines += [(chunk.center(width), True) for chunk in _chunks(receipt["token"], width)]
    lines += [(rule, False), ("Terima kasih".center(width), False)]
    return lines


def _thermal(receipt: dict[str, Any], rows: list[tuple[str, str]]) -> bytes:
    char_width = THERMAL_FONT_SIZE * 0.6  # Courier's advance width
    width = int((THERMAL_WIDTH - 2 * THERMAL_MARGIN) // char_width)
    lines = _thermal_lines(receipt, rows, width)
    height = 2 * THERMAL_MARGIN + THERMAL_LINE * len(lines) + 4 * mm
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(THERMAL_WIDTH, height))
    pdf.setTitle(f"{TITLE} {receipt['reference']}")
    pdf.setAuthor(receipt["cooperative"])
    y = height - THERMAL_MARGIN - THERMAL_FONT_SIZE
    for text, bold in lines:
        pdf.setFont(MONO_BOLD if bold else MONO, THERMAL_FONT_SIZE)
        pdf.drawString(THERMAL_MARGIN, y, text)
        y -= THERMAL_LINE
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _a4(receipt: dict[str, Any], rows: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{TITLE} {receipt['reference']}")
    pdf.setAuthor(receipt["cooperative"])
    page_width, page_height = A4
    left = 25 * mm
    y = page_height - 30 * mm
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(left, y, receipt["cooperative"])
    y -= 10 * mm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(left, y, TITLE)
    y -= 4 * mm
    pdf.line(left, y, page_width - left, y)
    y -= 9 * mm
    for label, value in rows:
        pdf.setFont("Helvetica", 11)
        pdf.drawString(left, y, label)
        pdf.setFont(MONO_BOLD if label == "Jumlah" else MONO, 11)
        for chunk in _chunks(value, 60):
            pdf.drawString(left + 45 * mm, y, chunk)
            y -= 7 * mm
    if receipt["token"]:
        y -= 5 * mm
        pdf.setFont("Helvetica", 11)
        pdf.drawString(left, y, "Token PLN")
        y -= 11 * mm
        pdf.setFont(MONO_BOLD, 20)
        pdf.drawString(left, y, receipt["token"])
        y -= 8 * mm
    y -= 6 * mm
    pdf.line(left, y, page_width - left, y)
    y -= 6 * mm
    pdf.setFont("Helvetica", 9)
    pdf.drawString(left, y, "Simpan struk ini. Referensi dapat diperiksa di kantor koperasi.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
