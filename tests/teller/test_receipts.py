"""Receipts: the data shown (masked name, rupiah, sealed hash or "menunggu segel"), and
the PDFs, A4 and a 58 mm roll, checked from the PDF's own MediaBox."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from tenants.ledger.chain import chain_seal_pending
from tenants.teller.receipts import UNSEALED, name_mask, receipt_data, receipt_pdf
from tenants.teller.services import drawer_open, teller_deposit
from tests.teller.conftest import media_box_mm

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposit(books, alpha_teller, sukarela):
    drawer_open(actor=alpha_teller, opening_count=Decimal("0"))
    return teller_deposit(
        actor=alpha_teller,
        account=sukarela,
        amount=Decimal("1250000"),
        idempotency_key=f"t-receipt-{sukarela.pk}",
    )


def test_name_mask():
    assert name_mask("Budi Santoso") == "Bu** Sa*****"
    assert name_mask("  Ani  ") == "An*"
    assert name_mask("") == ""


def test_the_receipt_shows_what_the_member_needs_and_no_full_name(deposit, alpha, alpha_teller):
    receipt = receipt_data(deposit)

    assert receipt.cooperative == alpha.name
    assert receipt.teller == alpha_teller.get_full_name()
    assert receipt.member_number == deposit.account.member.member_number
    assert receipt.member_name_masked == "Bu** Sa*****"
    assert receipt.product == "Simpanan Sukarela"
    assert receipt.amount_text == "Rp 1.250.000"
    assert receipt.balance_after_text == "Rp 1.250.000"
    assert receipt.journal_entry_id == deposit.journal_entry_id
    assert receipt.reference == f"TRX-{deposit.pk:08d}"
    assert receipt.when.utcoffset().total_seconds() == 7 * 3600
    assert receipt.when_text.endswith("WIB")
    assert receipt.entry_hash == UNSEALED
    assert not receipt.sealed


def test_the_receipt_shows_the_hash_once_sealed(deposit):
    chain_seal_pending()
    connection.set_tenant(connection.tenant)

    receipt = receipt_data(deposit)

    deposit.journal_entry.refresh_from_db()
    assert deposit.journal_entry.entry_hash
    assert receipt.entry_hash == deposit.journal_entry.entry_hash
    assert receipt.sealed


def test_the_pdfs_are_pdfs_and_the_roll_is_58_mm_wide(deposit):
    receipt = receipt_data(deposit)

    a4 = receipt_pdf(receipt, layout="a4")
    roll = receipt_pdf(receipt, layout="58mm")

    for pdf in (a4, roll):
        assert pdf.startswith(b"%PDF-")
        assert b"ReportLab" in pdf
        assert pdf.rstrip().endswith(b"%%EOF")
    [(a4_width, a4_height)] = media_box_mm(a4)
    assert (round(a4_width), round(a4_height)) == (210, 297)
    [(roll_width, roll_height)] = media_box_mm(roll)
    assert roll_width == pytest.approx(58, abs=0.01)
    assert 60 < roll_height < 250


def test_the_pdf_pages_answer_with_both_layouts(teller_page, in_books, deposit):
    for layout, width in (("a4", 210), ("58mm", 58)):
        response = teller_page.get(f"/staf/kasir/kwitansi/{deposit.pk}/{layout}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        [(found, _)] = media_box_mm(response.content)
        assert round(found) == width
    assert teller_page.get(f"/staf/kasir/kwitansi/{deposit.pk}/a5.pdf").status_code == 404


def test_the_receipt_page_links_both_pdfs(teller_page, in_books, deposit):
    html = teller_page.get(f"/staf/kasir/kwitansi/{deposit.pk}/").content.decode()

    assert "Rp 1.250.000" in html
    assert f"/staf/kasir/kwitansi/{deposit.pk}/a4.pdf" in html
    assert f"/staf/kasir/kwitansi/{deposit.pk}/58mm.pdf" in html
    assert "menunggu segel" in html
