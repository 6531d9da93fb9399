"""The RAT result in the shape the ministry's Online Data System (ODS) asks for, as an
Excel workbook: one row of "Data RAT" (the columns below, in this order) and a sheet that
says where each column comes from. docs/rat.md lists the same columns and sources."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from identity.models import CooperativeRole
from openpyxl import Workbook
from openpyxl.styles import Font

from tenants.models import RatMeeting, SavingsKind
from tenants.rat import selectors
from tenants.rat.figures import YearFigures, year_figures
from tenants.reports.excel import RUPIAH_FORMAT

Value = str | int | Decimal | None


@dataclass(frozen=True)
class Column:
    header: str  # as the ODS form names it
    source: str  # where the value comes from (English, for docs/rat.md and the sheet)
    value: Callable[[Any, RatMeeting, YearFigures], Value]
    money: bool = False


def _roles(cooperative: Any, role: str) -> int:
    if cooperative is None:
        return 0
    return CooperativeRole.objects.filter(cooperative_id=cooperative.pk, role=role).count()


def _quorum(meeting: RatMeeting) -> selectors.Quorum:
    return selectors.quorum(meeting)


COLUMNS: list[Column] = [
    Column("Nama Koperasi", "registry: the cooperative's name", lambda c, m, f: c.name),
    Column(
        "Nomor Badan Hukum",
        "registry: legal entity number",
        lambda c, m, f: c.legal_entity_number,
    ),
    Column(
        "Nomor Induk Koperasi (NIK)",
        "not kept by the platform yet: left empty for the board to fill in",
        lambda c, m, f: None,
    ),
    Column("Jenis Koperasi", "registry: kind of cooperative", lambda c, m, f: c.get_kind_display()),
    Column("Desa/Kelurahan", "registry: address", lambda c, m, f: c.desa),
    Column("Kecamatan", "registry: address", lambda c, m, f: c.kecamatan),
    Column("Kabupaten/Kota", "registry: address", lambda c, m, f: c.kabupaten),
    Column("Provinsi", "registry: address", lambda c, m, f: c.provinsi),
    Column("Tahun Buku", "the meeting's book year", lambda c, m, f: m.book_year),
    Column(
        "Tanggal RAT",
        "the meeting's date (DD-MM-YYYY)",
        lambda c, m, f: m.held_on.strftime("%d-%m-%Y"),
    ),
    Column(
        "Jumlah Anggota Pria",
        "members on 31 December of the book year (admitted, joined by then, not left by "
        "then), male",
        lambda c, m, f: f.members.male,
    ),
    Column("Jumlah Anggota Wanita", "the same, female", lambda c, m, f: f.members.female),
    Column("Jumlah Anggota", "the same, all", lambda c, m, f: f.members.total),
    Column(
        "Jumlah Anggota Luar Biasa",
        "the same, anggota luar biasa only",
        lambda c, m, f: f.members.associate,
    ),
    Column(
        "Jumlah Peserta RAT",
        "members registered as present at the meeting (card or number)",
        lambda c, m, f: _quorum(m).present,
    ),
    Column(
        "Peserta RAT Berhak Suara",
        "present active anggota biasa (those who count for the quorum and vote)",
        lambda c, m, f: _quorum(m).present_eligible,
    ),
    Column(
        "Jumlah Pengurus", "people with the pengurus role", lambda c, m, f: _roles(c, "pengurus")
    ),
    Column(
        "Jumlah Pengawas", "people with the pengawas role", lambda c, m, f: _roles(c, "pengawas")
    ),
    Column("Jumlah Manajer", "people with the manajer role", lambda c, m, f: _roles(c, "manajer")),
    Column("Jumlah Karyawan", "people with the kasir role", lambda c, m, f: _roles(c, "kasir")),
    Column(
        "Simpanan Pokok",
        "savings rows: pokok balance on 31 December",
        lambda c, m, f: f.savings[SavingsKind.POKOK],
        money=True,
    ),
    Column(
        "Simpanan Wajib",
        "savings rows: wajib balance on 31 December",
        lambda c, m, f: f.savings[SavingsKind.WAJIB],
        money=True,
    ),
    Column(
        "Modal Sendiri",
        "balance sheet on 31 December: total equity (with the year's SHU)",
        lambda c, m, f: f.balance.total_equity,
        money=True,
    ),
    Column(
        "Modal Luar",
        "balance sheet on 31 December: total liabilities",
        lambda c, m, f: f.balance.total_liabilities,
        money=True,
    ),
    Column(
        "Aset",
        "balance sheet on 31 December: total assets",
        lambda c, m, f: f.balance.total_assets,
        money=True,
    ),
    Column(
        "Volume Usaha",
        "income statement of the book year: total income (pendapatan)",
        lambda c, m, f: f.income.total_income,
        money=True,
    ),
    Column(
        "Biaya",
        "income statement of the book year: total expenses",
        lambda c, m, f: f.income.total_expenses,
        money=True,
    ),
    Column(
        "SHU",
        "income statement of the book year: income - expenses",
        lambda c, m, f: f.income.shu,
        money=True,
    ),
    Column(
        "Pinjaman Anggota",
        "balance sheet on 31 December: loans to members (1103)",
        lambda c, m, f: f.account("1103"),
        money=True,
    ),
    Column(
        "Simpanan Sukarela",
        "savings rows: sukarela balance on 31 December",
        lambda c, m, f: f.savings[SavingsKind.SUKARELA],
        money=True,
    ),
    Column(
        "Simpanan Berjangka",
        "savings rows: time deposits on 31 December",
        lambda c, m, f: f.savings[SavingsKind.BERJANGKA],
        money=True,
    ),
]


def ods_row(*, cooperative: Any, meeting: RatMeeting) -> list[Value]:
    figures = year_figures(meeting)
    return [column.value(cooperative, meeting, figures) for column in COLUMNS]


def ods_xlsx(*, cooperative: Any, meeting: RatMeeting) -> bytes:
    values = ods_row(cooperative=cooperative, meeting=meeting)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data RAT"
    for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = Font(bold=True)
        cell = sheet.cell(row=2, column=index, value=value)
        if column.money:
            cell.number_format = RUPIAH_FORMAT
        sheet.column_dimensions[header.column_letter].width = max(14, len(column.header) + 2)
    sources = workbook.create_sheet("Sumber")
    sources.append(["Kolom", "Sumber"])
    for cell in sources[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sources.append([column.header, column.source])
    sources.column_dimensions["A"].width = 28
    sources.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
