"""A member's savings statement, from deposits and withdrawals made through the services."""

from __future__ import annotations

from datetime import date, timedelta
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


# Every movement: deposits, a posted jasa month, a time deposit broken early ----------


@pytest.fixture
def history(books):
    from tests.memberweb.conftest import history_make
    from tests.memberweb.conftest import member_make as member_with_login_make

    return history_make(member_with_login_make(), member_with_login_make())


def test_statement_lists_jasa_and_time_deposits_and_reconciles(history):
    from tenants.models import SavingsAccount

    member = history.sukarela.member
    today = business_today()
    # when: everything from before the first deposit to today
    report = member_statement(
        member_number=member.member_number, date_from=date(2025, 1, 1), date_to=today
    )
    # then: each product closes on its accounts' balance
    balances: dict[str, D] = {}
    for account in SavingsAccount.objects.filter(member=member).select_related("product"):
        balances[account.product.name] = balances.get(account.product.name, D(0)) + account.balance
    assert {p.product: p.closing for p in report.products} == balances
    for p in report.products:
        assert p.closing == p.opening + p.deposits - p.withdrawals
    lines = [
        (row.cells[1], row.cells[2], row.cells[3], row.cells[4])
        for row in report.table.rows
        if row.style == ""
    ]
    assert lines == [
        (lines[0][0], D(2000000), None, D(2000000)),
        (lines[1][0], None, D(2000000), D(0)),
        ("Deposit", D(1000000), None, D(1000000)),
        ("Deposit", D(500000), None, D(1500000)),
        ("Jasa on simpanan sukarela 06/2025", D(3287), None, D(1503287)),
        ("Withdrawal", None, D(200000), D(1303287)),
        (
            "Simpanan Berjangka 3 Bulan paid out into simpanan sukarela",
            D(1980000),
            None,
            D(3283287),
        ),
        ("Deposit", D(25000), None, D(25000)),
    ]
    assert lines[0][0].startswith("Simpanan Berjangka 3 Bulan placed: 6.00% a year")
    assert lines[1][0] == (
        "Simpanan Berjangka 3 Bulan broken before maturity, penalty Rp 20.000; "
        "Rp 1.980.000 paid to simpanan sukarela"
    )


def test_statement_pdf_and_page_show_the_jasa_and_the_time_deposit(
    history, lapor, client_for, lapor_staff
):
    from tests.memberweb.conftest import pdf_text

    number = history.sukarela.member.member_number
    client = client_for(lapor, lapor_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = {
        "member": number,
        "date_from": "2025-06-01",
        "date_to": business_today().isoformat(),
    }

    page = client.get("/staf/laporan/anggota/", query).content.decode()
    text = pdf_text(client.get("/staf/laporan/anggota/", {**query, "format": "pdf"}).content)

    for found in (page, text):
        assert "Jasa on simpanan sukarela 06/2025" in found
        assert "penalty Rp 20.000" in found
        assert "Rp 3.283.287" in found
        assert "Rp 700.000" not in found and "Rp 1.726" not in found
