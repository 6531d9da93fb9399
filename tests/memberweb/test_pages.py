"""The member's pages: exact numbers, proofs, the PDF, and nobody else's data."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from notary.services import root_publish

from tenants.ledger.chain import chain_seal_pending, day_leaves
from tenants.ledger.hashing import merkle_root
from tenants.ledger.periods import business_today
from tenants.memberweb import selectors
from tenants.models import Member
from tests.memberweb.conftest import account_open, deposit, member_make, wib

PAGES = ["/anggota/", "/anggota/riwayat/", "/anggota/tunggakan-wajib/", "/anggota/jasa/"]


def _jasa_month(member: Member) -> None:
    """Rp 1.000.000 from May; Rp 500.000 more on 11 June 2025: 10 days then 20 days."""
    sukarela = account_open(member, "sukarela")
    deposit(sukarela, "1000000", wib(date(2025, 5, 20)))
    deposit(sukarela, "500000", wib(date(2025, 6, 11), hour=8))


def test_jasa_lines_and_total_by_hand(mweb, linked):
    member, _user = linked
    with tenant_context(mweb):
        _jasa_month(member)
        breakdown = selectors.jasa_breakdown(member, 2025, 6)

    assert breakdown is not None and breakdown.rate_percent == Decimal("3.00")
    lines = [(ln.first_day, ln.last_day, ln.days, ln.balance) for ln in breakdown.lines]
    assert lines == [
        (date(2025, 6, 1), date(2025, 6, 10), 10, Decimal("1000000.00")),
        (date(2025, 6, 11), date(2025, 6, 30), 20, Decimal("1500000.00")),
    ]
    # 1.000.000 x 10 x 3% / 365 = 300.000 / 365 = 821,9178...
    # 1.500.000 x 20 x 3% / 365 = 900.000 / 365 = 2.465,7534...
    assert breakdown.lines[0].jasa.quantize(Decimal("0.0001")) == Decimal("821.9178")
    assert breakdown.lines[1].jasa.quantize(Decimal("0.0001")) == Decimal("2465.7534")
    # 1.200.000 / 365 = 3.287,67...: rounded down only at the total
    assert breakdown.exact_total.quantize(Decimal("0.0001")) == Decimal("3287.6712")
    assert breakdown.total == Decimal("3287")


def test_jasa_page_shows_the_lines_and_the_total(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        _jasa_month(member)

    html = member_client().get("/anggota/jasa/?bulan=2025-06").content.decode()

    assert html.count('class="jasa-line"') == 2
    x = "\N{MULTIPLICATION SIGN}"
    assert f"Rp 1.000.000 {x} 10 {x} 3.00% ÷ 365 = 821.9178" in html
    assert f"Rp 1.500.000 {x} 20 {x} 3.00% ÷ 365 = 2465.7534" in html
    assert re.search(r'id="jasa-total">Rp 3\.287<', html)


def test_arrears_by_hand(mweb, linked):
    member, _user = linked  # joined 10 January 2025
    with tenant_context(mweb):
        wajib = account_open(member, "wajib")
        deposit(wajib, "50000")
        found = selectors.wajib_arrears(member, today=date(2025, 6, 20))
    # January..June = 6 months x Rp 25.000 = Rp 150.000 due; Rp 50.000 paid
    assert found is not None
    assert (found.months_due, found.amount_due, found.paid) == (
        6,
        Decimal("150000"),
        Decimal("50000"),
    )
    assert (found.arrears, found.months_behind) == (Decimal("100000"), 4)


def test_arrears_page_counts_months_in_jakarta(mweb, member_client, linked):
    today = business_today()
    month = today.month - 2
    year = today.year if month >= 1 else today.year - 1
    join = date(year, (month - 1) % 12 + 1, 28)  # three months counted: join, next, this
    member, _user = linked
    with tenant_context(mweb):
        Member.objects.filter(pk=member.pk).update(join_date=join)
        deposit(account_open(member, "wajib"), "25000")

    html = member_client().get("/anggota/tunggakan-wajib/").content.decode()

    assert 'id="months-due">3<' in html
    assert 'id="amount-due">Rp 75.000<' in html
    assert 'id="arrears">Rp 50.000<' in html


def test_home_shows_every_balance_in_a_small_page(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        deposit(account_open(member, "sukarela"), "1250000")
        deposit(account_open(member, "wajib"), "75000")

    response = member_client().get("/anggota/")

    html = response.content.decode()
    assert response.status_code == 200 and len(response.content) < 30_000
    assert '<strong class="big" data-kind="sukarela">Rp 1.250.000</strong>' in html
    assert '<strong class="big" data-kind="wajib">Rp 75.000</strong>' in html
    assert "<script" not in html


def test_history_is_paginated_by_twenty_with_each_entry_s_status(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        account = account_open(member, "sukarela")
        for _i in range(21):
            deposit(account, "10000")
        chain_seal_pending()
        deposit(account, "5000")  # not sealed yet

    client = member_client()
    first = client.get("/anggota/riwayat/").content.decode()
    second = client.get("/anggota/riwayat/?page=2").content.decode()

    assert first.count("<tr><td>") == 20 and second.count("<tr><td>") == 2
    assert "1/2" in first
    assert first.count("waiting for seal") == 1
    assert first.count("sealed, waiting for the day") == 19
    assert len(first.encode()) < 30_000


def _publish_today(mweb) -> None:
    with tenant_context(mweb):
        chain_seal_pending()
        leaves = [digest for _seq, digest in day_leaves(business_today())]
    connection.set_schema_to_public()
    root_publish(
        cooperative=mweb,
        day=business_today(),
        entries_count=len(leaves),
        merkle_root=merkle_root(leaves),
    )


def test_published_entry_links_to_a_proof_verified_on_the_server(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        account = account_open(member, "sukarela")
        rows = [deposit(account, "20000") for _i in range(3)]
    _publish_today(mweb)
    client = member_client()

    history = client.get("/anggota/riwayat/").content.decode()
    entry_id = rows[1].journal_entry_id
    assert f'href="/anggota/bukti/{entry_id}/"' in history
    page = client.get(f"/anggota/bukti/{entry_id}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Verified: this transaction is in the root published" in html
    with tenant_context(mweb):
        entry = rows[1].journal_entry
        entry.refresh_from_db()
        assert entry.entry_hash in html
    assert html.count("<li>left ") + html.count("<li>right ") >= 1


def test_statement_pdf_is_a_pdf(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        _jasa_month(member)

    response = member_client().get("/anggota/laporan/?bulan=2025-06&unduh=1")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    with tenant_context(mweb):
        (item,) = selectors.member_statement(member, 2025, 6)
    assert (item.opening, item.closing, len(item.movements)) == (
        Decimal("1000000.00"),
        Decimal("1500000.00"),
        1,
    )


def test_another_member_s_entry_is_not_found(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        other = member_make()
        theirs = deposit(account_open(other, "sukarela"), "700000")
        mine = deposit(account_open(member, "sukarela"), "100000")
    _publish_today(mweb)
    client = member_client()

    assert client.get(f"/anggota/bukti/{theirs.journal_entry_id}/").status_code == 404
    assert client.get(f"/anggota/bukti/{mine.journal_entry_id}/").status_code == 200
    assert client.get("/anggota/bukti/999999999/").status_code == 404
    html = client.get("/anggota/riwayat/").content.decode()
    assert "Rp 100.000" in html and "Rp 700.000" not in html


@pytest.mark.parametrize("path", [*PAGES, "/anggota/laporan/", "/anggota/bukti/1/"])
def test_staff_only_users_are_forbidden(mweb, alpha_teller, client_for, path):
    from identity.models import CooperativeRole

    CooperativeRole.objects.create(user=alpha_teller, cooperative=mweb, role="kasir")
    assert client_for(mweb, alpha_teller).get(path).status_code == 403
    assert client_for(mweb).get(path).status_code == 302
