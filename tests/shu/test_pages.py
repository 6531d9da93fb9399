"""SHU pages: the board's (split, simulation, final run, distribution and its Excel) and the
member's statement (page and PDF); happy paths and permission failures."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import load_workbook

from tenants.memberweb.services import member_user_ensure
from tenants.models import ShuRun, ShuSplitVersion
from tenants.shu.calculation import shu_simulate
from tenants.shu.services import shu_run_final
from tests.factories import PASSWORD, user_make
from tests.memberweb.conftest import pdf_text
from tests.shu.conftest import YEAR, account, split_make

TIMES, DIVIDE = "\u00d7", "\u00f7"

BASE = "/staf/shu/"


@pytest.fixture
def english(client_for):
    def make(cooperative, user=None):
        client = client_for(cooperative, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def board(shuuji):
    return user_make("shu-board", roles={shuuji: ["pengurus"]})


@pytest.fixture
def teller(shuuji):
    return user_make("shu-teller", roles={shuuji: ["kasir"]})


@pytest.fixture
def member_user(shuuji):
    return user_make("shu-member", roles={shuuji: ["anggota"]})


def simulate_query(split: ShuSplitVersion, **extra: Any) -> dict[str, Any]:
    return {
        "year": YEAR,
        "split": split.pk,
        "capital_basis": "year_end",
        "payout": "sukarela",
        "non_member_income": "0",
        **extra,
    }


def test_anonymous_is_sent_to_login(shuuji, english):
    response = english(shuuji).get(BASE)
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_a_member_only_user_is_refused_the_staff_pages(shuuji, english, member_user):
    client = english(shuuji, member_user)
    assert client.get(BASE).status_code == 403
    assert client.get(BASE + "simulasi/", {"year": YEAR}).status_code == 403
    assert client.post(BASE + "final/", {}).status_code == 403


def test_a_teller_reads_but_cannot_decide(domain_case, shuuji, english, teller):
    split = split_make()
    client = english(shuuji, teller)
    assert client.get(BASE).status_code == 200
    response = client.get(BASE + "simulasi/", simulate_query(split))
    assert response.status_code == 200
    assert 'id="final-run"' not in response.content.decode()
    assert client.get(BASE + "pembagian/baru/").status_code == 403
    digest = shu_simulate(year=YEAR, split=split).digest
    response = client.post(BASE + "final/", {**simulate_query(split), "digest": digest})
    assert response.status_code == 403
    connection.set_tenant(shuuji)
    assert not ShuRun.objects.exists()


def test_the_board_saves_a_split_and_a_bad_one_is_refused(books, shuuji, english, board):
    client = english(shuuji, board)
    good = {
        "reserves_percent": "40",
        "jasa_usaha_percent": "25",
        "jasa_modal_percent": "20",
        "board_percent": "5",
        "staff_percent": "5",
        "education_percent": "2.5",
        "social_percent": "2.5",
        "other_percent": "0",
        "other_label": "",
        "note": "AD/ART 2024",
    }
    response = client.post(BASE + "pembagian/baru/", good)
    assert response.status_code == 302
    connection.set_tenant(shuuji)
    assert ShuSplitVersion.objects.filter(note="AD/ART 2024").count() == 1
    response = client.post(BASE + "pembagian/baru/", {**good, "reserves_percent": "45"})
    assert response.status_code == 400
    assert "add up to 105.00%, not 100%" in response.content.decode()
    connection.set_tenant(shuuji)
    assert ShuSplitVersion.objects.count() == 1


def test_simulation_page_and_its_excel(domain_case, shuuji, english, board):
    split = split_make()
    client = english(shuuji, board)
    response = client.get(BASE + "simulasi/", simulate_query(split))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rp 60.000.000" in page and "Rp 1.240.000" in page
    assert 'id="final-run"' in page  # the board may run it: the split is approved
    digest = shu_simulate(year=YEAR, split=split).digest
    assert f'name="digest" value="{digest}"' in page
    assert f'name="split" value="{split.pk}"' in page
    response = client.get(BASE + "simulasi/", {**simulate_query(split), "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    rows = list(workbook["Anggota"].iter_rows(min_row=2, values_only=True))
    by_name = {row[1]: row for row in rows if row[0]}
    assert by_name["Ani"][4:9] == (5000000, 2000000, 1000000, 240000, 1240000)
    summary = {
        row[0]: row[3] for row in workbook["Ringkasan"].iter_rows(min_row=6, values_only=True)
    }
    assert summary["SHU (income - expenses)"] == 60000000


def test_simulating_an_open_year_shows_the_reason(books, shuuji, english, board):
    split = split_make()
    response = english(shuuji, board).get(BASE + "simulasi/", simulate_query(split))
    assert response.status_code == 400
    assert "is not closed" in response.content.decode()


def test_the_board_makes_the_final_run_once(domain_case, shuuji, english, board):
    account(domain_case["a"], "sukarela")
    split = split_make()
    digest = shu_simulate(year=YEAR, split=split).digest
    client = english(shuuji, board)
    response = client.post(BASE + "final/", {**simulate_query(split), "digest": digest})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{YEAR}/"
    page = client.get(response["Location"]).content.decode()
    assert "Rp 1.240.000" in page
    xlsx = client.get(f"{BASE}{YEAR}/", {"format": "xlsx"})
    assert load_workbook(BytesIO(xlsx.content))["Anggota"].max_row == 4  # header, 2, total
    again = client.post(BASE + "final/", {**simulate_query(split), "digest": digest})
    assert again.status_code == 400
    assert "already been distributed" in again.content.decode()
    connection.set_tenant(shuuji)
    assert ShuRun.objects.count() == 1


def test_a_stale_simulation_is_refused(domain_case, shuuji, english, board):
    split = split_make()
    response = english(shuuji, board).post(
        BASE + "final/", {**simulate_query(split), "digest": "0" * 64}
    )
    assert response.status_code == 400
    assert "changed since the simulation" in response.content.decode()
    connection.set_tenant(shuuji)
    assert not ShuRun.objects.exists()


@pytest.fixture
def distributed(domain_case, shuuji):
    a = domain_case["a"]
    user = member_user_ensure(member=a, cooperative=shuuji, password=PASSWORD)
    account(a, "sukarela")
    shu_run_final(actor=None, year=YEAR, split=split_make())
    connection.set_tenant(shuuji)
    return a, user


def test_the_member_reads_their_statement_with_every_input(distributed, shuuji, english):
    _member, user = distributed
    client = english(shuuji, user)
    listing = client.get("/anggota/shu/")
    assert listing.status_code == 200
    assert f"/anggota/shu/{YEAR}/" in listing.content.decode()
    response = client.get(f"/anggota/shu/{YEAR}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Rp 15.000.000 (pool) {TIMES} Rp 5.000.000 (your business) {DIVIDE} Rp 75.000.000 "
        "(all members&#x27; business) = Rp 1.000.000"
    ) in page
    assert (
        f"Rp 12.000.000 (pool) {TIMES} Rp 2.000.000 (your pokok + wajib) {DIVIDE} Rp 100.000.000 "
        "(all members&#x27; pokok + wajib) = Rp 240.000"
    ) in page
    assert "Rp 100.000.000 (income) - Rp 40.000.000 (expenses) = Rp 60.000.000" in page
    assert f"SHU Rp 60.000.000 {TIMES} 25% = Rp 15.000.000" in page
    assert '<strong id="shu-total">Rp 1.240.000</strong>' in page
    assert f"Store purchases (1{TIMES})" in page
    pdf = client.get(f"/anggota/shu/{YEAR}/", {"unduh": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Rp 1.240.000" in text and "Rp 75.000.000" in text


def test_a_year_without_a_share_says_so(distributed, shuuji, english):
    _member, user = distributed
    response = english(shuuji, user).get(f"/anggota/shu/{YEAR - 1}/")
    assert response.status_code == 404
    assert "no SHU share for you" in response.content.decode()


def test_another_member_sees_only_their_own(distributed, shuuji, english):
    connection.set_tenant(shuuji)
    from tests.shu.conftest import member_make

    other = member_make("Orang Lain")
    user = member_user_ensure(member=other, cooperative=shuuji, password=PASSWORD)
    response = english(shuuji, user).get(f"/anggota/shu/{YEAR}/")
    assert response.status_code == 404  # Ani's share is not theirs to read


def test_staff_without_the_member_role_cannot_open_member_pages(
    distributed, shuuji, english, board
):
    assert english(shuuji, board).get(f"/anggota/shu/{YEAR}/").status_code == 403
