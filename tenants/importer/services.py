"""The members import: every row is checked by the member and savings services themselves,
inside one transaction with a savepoint per row, so the report lists every problem at once;
then the transaction commits only when no row had a problem and this is not a dry run."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.utils.translation import gettext as _
from federation.errors import RefusedError

from tenants.importer.parse import ImportRow
from tenants.members import crypto
from tenants.members.nik import nik_compact
from tenants.members.services import MemberAddress, member_register
from tenants.models import MemberKind, MemberStatus, Sex
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit

REQUIRED = (
    "full_name",
    "nik",
    "kk_number",
    "birth_place",
    "birth_date",
    "sex",
    "desa",
    "kecamatan",
    "kabupaten",
    "provinsi",
)
BALANCE_COLUMNS = ("pokok", "wajib", "sukarela")
SEXES = {"l": Sex.MALE, "p": Sex.FEMALE}
KINDS = {"biasa": MemberKind.BIASA, "luar_biasa": MemberKind.LUAR_BIASA, "": MemberKind.BIASA}
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
# Which column a member service's refusal code points at.
CODE_COLUMNS = {
    "sex": "sex",
    "kind": "kind",
    "birth_date": "birth_date",
    "too_young": "birth_date",
    "join_date": "join_date",
    "nik_shape": "nik",
    "nik_invalid": "nik",
    "nik_sex": "nik",
    "nik_birth_date": "nik",
    "nik_duplicate": "nik",
    "kk": "kk_number",
    "phone": "phone",
    "rt_rw": "rt",
    "postal_code": "postal_code",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    code: str
    message: str


@dataclass
class ImportReport:
    rows_total: int = 0
    rows_ok: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False
    member_numbers: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowFailed(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("row failed")
        self.problems = problems


def _date(raw: str) -> date | None:
    raw = raw.strip()
    found = _DMY.match(raw)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            return date(year, month, day)
        return date.fromisoformat(raw[:10]) if len(raw) >= 10 else None
    except ValueError:
        return None


def _amount(raw: str) -> Decimal | None:
    """Text to rupiah: ``150000``, ``150.000``, ``150.000,50``, ``Rp 150.000``. None if bad."""
    text = raw.replace("Rp", "").replace("rp", "").replace(" ", "").strip()
    if not text:
        return Decimal(0)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _problem(row: int, column: str, error: RefusedError) -> RowProblem:
    return RowProblem(row=row, column=column, code=str(error.code), message=error.messages[0])


def _check_row(row: ImportRow) -> tuple[dict[str, Any], list[RowProblem]]:
    """The row's values in the member service's terms, or the problems found on the way."""
    v = row.values
    problems: list[RowProblem] = []

    def bad(column: str, code: str, message: str) -> None:
        problems.append(RowProblem(row=row.number, column=column, code=code, message=message))

    for column in REQUIRED:
        if not v.get(column, "").strip():
            bad(column, "required", _("This column is required."))
    birth_date = _date(v.get("birth_date", ""))
    if v.get("birth_date", "").strip() and birth_date is None:
        bad("birth_date", "date_format", _("Enter dates as YYYY-MM-DD or DD/MM/YYYY."))
    join_date = None
    if v.get("join_date", "").strip():
        join_date = _date(v["join_date"])
        if join_date is None:
            bad("join_date", "date_format", _("Enter dates as YYYY-MM-DD or DD/MM/YYYY."))
    sex = SEXES.get(v.get("sex", "").strip().lower())
    if v.get("sex", "").strip() and sex is None:
        bad("sex", "sex", _("Write L (male) or P (female)."))
    kind = KINDS.get(v.get("kind", "").strip().lower().replace(" ", "_"))
    if kind is None:
        bad("kind", "kind", _("Write biasa or luar_biasa."))
    amounts: dict[str, Decimal] = {}
    for column in BALANCE_COLUMNS:
        value = _amount(v.get(column, ""))
        if value is None:
            bad(column, "amount", _("Enter the amount in rupiah, e.g. 150000."))
        else:
            amounts[column] = value
    fields = {
        "full_name": v.get("full_name", ""),
        "nik": v.get("nik", ""),
        "kk_number": v.get("kk_number", ""),
        "birth_place": v.get("birth_place", ""),
        "birth_date": birth_date,
        "sex": sex,
        "kind": kind,
        "join_date": join_date,
        "phone": v.get("phone", ""),
        "address": MemberAddress(
            street=v.get("street", ""),
            rt=v.get("rt", ""),
            rw=v.get("rw", ""),
            desa=v.get("desa", ""),
            kecamatan=v.get("kecamatan", ""),
            kabupaten=v.get("kabupaten", ""),
            provinsi=v.get("provinsi", ""),
            postal_code=v.get("postal_code", ""),
        ),
        "amounts": amounts,
    }
    return fields, problems


def rows_digest(rows: Sequence[ImportRow]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr((row.number, sorted(row.values.items()))).encode())
    return digest.hexdigest()


def _import_row(
    *, actor: Any, row: ImportRow, fields: dict[str, Any], products: dict[str, Any], key: str
) -> str:
    amounts: dict[str, Decimal] = fields.pop("amounts")
    try:
        member = member_register(actor=actor, status=MemberStatus.ACTIVE, **fields)
    except RefusedError as exc:
        column = CODE_COLUMNS.get(str(exc.code), "")
        raise _RowFailed([_problem(row.number, column, exc)]) from exc
    for column in BALANCE_COLUMNS:
        amount = amounts.get(column, Decimal(0))
        if not amount:
            continue
        try:
            account = savings_account_open(actor=actor, member=member, product=products[column])
            savings_deposit(
                actor=actor,
                account=account,
                amount=amount,
                idempotency_key=f"{key}-{row.number}-{column}",
            )
        except RefusedError as exc:
            raise _RowFailed([_problem(row.number, column, exc)]) from exc
    return member.member_number


def members_import(
    *, actor: Any, rows: Sequence[ImportRow], dry_run: bool, digest: str = ""
) -> ImportReport:
    """Register every row's member as active and deposit its opening balances (pokok, wajib,
    sukarela) through savings_deposit, keyed by the file's digest and the row number.

    All or nothing: one transaction with a savepoint per row, so each row is checked by the
    member and savings services' own rules and every problem is reported; the whole import
    is rolled back when any row has a problem, and always on a dry run. Takes the
    member-number counter's lock until the end, so other registrations wait for it.
    """
    digest = digest or rows_digest(rows)
    key = f"imp-{digest[:24]}"
    report = ImportReport(rows_total=len(rows), dry_run=dry_run)
    with transaction.atomic():
        products = {code: savings_product_get(code) for code in BALANCE_COLUMNS}
        seen: dict[str, int] = {}
        for row in rows:
            fields, problems = _check_row(row)
            nik = nik_compact(fields["nik"])
            if nik:
                first = seen.setdefault(crypto.lookup_hash("nik", nik), row.number)
                if first != row.number:
                    problems.append(
                        RowProblem(
                            row=row.number,
                            column="nik",
                            code="nik_duplicate_in_file",
                            message=_("This NIK is already on row %(row)s of this file.")
                            % {"row": first},
                        )
                    )
            missing = [c for c in BALANCE_COLUMNS if fields["amounts"].get(c) and not products[c]]
            for column in missing:
                problems.append(
                    RowProblem(
                        row=row.number,
                        column=column,
                        code="product_missing",
                        message=_("This cooperative has no %(product)s savings product.")
                        % {"product": column},
                    )
                )
            if problems:
                report.problems.extend(problems)
                continue
            try:
                with transaction.atomic():
                    number = _import_row(
                        actor=actor, row=row, fields=fields, products=products, key=key
                    )
            except _RowFailed as failed:
                report.problems.extend(failed.problems)
                continue
            report.rows_ok += 1
            report.member_numbers[row.number] = number
        report.written = not dry_run and not report.problems
        if report.written:
            audit_record(
                actor=actor,
                action="importer.members.import",
                summary=f"import {report.rows_ok} members",
                data={"digest": digest, "rows": report.rows_ok},
            )
        else:
            transaction.set_rollback(True)
    if not report.written:
        report.member_numbers = {}
    return report
