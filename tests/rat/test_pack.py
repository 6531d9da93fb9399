"""The RAT pack (PDF) and the ODS export (Excel) of a book year with a final SHU run."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from tenants.rat import figures
from tenants.rat.figures import year_figures
from tenants.rat.ods import COLUMNS
from tenants.shu.services import shu_run_final
from tests.factories import user_make
from tests.memberweb.conftest import pdf_text
from tests.shu.conftest import YEAR, D, meeting_make, split_make
from tests.shu.conftest import books as books
from tests.shu.conftest import domain_case as domain_case
from tests.shu.conftest import shuuji as shuuji


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the pack's text in English (the msgids); the catalog would give
    Indonesian, the site's default."""
    with translation.override("en"):
        yield


@pytest.fixture
def year_done(domain_case, shuuji):
    shu_run_final(actor=None, year=YEAR, split=split_make())
    meeting = meeting_make("RAT Tahun Buku 2025")
    from tenants.rat.services import rat_attendance_record

    for member in domain_case.values():
        rat_attendance_record(actor=None, meeting=meeting, member_number=member.member_number)
    board = user_make("pack-board", roles={shuuji: ["pengurus"]})
    connection.set_tenant(shuuji)
    return meeting, board


def client(client_for, cooperative, user):
    made = client_for(cooperative, user)
    made.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return made


def test_year_figures(year_done):
    meeting, _board = year_done
    found = year_figures(meeting)
    assert found.members.total == 2 and found.members.male == 2
    assert found.income.shu == D(60000000)
    assert found.business_total == D(75000000)
    assert found.savings["pokok"] == D(600000)
    assert found.shu is not None and found.shu.jasa_usaha_paid == D(15000000)
    assert "Final distribution" in found.shu_note
    ratios = {r.name: r for r in found.ratios}
    efficiency = ratios["Efficiency"]
    assert (efficiency.numerator, efficiency.denominator, efficiency.value) == (
        D(40000000),
        D(100000000),
        D("40.00"),
    )


def test_the_rat_pack_pdf(year_done, shuuji, client_for):
    meeting, board = year_done
    response = client(client_for, shuuji, board).get(f"/staf/rat/{meeting.pk}/paket.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Annual members' meeting (RAT) for the book year 2025",
        "The board's accountability figures",
        "Balance sheet (Neraca)",
        "Income statement (Perhitungan Hasil Usaha)",
        "Cash flow statement (Laporan Arus Kas)",
        "Statement of changes in equity (Laporan Perubahan Ekuitas)",
        "Notes to the financial statements (CALK)",
        "SHU distribution",
        "Rp 60.000.000",
        "Loan portfolio quality",
        "Health ratios",
    ):
        assert expected in text, expected
    if figures.portfolio_report is not None:
        assert "PAR 30" in text


def test_the_pack_leaves_the_portfolio_out_without_the_loans_report(
    year_done, shuuji, client_for, monkeypatch
):
    monkeypatch.setattr(figures, "portfolio_report", None)
    meeting, board = year_done
    response = client(client_for, shuuji, board).get(f"/staf/rat/{meeting.pk}/paket.pdf")
    text = pdf_text(response.content)
    assert "offers no portfolio report; this section is left out" in text
    assert "PAR 30" not in text


def test_the_ods_export(year_done, shuuji, client_for):
    meeting, board = year_done
    response = client(client_for, shuuji, board).get(f"/staf/rat/{meeting.pk}/ods.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["Data RAT"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.header for c in COLUMNS]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert row["Tahun Buku"] == 2025
    assert row["Jumlah Anggota"] == 2 and row["Jumlah Anggota Pria"] == 2
    assert row["Jumlah Peserta RAT"] == 2
    assert row["SHU"] == 60000000
    assert row["Volume Usaha"] == 100000000
    assert row["Nama Koperasi"] == shuuji.name
    sources = {r[0]: r[1] for r in workbook["Sumber"].iter_rows(min_row=2, values_only=True)}
    assert set(sources) == set(headers)
