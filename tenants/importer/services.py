"""The members import: every row is checked by the member and savings services' own rules
before anything is written, so the report lists every problem at once; then, when no row
had a problem and this is not a dry run, every row is written in one transaction through
the bulk services (10,000 rows in seconds, not one transaction per row)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.utils.translation import gettext as _
from federation.errors import RefusedError

from tenants.importer.parse import ImportRow
from tenants.ledger.periods import business_today
from tenants.members import crypto
from tenants.members.exceptions import MembersRefused
from tenants.members.nik import nik_compact
from tenants.members.services import (
    CleanMember,
    MemberAddress,
    MemberInput,
    member_input_clean,
    members_register_many,
)
from tenants.models import Member, MemberKind, MemberStatus, SavingsAccount, SavingsProduct, Sex
from tenants.savings.collective import (
    CollectiveItem,
    CollectiveRefused,
    savings_accounts_open_many,
    savings_deposit_collective,
)
from tenants.savings.products import deposit_check
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_amount_check

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
ZERO = Decimal("0.00")
Progress = Callable[[str, int, int], None]
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


def _amount_problems(
    row: ImportRow, amounts: dict[str, Decimal], products: dict[str, SavingsProduct | None]
) -> list[RowProblem]:
    """The savings rules a new account's first deposit must meet (pokok exact, wajib in
    multiples, a product that exists), checked without writing anything."""
    problems = []
    for column in BALANCE_COLUMNS:
        amount = amounts.get(column)
        if not amount:
            continue
        product = products[column]
        if product is None:
            problems.append(
                RowProblem(
                    row=row.number,
                    column=column,
                    code="product_missing",
                    message=_("This cooperative has no %(product)s savings product.")
                    % {"product": column},
                )
            )
            continue
        try:
            savings_amount_check(amount)
            deposit_check(product=product, account=SavingsAccount(balance=ZERO), amount=amount)
        except RefusedError as exc:
            problems.append(_problem(row.number, column, exc))
    return problems


def _checked(
    rows: Sequence[ImportRow], products: dict[str, SavingsProduct | None], progress: Progress
) -> tuple[list[tuple[ImportRow, CleanMember, dict[str, Decimal]]], list[RowProblem]]:
    """Every row through every check that needs no write; one query for NIKs already
    registered."""
    today = business_today()
    good: list[tuple[ImportRow, CleanMember, dict[str, Decimal]]] = []
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            progress("check", done, len(rows))
        fields, found = _check_row(row)
        amounts: dict[str, Decimal] = fields.pop("amounts")
        clean = None
        if not found:
            try:
                clean = member_input_clean(MemberInput(**fields), today=today)
            except RefusedError as exc:
                found.append(_problem(row.number, CODE_COLUMNS.get(str(exc.code), ""), exc))
        nik = nik_compact(fields["nik"])
        if nik:
            first = first_row.setdefault(crypto.lookup_hash("nik", nik), row.number)
            if first != row.number:
                found.append(
                    RowProblem(
                        row=row.number,
                        column="nik",
                        code="nik_duplicate_in_file",
                        message=_("This NIK is already on row %(row)s of this file.")
                        % {"row": first},
                    )
                )
        found.extend(_amount_problems(row, amounts, products))
        if found:
            problems.extend(found)
        elif clean is not None:
            good.append((row, clean, amounts))
    registered = set(
        Member.objects.filter(nik_hash__in=[c.nik_hash for _r, c, _a in good]).values_list(
            "nik_hash", flat=True
        )
    )
    if registered:
        for row, clean, _amounts in good:
            if clean.nik_hash in registered:
                problems.append(
                    RowProblem(
                        row=row.number,
                        column="nik",
                        code="nik_duplicate",
                        message=_(
                            "A member with this NIK is already registered in this cooperative."
                        ),
                    )
                )
        good = [g for g in good if g[1].nik_hash not in registered]
    problems.sort(key=lambda p: p.row)
    progress("check", len(rows), len(rows))
    return good, problems


def _write(
    *,
    actor: Any,
    good: list[tuple[ImportRow, CleanMember, dict[str, Decimal]]],
    products: dict[str, SavingsProduct | None],
    key: str,
    progress: Progress,
) -> dict[int, str]:
    """Register every member, open the accounts with an opening balance and deposit the
    balances collectively (one journal entry per product and chunk of members)."""
    members = members_register_many(
        actor=actor,
        people=[clean for _row, clean, _amounts in good],
        status=MemberStatus.ACTIVE,
        reason=_("Imported with opening balances"),
    )
    progress("members", len(members), len(good))
    for step, column in enumerate(BALANCE_COLUMNS, start=1):
        owners = [
            (member, amounts[column])
            for member, (_row, _clean, amounts) in zip(members, good, strict=True)
            if amounts.get(column)
        ]
        product = products[column]
        if not owners or product is None:
            continue
        accounts = savings_accounts_open_many(
            actor=actor, members=[member for member, _amount in owners], product=product
        )
        savings_deposit_collective(
            actor=actor,
            items=[
                CollectiveItem(account=account, amount=amount)
                for account, (_member, amount) in zip(accounts, owners, strict=True)
            ],
            idempotency_key=f"{key}-{column}",
            description=_("Opening balance from the members import"),
        )
        progress("balances", step, len(BALANCE_COLUMNS))
    return {
        row.number: member.member_number
        for member, (row, _clean, _amounts) in zip(members, good, strict=True)
    }


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def members_import(
    *,
    actor: Any,
    rows: Sequence[ImportRow],
    dry_run: bool,
    digest: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Register every row's member as active with their opening balances (pokok, wajib,
    sukarela), keyed by the file's digest.

    Every row goes through the member service's own checks (member_input_clean) and the
    savings rules of a first deposit, and every problem is reported, before anything is
    written; a dry run stops there and writes nothing. Otherwise all rows are written in
    one transaction through the bulk services (members_register_many,
    savings_accounts_open_many, savings_deposit_collective): all or nothing. Takes the
    member-number counter's lock until the end, so other registrations wait for it.
    ``progress(stage, done, total)`` is told how far it got.
    """
    tell = progress or _no_progress
    digest = digest or rows_digest(rows)
    key = f"imp-{digest[:24]}"
    report = ImportReport(rows_total=len(rows), dry_run=dry_run)
    products = {code: savings_product_get(code) for code in BALANCE_COLUMNS}
    good, report.problems = _checked(rows, products, tell)
    report.rows_ok = len(good)
    if dry_run or report.problems:
        return report
    try:
        with transaction.atomic():
            numbers = _write(actor=actor, good=good, products=products, key=key, progress=tell)
            audit_record(
                actor=actor,
                action="importer.members.import",
                summary=f"import {len(numbers)} members",
                data={"digest": digest, "rows": len(numbers)},
            )
    except MembersRefused as exc:  # a registration raced us between the check and now
        row = good[exc.index][0] if 0 <= exc.index < len(good) else None
        report.problems = [_problem(row.number if row else 0, "nik", exc.cause)]
        report.rows_ok = 0
        return report
    except CollectiveRefused as exc:
        report.problems = [_problem(0, "", exc)]
        report.rows_ok = 0
        return report
    report.written = True
    report.member_numbers = numbers
    tell("done", len(rows), len(rows))
    return report
