"""Posting journal entries: journal_post, journal_reverse, and the balance check.

An entry is written in one transaction with its postings, the account balances it moves
and its audit row. It is never updated or deleted afterwards (database triggers); a
mistake is corrected by a reversing entry. Sealing into the hash chain happens after the
commit (tenants.ledger.chain), so postings never wait on the chain head.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from audit.services import audit_record
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from tenants.ledger.actors import actor_id
from tenants.ledger.exceptions import AccountInvalid, EntryInvalid, IdempotencyConflict, LedgerError
from tenants.ledger.hashing import canonical_json
from tenants.ledger.lock_objects import balances_lock
from tenants.ledger.periods import business_today, period_lock_for_posting
from tenants.ledger.tenancy import current_schema, require_cooperative
from tenants.models import Account, AccountBalance, JournalEntry, Posting

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")  # numeric(18, 2)
MAX_LINES = 500
REVERSAL_KIND = "reversal"


@dataclass(frozen=True)
class Line:
    """One line of a journal entry: exactly one of debit and credit is positive."""

    account_code: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    member_ref: str = ""


LineInput = Line | Sequence[Any]


def _line(raw: LineInput, number: int) -> Line:
    if isinstance(raw, Line):
        line = raw
    else:
        if not isinstance(raw, list | tuple) or len(raw) not in (3, 4):
            raise EntryInvalid(
                _("Line %(line)s must be (account code, debit, credit, member)") % {"line": number},
                code="line_shape",
            )
        member_ref = raw[3] if len(raw) == 4 else ""
        line = Line(str(raw[0]), raw[1], raw[2], member_ref or "")
    for amount in (line.debit, line.credit):
        _check_amount(amount, number)
    if (line.debit > 0) == (line.credit > 0):
        raise EntryInvalid(
            _("Line %(line)s must have an amount on exactly one side, debit or credit.")
            % {"line": number},
            code="line_one_side",
        )
    if not isinstance(line.member_ref, str) or len(line.member_ref) > 64:
        raise EntryInvalid(
            _("Line %(line)s: the member reference is at most 64 characters.") % {"line": number},
            code="line_member_ref",
        )
    return Line(line.account_code.strip(), line.debit, line.credit, line.member_ref.strip())


def _check_amount(amount: object, number: int) -> None:
    if not isinstance(amount, Decimal):
        raise EntryInvalid(
            _("Line %(line)s: amounts must be Decimal, not %(type)s.")
            % {"line": number, "type": type(amount).__name__},
            code="amount_type",
        )
    if not amount.is_finite():
        raise EntryInvalid(
            _("Line %(line)s: the amount is not a number.") % {"line": number},
            code="amount_invalid",
        )
    if amount < 0:
        raise EntryInvalid(
            _("Line %(line)s: amounts cannot be negative.") % {"line": number},
            code="amount_negative",
        )
    if amount != amount.quantize(CENT):
        raise EntryInvalid(
            _("Line %(line)s: amounts have at most two decimal places.") % {"line": number},
            code="amount_precision",
        )
    if amount > MAX_AMOUNT:
        raise EntryInvalid(
            _("Line %(line)s: the amount is too large.") % {"line": number},
            code="amount_too_large",
        )


def _validate(
    *, entry_date: date, description: str, lines: Sequence[LineInput], key: str, kind: str
) -> list[Line]:
    """Every check that needs no database; raises before anything is read or written."""
    if not key or len(key) > 100:
        raise EntryInvalid(
            _("An idempotency key of 1 to 100 characters is required."), code="key_invalid"
        )
    if not isinstance(kind, str) or not kind or len(kind) > 40:
        raise EntryInvalid(_("The entry kind must be 1 to 40 characters."), code="kind_invalid")
    if not description or len(description) > 500:
        raise EntryInvalid(
            _("Enter a description of at most 500 characters."), code="description_invalid"
        )
    if not isinstance(entry_date, date) or isinstance(entry_date, datetime):
        raise EntryInvalid(_("The entry date must be a date."), code="date_invalid")
    if entry_date > business_today():
        raise EntryInvalid(_("The entry date cannot be in the future."), code="date_future")
    if isinstance(lines, str | bytes) or len(lines) < 2:
        raise EntryInvalid(_("A journal entry needs at least two lines."), code="too_few_lines")
    if len(lines) > MAX_LINES:
        raise EntryInvalid(
            _("A journal entry has at most %(max)s lines.") % {"max": MAX_LINES},
            code="too_many_lines",
        )
    clean = [_line(raw, number) for number, raw in enumerate(lines, start=1)]
    debit = sum((line.debit for line in clean), ZERO)
    credit = sum((line.credit for line in clean), ZERO)
    if debit != credit:
        raise EntryInvalid(
            _("The entry does not balance: debits %(debit)s, credits %(credit)s.")
            % {"debit": f"{debit:.2f}", "credit": f"{credit:.2f}"},
            code="unbalanced",
        )
    return clean


def _request_digest(
    *, entry_date: date, description: str, kind: str, reversal_of: int | None, lines: list[Line]
) -> str:
    """What a repeated idempotency key must repeat exactly (the actor may differ: a retry
    by a colleague is still the same entry)."""
    document = {
        "entry_date": entry_date.isoformat(),
        "description": description,
        "kind": kind,
        "reversal_of": reversal_of,
        "lines": [
            [line.account_code, f"{line.debit:.2f}", f"{line.credit:.2f}", line.member_ref]
            for line in lines
        ],
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _repeat(existing: JournalEntry, digest: str) -> JournalEntry:
    if existing.request_digest != digest:
        raise IdempotencyConflict(_("This idempotency key was already used for a different entry."))
    return existing


def _accounts_for(lines: list[Line]) -> dict[str, int]:
    """Lock the balances of the lines' accounts (in id order), then read the accounts, so
    a deactivation committed while we waited is seen. Returns code -> account id."""
    codes = sorted({line.account_code for line in lines})
    locked = set(balances_lock(codes))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT code, id, is_active, is_group FROM {Account._meta.db_table} "
            "WHERE code = ANY(%s)",
            [codes],
        )
        accounts = {code: (pk, active, group) for code, pk, active, group in cur.fetchall()}
    for line in lines:
        found = accounts.get(line.account_code)
        if found is None:
            raise AccountInvalid(
                _("Unknown account: %(code)s.") % {"code": line.account_code},
                code="account_unknown",
            )
        if not found[1]:
            raise AccountInvalid(
                _("Account %(code)s is inactive.") % {"code": line.account_code},
                code="account_inactive",
            )
        if found[2]:
            raise AccountInvalid(
                _("Account %(code)s is a group; post to one of its sub-accounts.")
                % {"code": line.account_code},
                code="account_group",
            )
    ids = {code: found[0] for code, found in accounts.items()}
    missing = set(ids.values()) - locked
    if missing:
        # Every account gets its balance row when made; this only repairs a missing one.
        AccountBalance.objects.bulk_create(
            [AccountBalance(account_id=pk) for pk in sorted(missing)], ignore_conflicts=True
        )
        balances_lock(codes)
    return ids


def _balances_apply(lines: list[Line], accounts: dict[str, int]) -> None:
    """Add the lines to the (already locked) balance rows in one statement."""
    deltas: dict[int, list[Decimal]] = {}
    for line in lines:
        totals = deltas.setdefault(accounts[line.account_code], [ZERO, ZERO])
        totals[0] += line.debit
        totals[1] += line.credit
    table = AccountBalance._meta.db_table
    values = ", ".join(["(%s::bigint, %s::numeric, %s::numeric)"] * len(deltas))
    params: list[Any] = []
    for pk in sorted(deltas):
        params += [pk, deltas[pk][0], deltas[pk][1]]
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} AS b SET debit_total = b.debit_total + v.d, "
            f"credit_total = b.credit_total + v.c FROM (VALUES {values}) AS v(id, d, c) "
            "WHERE b.account_id = v.id",
            params,
        )


def _post(
    *,
    actor: Any,
    entry_date: date,
    description: str,
    lines: Sequence[LineInput],
    idempotency_key: str,
    kind: str,
    reversal_of: JournalEntry | None,
) -> JournalEntry:
    description = description.strip() if isinstance(description, str) else ""
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    clean = _validate(
        entry_date=entry_date, description=description, lines=lines, key=key, kind=kind
    )
    digest = _request_digest(
        entry_date=entry_date,
        description=description,
        kind=kind,
        reversal_of=reversal_of.pk if reversal_of else None,
        lines=clean,
    )
    existing = JournalEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _repeat(existing, digest)
    try:
        with transaction.atomic():
            period_lock_for_posting(entry_date)
            accounts = _accounts_for(clean)
            entry = JournalEntry.objects.create(
                entry_date=entry_date,
                description=description,
                kind=kind,
                idempotency_key=key,
                request_digest=digest,
                created_by_id=actor_id(actor),
                created_at=timezone.now(),
                reversal_of=reversal_of,
            )
            Posting.objects.bulk_create(
                [
                    Posting(
                        entry=entry,
                        line_no=number,
                        account_id=accounts[line.account_code],
                        debit=line.debit,
                        credit=line.credit,
                        member_ref=line.member_ref,
                    )
                    for number, line in enumerate(clean, start=1)
                ]
            )
            _balances_apply(clean, accounts)
            total = sum((line.debit for line in clean), ZERO)
            audit_record(
                actor=actor,
                action="ledger.entry.reverse" if reversal_of else "ledger.entry.post",
                obj=entry,
                summary=description,
                data={
                    "entry_date": entry_date.isoformat(),
                    "kind": kind,
                    "total": f"{total:.2f}",
                    "lines": len(clean),
                    "reversal_of": reversal_of.pk if reversal_of else None,
                },
            )
            _seal_after_commit()
    except IntegrityError:
        # A concurrent request with the same key (or reversing the same entry) committed
        # first; the unique constraint made us wait for it, so it is visible now.
        existing = JournalEntry.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _repeat(existing, digest)
        if reversal_of is not None and reversal_of.reversals.exists():
            raise _already_reversed(reversal_of) from None
        raise
    return entry


def _seal_after_commit() -> None:
    if not getattr(settings, "LEDGER_SEAL_ON_COMMIT", True):
        return
    transaction.on_commit(partial(_seal, current_schema()), robust=True)


def _seal(schema_name: str) -> None:
    # The callback may run after the caller left the tenant's context: name the schema.
    from tenants.ledger.chain import chain_seal_pending

    with schema_context(schema_name):
        chain_seal_pending(wait=False)


def journal_post(
    *,
    actor: Any,
    entry_date: date,
    description: str,
    lines: Sequence[LineInput],
    idempotency_key: str,
    kind: str = "manual",
) -> JournalEntry:
    """Post a balanced entry into the current cooperative's books, once per key.

    ``lines``: (account code, debit, credit[, member_ref]) tuples or Line objects; amounts
    are Decimal, exactly one side positive per line. Refused (LedgerError, nothing
    written): fewer than two lines, a float/int/negative/zero amount, both or neither
    side, more than two decimals, unbalanced totals, an unknown, inactive or group account,
    a closed month, a future date. The same key again returns the first entry; the same
    key with different content raises IdempotencyConflict.

    Locks: the month's period row FOR SHARE, then the accounts' balance rows FOR UPDATE in
    account-id order (lock_objects). The entry, its postings, the balances and the audit
    row commit together; sealing into the hash chain runs after the commit.
    """
    require_cooperative()
    if kind == REVERSAL_KIND:
        raise EntryInvalid(
            _("Reversals are made with journal_reverse, not posted directly."),
            code="kind_invalid",
        )
    return _post(
        actor=actor,
        entry_date=entry_date,
        description=description,
        lines=lines,
        idempotency_key=idempotency_key,
        kind=kind,
        reversal_of=None,
    )


def _already_reversed(entry: JournalEntry) -> LedgerError:
    return LedgerError(
        _("Entry %(id)s has already been reversed.") % {"id": entry.pk}, code="already_reversed"
    )


def journal_reverse(
    *,
    actor: Any,
    entry: JournalEntry,
    entry_date: date | None = None,
    description: str = "",
    idempotency_key: str = "",
) -> JournalEntry:
    """Correct an entry by posting its mirror image (debits and credits swapped).

    Dated today (Asia/Jakarta) unless told otherwise, so an entry in a closed month can be
    reversed in an open one. An entry is reversed at most once (a unique constraint), and
    a reversal is not itself reversed: post a new entry instead. The default key makes a
    repeated reversal of the same entry return the first one.
    """
    require_cooperative()
    current = JournalEntry.objects.filter(pk=entry.pk).first()
    if current is None or current.idempotency_key != entry.idempotency_key:
        # An entry object from another cooperative's books: its id means something else here.
        raise LedgerError(_("This entry is not in this cooperative's books."), code="entry_foreign")
    entry = current
    if entry.reversal_of_id is not None:
        raise LedgerError(
            _("A reversal cannot be reversed; post a new entry instead."),
            code="reverse_reversal",
        )
    key = idempotency_key or f"reversal:{entry.pk}"
    existing = JournalEntry.objects.filter(reversal_of=entry).first()
    if existing is not None:
        if existing.idempotency_key == key:
            return existing
        raise _already_reversed(entry)
    lines = [
        Line(p.account.code, p.credit, p.debit, p.member_ref)
        for p in entry.postings.select_related("account").order_by("line_no")
    ]
    return _post(
        actor=actor,
        entry_date=entry_date or business_today(),
        description=description
        or (
            _("Reversal of entry %(id)s: %(description)s")
            % {"id": entry.pk, "description": entry.description}
        )[:500],
        lines=lines,
        idempotency_key=key,
        kind=REVERSAL_KIND,
        reversal_of=entry,
    )


@dataclass(frozen=True)
class BalanceMismatch:
    account_id: int
    account_code: str
    stored_debit: Decimal
    stored_credit: Decimal
    posted_debit: Decimal
    posted_credit: Decimal


def ledger_check_balances() -> list[BalanceMismatch]:
    """Every stored AccountBalance against the sum of its postings; empty when they agree."""
    balances = AccountBalance._meta.db_table
    postings = Posting._meta.db_table
    accounts = Account._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT coalesce(b.account_id, p.account_id) AS account_id,
                   coalesce(b.debit_total, 0), coalesce(b.credit_total, 0),
                   coalesce(p.debit, 0), coalesce(p.credit, 0)
            FROM {balances} b
            FULL OUTER JOIN (
                SELECT account_id, sum(debit) AS debit, sum(credit) AS credit
                FROM {postings} GROUP BY account_id
            ) p ON p.account_id = b.account_id
            WHERE coalesce(b.debit_total, 0) <> coalesce(p.debit, 0)
               OR coalesce(b.credit_total, 0) <> coalesce(p.credit, 0)
            ORDER BY 1
            """
        )
        rows = cur.fetchall()
        codes: dict[int, str] = {}
        if rows:
            cur.execute(
                f"SELECT id, code FROM {accounts} WHERE id = ANY(%s)", [[r[0] for r in rows]]
            )
            codes = dict(cur.fetchall())
    return [
        BalanceMismatch(
            account_id=row[0],
            account_code=codes.get(row[0], "?"),
            stored_debit=row[1],
            stored_credit=row[2],
            posted_debit=row[3],
            posted_credit=row[4],
        )
        for row in rows
    ]
