"""Member cards as PDF: one ID-1 card (85.6 x 54 mm) per page, or an A4 sheet of ten.
The QR code is drawn as vector squares from the qrcode package's matrix, so it stays
sharp at any printer resolution and needs no image library."""

from __future__ import annotations

import io
from collections.abc import Sequence

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from tenants.cards.selectors import Card

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
CARD_SIZE = (CARD_WIDTH, CARD_HEIGHT)
PAD = 4 * mm
QR_SIZE = 30 * mm
SHEET_COLUMNS, SHEET_ROWS = 2, 5
SHEET_GAP = 4 * mm
CARD_TITLE = "KARTU ANGGOTA"


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code's modules for ``payload`` (True is dark), without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def _fit(pdf: canvas.Canvas, text: str, font: str, size: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width`` at that font and size."""
    if pdf.stringWidth(text, font, size) <= width:
        return text
    while text and pdf.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_qr(pdf: canvas.Canvas, payload: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(payload)
    module = size / len(matrix)
    pdf.setFillGray(0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(x + col_index * module, top, module, module, stroke=0, fill=1)


def _draw_card(pdf: canvas.Canvas, card: Card, x: float, y: float) -> None:
    """One card with its lower-left corner at (x, y)."""
    pdf.setLineWidth(0.3)
    pdf.setStrokeGray(0.6)
    pdf.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm, stroke=1, fill=0)
    text_width = CARD_WIDTH - 3 * PAD - QR_SIZE
    top = y + CARD_HEIGHT - PAD
    pdf.setFillGray(0)
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(
        x + PAD, top - 9, _fit(pdf, card.cooperative, "Helvetica-Bold", 9, CARD_WIDTH - 2 * PAD)
    )
    pdf.setFont("Helvetica", 6.5)
    pdf.drawString(x + PAD, top - 17, CARD_TITLE)
    pdf.line(x + PAD, top - 20, x + CARD_WIDTH - PAD, top - 20)
    rows = (
        ("Nama", card.member_name),
        ("No. anggota", card.member_number),
        ("Bergabung", card.join_date_text),
    )
    line_y = top - 32
    for label, value in rows:
        pdf.setFont("Helvetica", 6)
        pdf.drawString(x + PAD, line_y, label)
        pdf.setFont("Helvetica-Bold", 8.5)
        pdf.drawString(x + PAD, line_y - 9, _fit(pdf, value, "Helvetica-Bold", 8.5, text_width))
        line_y -= 21
    _draw_qr(pdf, card.qr_payload, x + CARD_WIDTH - PAD - QR_SIZE, y + PAD, QR_SIZE)


def _new_canvas(buffer: io.BytesIO, pagesize: tuple[float, float], title: str) -> canvas.Canvas:
    pdf = canvas.Canvas(buffer, pagesize=pagesize)
    pdf.setTitle(title)
    return pdf


def card_pdf(cards: Sequence[Card]) -> bytes:
    """One card per page, each page exactly the card's size (for a card printer)."""
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer, CARD_SIZE, CARD_TITLE)
    for card in cards:
        pdf.setAuthor(card.cooperative)
        _draw_card(pdf, card, 0, 0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def sheet_pdf(cards: Sequence[Card]) -> bytes:
    """A4 sheets of ten cards (two columns, five rows), to print and cut."""
    per_sheet = SHEET_COLUMNS * SHEET_ROWS
    page_width, page_height = A4
    block_width = SHEET_COLUMNS * CARD_WIDTH + (SHEET_COLUMNS - 1) * SHEET_GAP
    block_height = SHEET_ROWS * CARD_HEIGHT + (SHEET_ROWS - 1) * SHEET_GAP
    left = (page_width - block_width) / 2
    bottom = (page_height - block_height) / 2
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer, A4, CARD_TITLE)
    for start in range(0, max(len(cards), 1), per_sheet):
        for index, card in enumerate(cards[start : start + per_sheet]):
            column, row = index % SHEET_COLUMNS, index // SHEET_COLUMNS
            x = left + column * (CARD_WIDTH + SHEET_GAP)
            y = bottom + block_height - (row + 1) * CARD_HEIGHT - row * SHEET_GAP
            _draw_card(pdf, card, x, y)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
