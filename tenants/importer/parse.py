"""Read a members spreadsheet (.xlsx or .csv) into rows of text keyed by a fixed header set.
Parsing only reads; every rule about the values lives in the import service."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from tenants.importer.exceptions import ImportFileInvalid

COLUMNS: tuple[str, ...] = (
    "member_number",
    "full_name",
    "nik",
    "kk_number",
    "birth_place",
    "birth_date",
    "sex",
    "street",
    "rt",
    "rw",
    "desa",
    "kecamatan",
    "kabupaten",
    "provinsi",
    "postal_code",
    "phone",
    "kind",
    "join_date",
    "pokok",
    "wajib",
    "sukarela",
)
OPTIONAL_COLUMNS = frozenset({"member_number"})
REQUIRED_HEADERS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
MAX_ROWS = 20_000


@dataclass(frozen=True)
class ImportRow:
    """One data row: ``number`` is its line in the file (the header is line 1)."""

    number: int
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ImportRow]
    digest: str


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from(records: list[list[object]]) -> list[ImportRow]:
    if not records:
        raise ImportFileInvalid(_("The file is empty."), code="empty")
    header = [_text(h).lower().replace(" ", "_") for h in records[0]]
    missing = [name for name in REQUIRED_HEADERS if name not in header]
    if missing:
        raise ImportFileInvalid(
            _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            code="columns_missing",
        )
    index = {name: header.index(name) for name in COLUMNS if name in header}
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [_text(v) for v in record]
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for name, i in index.items()}
        values.setdefault("member_number", "")
        rows.append(ImportRow(number=number, values=values))
    if len(rows) > MAX_ROWS:
        raise ImportFileInvalid(
            _("A file has at most %(max)s rows.") % {"max": MAX_ROWS}, code="too_many_rows"
        )
    return rows


def parse_csv(content: bytes) -> list[ImportRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileInvalid(_("Save the CSV file as UTF-8."), code="encoding") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records: list[list[object]] = [
        list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return _rows_from(records)


def parse_xlsx(content: bytes) -> list[ImportRow]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ImportFileInvalid(_("This is not an Excel (.xlsx) file."), code="xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _rows_from(records)


def parse_file(name: str, content: bytes) -> ParsedFile:
    """Rows of a .xlsx or .csv file, by its name's extension, and the file's digest."""
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        rows = parse_xlsx(content)
    elif lowered.endswith(".csv"):
        rows = parse_csv(content)
    else:
        raise ImportFileInvalid(_("Upload an .xlsx or .csv file."), code="file_type")
    return ParsedFile(rows=rows, digest=file_digest(content))
