"""A member's savings statement, from deposits and withdrawals made through the services."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from tenants.ledger.periods import business_today
from tenants.reports.statements import ReportError, member_statement
from tenants.savings.services import savings_deposit, savings_withdraw
from tests.reports.conftest import D
from tests.savings.conftest import account_make, member_make


@pytest.fixture
def saver(books):
    member = member_make()
    sukarela = account_make("sukarela", member)
    savings_deposit(actor=None, account=sukarela, amount=D(500000), idempotency_key="ms-1")
    savings_deposit(actor=None, account=sukarela, amount=D(250000), idempotency_key="ms-2")
    savings_withdraw(actor=None, account=sukarela, amount=D(100000), idempotency_key="ms-3")
    return member


def test_statement_per_product(saver):
    today = business_today()
    report = member_statement(member_number=saver.member_number, date_from=today, date_to=today)
    [sukarela] = report.products
    assert (sukarela.opening, sukarela.deposits, sukarela.withdrawals, sukarela.closing) == (
        D(0),
        D(750000),
        D(100000),
        D(650000),
    )
    running = [row.cells[4] for row in report.table.rows if row.style == ""]
    assert running == [D(500000), D(750000), D(650000)]


def test_everything_before_the_range_is_the_opening(saver):
    tomorrow = business_today() + timedelta(days=1)
    report = member_statement(
        member_number=saver.member_number, date_from=tomorrow, date_to=tomorrow
    )
    [sukarela] = report.products
    assert (sukarela.opening, sukarela.deposits, sukarela.closing) == (D(650000), D(0), D(650000))


def test_unknown_member(books):
    with pytest.raises(ReportError):
        member_statement(
            member_number="0000000", date_from=business_today(), date_to=business_today()
        )


def test_member_statement_page_and_excel(saver, lapor, client_for, lapor_staff):
    client = client_for(lapor, lapor_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    today = business_today().isoformat()
    query = {"member": saver.member_number, "date_from": today, "date_to": today}
    page = client.get("/staf/laporan/anggota/", query)
    assert page.status_code == 200
    assert "Rp 650.000" in page.content.decode()
    book = client.get("/staf/laporan/anggota/", {**query, "format": "xlsx"})
    sheet = load_workbook(BytesIO(book.content)).active
    assert sheet is not None
    assert [row[4] for row in sheet.iter_rows(min_row=5, values_only=True)][-1] == 650000


def test_wajib_arrears_list(books):
    from tenants.reports.statements import arrears_list
    from tests.savings.conftest import product

    # given a member who joined in January 2024 and paid one month of wajib
    member = member_make()
    wajib = account_make("wajib", member)
    monthly = product("wajib").amount
    assert monthly is not None
    savings_deposit(actor=None, account=wajib, amount=monthly, idempotency_key="ms-w1")
    today = business_today()
    months_due = today.year * 12 + today.month - (2024 * 12 + 1) + 1
    # when
    report = arrears_list(as_of=today)
    # then
    [row] = [r for r in report.rows if r.member_number == member.member_number]
    assert row.amount_due == monthly * months_due
    assert row.paid == monthly
    assert row.amount == monthly * (months_due - 1)
    assert row.months == months_due - 1
    assert report.total == sum((r.amount for r in report.rows), D(0))
    assert report.table.rows[-1].cells[5] == report.total
