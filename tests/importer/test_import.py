"""The members import: a clean file writes members and balances; any problem writes
nothing and names the row and column; a dry run writes nothing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from audit.models import AuditEntry
from django.utils import translation
from openpyxl import load_workbook

from tenants.importer.exceptions import ImportFileInvalid
from tenants.importer.export import members_export_xlsx
from tenants.importer.parse import parse_file
from tenants.importer.services import _amount, members_import
from tenants.members.nik import nik_mask
from tenants.members.selectors import member_find_by_nik
from tenants.models import JournalEntry, Member, SavingsAccount, SavingsTransaction
from tenants.savings.selectors import savings_balances_match_ledger
from tests.importer.conftest import as_csv, as_xlsx, member_row
from tests.members.conftest import make_nik

Rows = Callable[..., list[dict[str, str]]]


def counts() -> list[int]:
    return [
        m.objects.count()  # type: ignore[attr-defined]
        for m in (Member, SavingsAccount, SavingsTransaction, JournalEntry, AuditEntry)
    ]


@pytest.mark.parametrize(("name", "encode"), [("a.csv", as_csv), ("a.xlsx", as_xlsx)])
def test_clean_file_imports_members_and_balances(
    books: Any, rows: Rows, name: str, encode: Callable[..., bytes]
) -> None:
    # given
    data = rows(3)
    parsed = parse_file(name, encode(data))
    # when
    report = members_import(actor=None, rows=parsed.rows, dry_run=False, digest=parsed.digest)
    # then
    assert report.ok and report.written and report.rows_ok == 3
    member = member_find_by_nik(data[1]["nik"])
    assert member is not None and member.status == "active"
    assert member.birth_date == date(1980, 5, 17) and member.sex == "female"
    balances = {a.product.code: a.balance for a in SavingsAccount.objects.filter(member=member)}
    assert balances == {
        "pokok": Decimal("300000"),
        "wajib": Decimal("75000"),
        "sukarela": Decimal("125000"),
    }
    assert report.member_numbers[3] == member.member_number
    assert savings_balances_match_ledger()


def test_comma_csv_and_empty_balances(books: Any) -> None:
    data = [member_row(pokok="", wajib="0", sukarela="1500.50", kind="luar_biasa")]
    parsed = parse_file("a.csv", as_csv(data, delimiter=","))
    report = members_import(actor=None, rows=parsed.rows, dry_run=False, digest=parsed.digest)
    assert report.ok, report.problems
    member = member_find_by_nik(data[0]["nik"])
    assert member is not None and member.kind == "luar_biasa"
    assert [(a.product.code, a.balance) for a in SavingsAccount.objects.filter(member=member)] == [
        ("sukarela", Decimal("1500.50"))
    ]
    assert savings_balances_match_ledger()


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("150000", Decimal("150000")),
        ("150.000", Decimal("150000")),
        ("Rp 1.500,50", Decimal("1500.50")),
        ("1500.5", Decimal("1500.5")),
        ("", Decimal(0)),
        ("-5", None),
        ("abc", None),
    ],
)
def test_amount_text(raw: str, amount: Decimal | None) -> None:
    assert _amount(raw) == amount


def test_dry_run_writes_nothing(books: Any, rows: Rows) -> None:
    parsed = parse_file("a.csv", as_csv(rows(3)))
    before = counts()
    report = members_import(actor=None, rows=parsed.rows, dry_run=True, digest=parsed.digest)
    assert report.ok and report.rows_ok == 3 and not report.written
    assert counts() == before
    assert report.member_numbers == {}


@pytest.mark.parametrize(
    ("overrides", "column", "code"),
    [
        ({"nik": "3201011705801234"}, "nik", "nik_sex"),
        ({"nik": "12345"}, "nik", "nik_shape"),
        ({"birth_date": "31/02/1980"}, "birth_date", "date_format"),
        ({"join_date": "kemarin"}, "join_date", "date_format"),
        ({"sex": "X"}, "sex", "sex"),
        ({"kind": "istimewa"}, "kind", "kind"),
        ({"desa": ""}, "desa", "required"),
        ({"kk_number": "123"}, "kk_number", "kk"),
        ({"pokok": "100000"}, "pokok", "pokok_amount"),
        ({"wajib": "abc"}, "wajib", "amount"),
        ({"postal_code": "4012"}, "postal_code", "postal_code"),
    ],
)
@pytest.mark.parametrize(("name", "encode"), [("a.csv", as_csv), ("a.xlsx", as_xlsx)])
def test_one_bad_row_writes_nothing(
    books: Any,
    rows: Rows,
    overrides: dict[str, str],
    column: str,
    code: str,
    name: str,
    encode: Callable[..., bytes],
) -> None:
    # given: row 3 of the file (the header is row 1) is bad
    data = rows(3)
    data[1] = member_row(**overrides)
    parsed = parse_file(name, encode(data))
    before = counts()
    # when
    with translation.override("en"):
        report = members_import(actor=None, rows=parsed.rows, dry_run=False, digest=parsed.digest)
    # then
    assert not report.written and report.rows_ok == 2
    assert [(p.row, p.column, p.code) for p in report.problems] == [(3, column, code)]
    assert report.problems[0].message
    assert counts() == before


def test_duplicate_nik_in_file(books: Any, rows: Rows) -> None:
    data = rows(3)
    data[2]["nik"] = data[0]["nik"]
    parsed = parse_file("a.csv", as_csv(data))
    before = counts()
    report = members_import(actor=None, rows=parsed.rows, dry_run=False, digest=parsed.digest)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (4, "nik", "nik_duplicate_in_file")
    ]
    assert counts() == before


def test_nik_already_registered(books: Any, rows: Rows) -> None:
    data = rows(1)
    first = parse_file("a.csv", as_csv(data))
    assert members_import(actor=None, rows=first.rows, dry_run=False).written
    again = parse_file("b.csv", as_csv([member_row(), data[0]]))
    before = counts()
    report = members_import(actor=None, rows=again.rows, dry_run=False)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(3, "nik", "nik_duplicate")]
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.txt", b"x", "file_type"),
        ("a.xlsx", b"not a workbook", "xlsx"),
        ("a.csv", b"", "empty"),
        ("a.csv", b"full_name;nik\nA;1\n", "columns_missing"),
        ("a.csv", "full_name\n\xe9".encode("latin-1"), "encoding"),
    ],
)
def test_bad_file_is_refused(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ImportFileInvalid) as refused:
        parse_file(name, content)
    assert refused.value.code == code


def test_export_has_masked_niks_only(books: Any, rows: Rows) -> None:
    data = rows(2)
    parsed = parse_file("a.csv", as_csv(data))
    assert members_import(actor=None, rows=parsed.rows, dry_run=False).written
    workbook = load_workbook(BytesIO(members_export_xlsx()), read_only=True)
    cells = [str(v) for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row if v]
    for row in data:
        assert row["nik"] not in cells
        assert nik_mask(row["nik"]) in cells
    member = member_find_by_nik(data[0]["nik"])
    assert member is not None
    exported = {r[0]: r for r in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert exported[member.member_number][4:] == (300000, 75000, 125000)


@pytest.mark.skipif(os.environ.get("MEASURE") != "1", reason="set MEASURE=1 to measure")
def test_measure_10000_rows(books: Any) -> None:
    count = int(os.environ.get("MEASURE_ROWS", "10000"))
    data = []
    for i in range(count):
        birth = date(1960, 1, 1) + timedelta(days=i % 9000)
        nik = make_nik(birth, "male", serial=1000 + i // 9000)
        data.append(
            member_row(nik=nik, birth_date=birth.isoformat(), sex="L", full_name=f"Anggota {i}")
        )
    content = as_csv(data)
    started = time.perf_counter()
    parsed = parse_file("a.csv", content)
    parsed_at = time.perf_counter()
    dry = members_import(actor=None, rows=parsed.rows, dry_run=True, digest=parsed.digest)
    dry_at = time.perf_counter()
    real = members_import(actor=None, rows=parsed.rows, dry_run=False, digest=parsed.digest)
    real_at = time.perf_counter()
    assert dry.ok and real.written and real.rows_ok == count, real.problems[:3]
    assert savings_balances_match_ledger()
    print(
        f"\nMEASURE parse {parsed_at - started:.1f}s dry {dry_at - parsed_at:.1f}s "
        f"real {real_at - dry_at:.1f}s for {count} rows"
    )
