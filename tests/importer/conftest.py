"""Importer fixtures: its own cooperative ("impor"), so only these tests' postings touch
its savings ledger accounts, and a way to write a members file as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from openpyxl import Workbook

from tenants.importer.parse import COLUMNS
from tests.factories import cooperative_ensure
from tests.members.conftest import KK, make_nik

SLUG = "impor"


def member_row(**overrides: str) -> dict[str, str]:
    birth = date(1980, 5, 17)
    row = {
        "member_number": "",
        "full_name": "Siti Aminah",
        "nik": make_nik(birth, "female"),
        "kk_number": KK,
        "birth_place": "Bandung",
        "birth_date": "17/05/1980",
        "sex": "P",
        "street": "Jl. Merdeka 10",
        "rt": "1",
        "rw": "4",
        "desa": "Sukamaju",
        "kecamatan": "Cibeunying",
        "kabupaten": "Kota Bandung",
        "provinsi": "Jawa Barat",
        "postal_code": "40121",
        "phone": "0812 3456 7890",
        "kind": "biasa",
        "join_date": "2024-01-15",
        "pokok": "300000",
        "wajib": "75.000",
        "sukarela": "125000",
    }
    row.update(overrides)
    return row


def as_csv(rows: list[dict[str, str]], delimiter: str = ";") -> bytes:
    lines = [delimiter.join(COLUMNS)]
    lines += [delimiter.join(r[c] for c in COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def as_xlsx(rows: list[dict[str, str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append([r[c] for c in COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def impor(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(impor: Any) -> Iterator[Any]:
    connection.set_tenant(impor)
    yield impor
    connection.set_schema_to_public()


@pytest.fixture
def rows() -> Callable[..., list[dict[str, str]]]:
    def make(count: int = 3) -> list[dict[str, str]]:
        return [member_row(full_name=f"Anggota {i}") for i in range(count)]

    return make
