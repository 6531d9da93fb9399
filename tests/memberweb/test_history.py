"""Every movement of a member's money on their pages, statement (screen and PDF) and API:
deposits and withdrawals, the monthly jasa on sukarela, a time deposit placed and broken
early into sukarela; each with the right running balance of its product, and never
another member's line."""

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
from tenants.models import SavingsAccount
from tests.memberweb.conftest import (
    JASA_JUNE,
    PENALTY,
    PRINCIPAL,
    THEIR_JASA_JUNE,
    D,
    History,
    history_make,
    member_make,
    pdf_text,
)

API = "/api/anggota/"
PAYOUT = PRINCIPAL - PENALTY  # 1.980.000


def _expected(today: date) -> list[tuple[date, str, str, Decimal, Decimal]]:
    """(day, kind, product, amount, the product's balance after), oldest first."""
    first = today.replace(day=1)
    return [
        (date(2025, 5, 20), "deposit", "wajib", D(25000), D(25000)),
        (date(2025, 5, 20), "deposit", "sukarela", D(1000000), D(1000000)),
        (date(2025, 6, 11), "deposit", "sukarela", D(500000), D(1500000)),
        (date(2025, 6, 30), "jasa", "sukarela", JASA_JUNE, D(1503287)),
        (date(2025, 7, 5), "withdrawal", "sukarela", D(-200000), D(1303287)),
        (first, "term_deposit_placed", "berjangka-3", PRINCIPAL, PRINCIPAL),
        (today, "term_deposit_broken", "berjangka-3", -PRINCIPAL, D(0)),
        (today, "term_deposit_payout", "sukarela", PAYOUT, D(3283287)),
    ]


@pytest.fixture
def history(mweb, linked) -> History:
    member, _user = linked
    with tenant_context(mweb):
        return history_make(member, member_make())


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


def test_movements_merge_every_source_with_running_balances(mweb, linked, history):
    member, _user = linked
    with tenant_context(mweb):
        movements = selectors.member_movements(member)
        balances = {
            a.product.code: a.balance
            for a in SavingsAccount.objects.filter(member=member).select_related("product")
        }

    found = [(m.day, m.kind, m.product_code, m.amount, m.balance) for m in reversed(movements)]
    assert found == _expected(business_today())
    # the last balance of each product is its account's balance
    last = {m.product_code: m.balance for m in reversed(movements)}
    assert (
        last
        == balances
        == {
            "sukarela": D(3283287),
            "wajib": D(25000),
            "berjangka-3": D(0),
        }
    )
    jasa = next(m for m in movements if m.kind == "jasa")
    assert (jasa.entry_id, jasa.jasa_period) == (history.run.journal_entry_id, "2025-06")
    assert jasa.description == "Jasa on simpanan sukarela 06/2025"
    term = {m.kind: m for m in movements if m.product_code == "berjangka-3"}
    assert term["term_deposit_placed"].entry_id == history.term_deposit.open_entry_id
    assert term["term_deposit_broken"].entry_id == history.term_deposit.payout_entry_id
    assert "penalty Rp 20.000" in term["term_deposit_broken"].description
    assert all(m.entry_id is not None for m in movements)


def test_history_page_shows_every_line_and_links_the_proofs(mweb, history, member_client):
    _publish_today(mweb)

    html = member_client().get("/anggota/riwayat/").content.decode()

    assert html.count("<tr><td>") == 8
    assert "Jasa on simpanan sukarela 06/2025" in html
    assert 'href="/anggota/jasa/?bulan=2025-06"' in html
    assert re.search(r"Simpanan Berjangka 3 Bulan placed: 6.00% a year, matures on", html)
    assert (
        "Simpanan Berjangka 3 Bulan broken before maturity, penalty Rp 20.000; "
        "Rp 1.980.000 paid to simpanan sukarela" in html
    )
    assert "Simpanan Berjangka 3 Bulan paid out into simpanan sukarela" in html
    for amount, balance in [
        ("+Rp 3.287", "Rp 1.503.287"),
        ("-Rp 200.000", "Rp 1.303.287"),
        ("+Rp 1.980.000", "Rp 3.283.287"),
        ("-Rp 2.000.000", "Rp 0"),
    ]:
        assert re.search(
            rf'<td class="num">{re.escape(amount)}</td><td class="num">{re.escape(balance)}</td>',
            html,
        ), amount
    for entry_id in (
        history.run.journal_entry_id,
        history.term_deposit.open_entry_id,
        history.term_deposit.payout_entry_id,
    ):
        assert f'href="/anggota/bukti/{entry_id}/"' in html
    # the other member's deposit, jasa and time deposit
    assert "Rp 700.000" not in html and "Rp 1.726" not in html and "Rp 3.000.000" not in html
    assert "<script" not in html


def test_proofs_of_the_jasa_and_term_deposit_entries_are_the_member_s(mweb, history, member_client):
    _publish_today(mweb)
    client = member_client()

    for entry_id in (history.run.journal_entry_id, history.term_deposit.payout_entry_id):
        page = client.get(f"/anggota/bukti/{entry_id}/")
        assert page.status_code == 200
        assert "Verified: this transaction is in the root published" in page.content.decode()
    assert client.get(f"/anggota/bukti/{history.their_deposit.open_entry_id}/").status_code == 404


def test_statement_page_of_the_jasa_month(mweb, history, member_client):
    html = member_client().get("/anggota/laporan/?bulan=2025-06").content.decode()

    sukarela = html[html.index('data-product="sukarela"') :]
    sukarela = sukarela[: sukarela.index("</section>")]
    assert "Rp 1.000.000" in sukarela  # opening
    assert sukarela.count('class="movement"') == 2  # the deposit and the jasa
    assert "Jasa on simpanan sukarela 06/2025" in sukarela
    assert 'class="num credits">Rp 503.287<' in sukarela
    assert 'class="num big closing">Rp 1.503.287<' in sukarela
    assert "Rp 700.000" not in html and "Rp 1.726" not in html


def test_statement_of_this_month_reconciles_with_the_balances(mweb, linked, history):
    member, _user = linked
    today = business_today()
    with tenant_context(mweb):
        products = {
            p.product_code: p for p in selectors.member_statement(member, today.year, today.month)
        }
        accounts = SavingsAccount.objects.filter(member=member).select_related("product")
        balances = {a.product.code: a.balance for a in accounts}

    for code, item in products.items():
        assert item.closing == item.opening + item.credits - item.debits == balances[code]
        running = item.opening
        for movement in item.movements:
            running += movement.amount
            assert movement.balance == running
    term = products["berjangka-3"]
    assert (term.opening, term.credits, term.debits, term.closing) == (0, PRINCIPAL, PRINCIPAL, 0)
    assert products["sukarela"].credits == PAYOUT


def test_statement_pdf_has_every_line(mweb, history, member_client):
    client = member_client()
    today = business_today()

    june = pdf_text(client.get("/anggota/laporan/?bulan=2025-06&unduh=1").content)
    now = pdf_text(client.get(f"/anggota/laporan/?bulan={today:%Y-%m}&unduh=1").content)

    assert "Jasa on simpanan sukarela 06/2025 +Rp 3.287 Rp 1.503.287" in june
    assert "Closing balance Rp 1.503.287" in june
    assert "Rp 1.726" not in june and "Rp 700.000" not in june
    assert "Simpanan Berjangka 3 Bulan placed: 6.00% a year" in now
    assert "broken before maturity, penalty Rp 20.000; Rp 1.980.000 paid to simpanan" in now
    assert "+Rp 1.980.000 Rp 3.283.287" in now
    assert "-Rp 2.000.000 Rp 0" in now
    assert "Rp 3.000.000" not in now


def test_api_history_and_statement(mweb, history, member_client):
    client = member_client()

    body = client.get(f"{API}riwayat/").json()
    june = client.get(f"{API}laporan/?bulan=2025-06").json()

    assert body["count"] == 8
    rows = body["results"]
    expected = _expected(business_today())[::-1]
    assert [(r["kind"], r["product_code"], r["balance_after"]) for r in rows] == [
        (kind, code, f"{balance:.2f}") for _d, kind, code, _a, balance in expected
    ]
    assert [(r["amount"], r["direction"]) for r in rows] == [
        (f"{abs(a):.2f}", "in" if a > 0 else "out") for _d, _k, _c, a, _b in expected
    ]
    jasa = next(r for r in rows if r["kind"] == "jasa")
    assert jasa["jasa_month"] == "2025-06" and jasa["date"] == "2025-06-30"
    assert jasa["entry_id"] == history.run.journal_entry_id
    assert jasa["verification"] == "pending"
    assert len({r["id"] for r in rows}) == 8
    [sukarela] = [p for p in june["products"] if p["product_code"] == "sukarela"]
    assert (sukarela["opening"], sukarela["closing"]) == ("1000000.00", "1503287.00")
    assert [m["kind"] for m in sukarela["movements"]] == ["deposit", "jasa"]
    assert client.get(f"{API}laporan/?bulan=2025-13").status_code == 400
    text = str(body) + str(june)
    assert "700000" not in text and "1726.00" not in text and "3000000" not in text


def test_the_other_member_sees_only_their_own(mweb, history, client_for):
    from tenants.memberweb.services import member_user_ensure
    from tests.factories import PASSWORD

    with tenant_context(mweb):
        other = history.theirs.member
        user = member_user_ensure(member=other, cooperative=mweb, password=PASSWORD)
    connection.set_schema_to_public()
    client = client_for(mweb, user)

    rows = client.get(f"{API}riwayat/").json()["results"]

    assert [(r["kind"], r["amount"], r["balance_after"]) for r in rows] == [
        ("term_deposit_placed", "3000000.00", "3000000.00"),
        ("jasa", f"{THEIR_JASA_JUNE:.2f}", f"{D(700000) + THEIR_JASA_JUNE:.2f}"),
        ("deposit", "700000.00", "700000.00"),
    ]


def test_jasa_breakdown_of_a_posted_month_is_what_was_credited(mweb, history, member_client):
    html = member_client().get("/anggota/jasa/?bulan=2025-06").content.decode()

    assert re.search(r'id="jasa-total">Rp 3\.287<', html)
    assert html.count('class="jasa-line"') == 2
    assert "Credited to your simpanan sukarela on 30-06-2025." in html


def test_the_next_month_s_jasa_counts_the_jasa_credited(mweb, linked, history):
    member, _user = linked
    with tenant_context(mweb):
        july = selectors.jasa_breakdown(member, 2025, 7)

    assert july is not None and july.posted_on is None
    assert [(ln.first_day, ln.days, ln.balance) for ln in july.lines] == [
        (date(2025, 7, 1), 4, D(1503287)),
        (date(2025, 7, 5), 27, D(1303287)),
    ]


def test_pokok_and_wajib_returned_on_leaving_close_at_zero(mweb, linked):
    from tenants.interest.resignation import resignation_settle
    from tenants.members.services import member_resign
    from tests.memberweb.conftest import account_open, deposit

    member, _user = linked
    with tenant_context(mweb):
        accounts = {code: account_open(member, code) for code in ("pokok", "wajib", "sukarela")}
        deposit(accounts["pokok"], "300000")
        deposit(accounts["wajib"], "75000")
        deposit(accounts["sukarela"], "40000")
        member_resign(actor=None, member=member)
        settlement = resignation_settle(actor=None, member=member, payout_to="sukarela")
        movements = selectors.member_movements(member)

    latest = {(m.product_code, m.kind): (m.amount, m.balance, m.entry_id) for m in movements[:3]}
    assert latest == {
        ("pokok", "resignation_return"): (D(-300000), D(0), settlement.journal_entry_id),
        ("wajib", "resignation_return"): (D(-75000), D(0), settlement.journal_entry_id),
        ("sukarela", "resignation_payout"): (D(375000), D(415000), settlement.journal_entry_id),
    }
