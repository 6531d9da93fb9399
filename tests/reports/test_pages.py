"""The statement pages: guard, HTML, PDF and Excel built from the same numbers."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import load_workbook

from tests.reports.conftest import D

RANGE = {"date_from": "2026-01-01", "date_to": "2026-03-31"}
BASE = "/staf/laporan/"


@pytest.fixture
def staff_client(entries, client_for, lapor_staff):
    client = client_for(entries, lapor_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_anonymous_is_sent_to_login(lapor, client_for):
    response = client_for(lapor).get(BASE + "neraca/")
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_member_only_is_refused(lapor, client_for, lapor_member):
    client = client_for(lapor, lapor_member)
    assert client.get(BASE).status_code == 403
    assert client.get(BASE + "neraca/", {"format": "pdf"}).status_code == 403


def test_index_lists_every_statement(staff_client):
    response = staff_client.get(BASE)
    assert response.status_code == 200
    page = response.content.decode()
    for slug in (
        "neraca",
        "phu",
        "arus-kas",
        "ekuitas",
        "neraca-saldo",
        "buku-besar",
        "anggota",
        "tunggakan",
    ):
        assert f'action="{BASE}{slug}/"' in page
    assert 'type="date"' in page


def test_balance_sheet_page_shows_rupiah(staff_client):
    response = staff_client.get(BASE + "neraca/", {"date_to": "2026-03-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Balance sheet" in page
    assert "Rp 13.000.000" in page
    assert "-Rp 50.000" in page


@pytest.mark.parametrize(
    "slug", ["neraca", "phu", "arus-kas", "ekuitas", "neraca-saldo", "tunggakan"]
)
def test_pdf(staff_client, slug):
    response = staff_client.get(BASE + f"{slug}/", {**RANGE, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _numbers(content: bytes) -> list[Decimal]:
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    found = []
    for row in sheet.iter_rows(min_row=5, values_only=True):
        found += [Decimal(str(v)) for v in row if isinstance(v, int | float)]
    return found


@pytest.mark.parametrize(
    "slug", ["neraca", "phu", "arus-kas", "ekuitas", "neraca-saldo", "tunggakan"]
)
def test_excel_numbers_equal_the_screen(staff_client, slug):
    from money.rupiah import format_rupiah

    page = staff_client.get(BASE + f"{slug}/", RANGE).content.decode()
    response = staff_client.get(BASE + f"{slug}/", {**RANGE, "format": "xlsx"})
    assert response.status_code == 200
    numbers = _numbers(response.content)
    assert numbers
    screen = [
        cell.split("<", 1)[0]
        for cell in page.split('<td class="num">')[1:]
        if cell.split("<", 1)[0]
    ]
    assert [format_rupiah(n) for n in numbers] == screen


def test_excel_balance_sheet_cells_are_rupiah_numbers(staff_client):
    response = staff_client.get(BASE + "neraca/", {"date_to": "2026-03-31", "format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    totals = {
        row[1].value: row[2] for row in sheet.iter_rows(min_row=5) if row[1].value is not None
    }
    cell = totals["Total assets"]
    assert cell.value == 13000000
    assert "Rp" in cell.number_format
    assert totals["Total liabilities and equity"].value == 13000000


def test_general_ledger_page(staff_client):
    response = staff_client.get(BASE + "buku-besar/", {**RANGE, "account": "1102"})
    assert response.status_code == 200
    assert "Rp 2.500.000" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-01"},
        {"date_from": "2026-04-01", "date_to": "2026-03-01"},
    ],
)
def test_bad_dates_are_a_400(staff_client, query):
    response = staff_client.get(BASE + "phu/", query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_unknown_statement_is_404(staff_client):
    assert staff_client.get(BASE + "nope/").status_code == 404


def test_beta_never_in_alpha_pages(alpha, beta, client_for, alpha_board):
    from datetime import date

    from tenants.ledger.posting import journal_post

    connection.set_tenant(beta)
    journal_post(
        actor=None,
        entry_date=date(2026, 2, 2),
        description="Beta only",
        lines=[("1304", D(777000), D(0), ""), ("3104", D(0), D(777000), "")],
        idempotency_key="beta-only-pages",
    )
    connection.set_schema_to_public()
    client = client_for(alpha, alpha_board)
    page = client.get(BASE + "neraca-saldo/", RANGE).content.decode()
    assert "Kendaraan" not in page
    assert "Rp 777.000" not in page
