"""Collective savings operations: many members at once under a few journal entries.

A cooperative collects simpanan wajib by payroll deduction (potong gaji) or through a
group leader, and moves its members' opening balances off paper in one import. Booking
each member separately would write one entry per member; here each product's deposits
go under one entry per chunk of CHUNK members (one debit of the cash or bank account,
one credit line per member with the member's number), while every member still gets
their own SavingsTransaction with the balance after it. The same product rules apply
as at the counter (deposit_check), and the whole operation is one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from tenants.ledger.actors import actor_id
from tenants.ledger.hashing import canonical_json
from tenants.ledger.periods import business_day_of
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import (
    JasaRun,
    Member,
    MemberStatus,
    SavingsAccount,
    SavingsKind,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
)
from tenants.savings.exceptions import (
    AccountUnavailable,
    AmountInvalid,
    IdempotencyConflict,
    SavingsError,
)
from tenants.savings.lock_objects import savings_accounts_lock
from tenants.savings.products import deposit_check
from tenants.savings.services import (
    CASH_ACCOUNT,
    LEDGER_KEY_PREFIX,
    savings_amount_check,
    savings_product_offered,
)

CHUNK = 400  # member lines per journal entry (the ledger takes at most 500 lines)
MAX_ITEMS = 20_000
KEY_MAX = 60  # each member's transaction key is "<key>:<account id>", at most 90
FUTURE_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CollectiveItem:
    account: SavingsAccount
    amount: Decimal


class CollectiveRefused(AmountInvalid):
    """A collective operation refused for one member; ``index`` is their place in the list."""

    default_code = "collective_refused"

    def __init__(self, index: int, message: Any, code: str) -> None:
        super().__init__(message, code=code)
        self.index = index


def _key_check(idempotency_key: object) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > KEY_MAX:
        raise AmountInvalid(
            _("An idempotency key of 1 to %(max)s characters is required.") % {"max": KEY_MAX},
            code="key_invalid",
        )
    return key


def _member_active(member: Member, index: int) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise CollectiveRefused(
            index,
            _("Only an active member can save; member %(number)s is %(status)s.")
            % {"number": member.member_number, "status": member.get_status_display()},
            code="member_inactive",
        )


def savings_accounts_open_many(
    *, actor: Any, members: Sequence[Member], product: SavingsProduct
) -> list[SavingsAccount]:
    """Open an account of ``product`` for each of many active members at once (an import,
    a new product for everyone). All or nothing; refused when a member is not active, not
    in this cooperative's books, or already has an account of a one-per-member product."""
    require_cooperative()
    current = savings_product_offered(product)
    if not members:
        return []
    found = {m.pk: m for m in Member.objects.filter(pk__in=[m.pk for m in members if m.pk])}
    for index, given in enumerate(members):
        row = found.get(given.pk)
        if (
            row is None
            or row.member_number != given.member_number
            or row.nik_hash != given.nik_hash
        ):
            raise CollectiveRefused(
                index, _("This member is not in this cooperative's books."), code="member_foreign"
            )
        _member_active(row, index)
    now = timezone.now()
    try:
        with transaction.atomic():
            accounts = SavingsAccount.objects.bulk_create(
                [
                    SavingsAccount(
                        member_id=m.pk, product=current, kind=current.kind, opened_at=now
                    )
                    for m in members
                ],
                batch_size=1000,
            )
            audit_record(
                actor=actor,
                action="savings.account.open_many",
                summary=f"{current.code} x {len(accounts)}",
                data={"product": current.code, "count": len(accounts)},
            )
    except IntegrityError as exc:
        raise AccountUnavailable(
            _("A member in the list already has a %(product)s account.")
            % {"product": current.name},
            code="account_duplicate",
        ) from exc
    return accounts


def _request_digest(items: Sequence[tuple[int, Decimal]], cash: str, occurred: datetime) -> str:
    document = {
        "items": [[pk, f"{amount:.2f}"] for pk, amount in sorted(items)],
        "cash": cash,
        "occurred_at": occurred.isoformat(),
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _repeat(key: str, digest: str) -> list[SavingsTransaction] | None:
    made = list(
        SavingsTransaction.objects.filter(idempotency_key__startswith=f"{key}:").order_by("pk")
    )
    if not made:
        return None
    if any(t.request_digest != digest for t in made):
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different transaction."),
            code="idempotency_conflict",
        )
    return made


def _backdating_check(locked: dict[int, SavingsAccount], occurred: datetime) -> None:
    """A deposit dated in the past may not go before an account's later transactions (each
    transaction carries the balance after it) nor into a month whose jasa is posted."""
    if occurred >= timezone.now() - FUTURE_SKEW:
        return
    later = SavingsTransaction.objects.filter(
        account_id__in=list(locked), created_at__gt=occurred
    ).values_list("account__member__member_number", flat=True)[:1]
    if later:
        raise AmountInvalid(
            _(
                "Member %(number)s has a later transaction; a past date can only be used "
                "before any later transaction of the same accounts."
            )
            % {"number": later[0]},
            code="backdated_before_later",
        )
    day = business_day_of(occurred)
    sukarela = any(a.kind == SavingsKind.SUKARELA for a in locked.values())
    if (
        sukarela
        and JasaRun.objects.filter(
            Q(year__gt=day.year) | Q(year=day.year, month__gte=day.month)
        ).exists()
    ):
        raise AmountInvalid(
            _("Jasa for that month has been posted already; the date is too early."),
            code="backdated_after_jasa",
        )


def savings_deposit_collective(
    *,
    actor: Any,
    items: Sequence[CollectiveItem],
    idempotency_key: str,
    description: str,
    cash_account_code: str = CASH_ACCOUNT,
    occurred_at: datetime | None = None,
) -> list[SavingsTransaction]:
    """Deposit into many members' accounts at once (payroll deduction, a group's
    collection, opening balances): one journal entry per product and chunk of CHUNK
    members (debit ``cash_account_code`` with the chunk's total, credit each member's line
    in the product's account), one SavingsTransaction per member, one audit row.

    ``occurred_at`` (timezone-aware, default now) dates the transactions and the entries
    (its Asia/Jakarta day); a past date is refused when an account has a later
    transaction or the month's jasa is posted, and the ledger refuses a closed month.
    Locks every account row FOR UPDATE in id order, then the ledger's rows. Each account
    appears at most once. All or nothing: a refusal (CollectiveRefused names the item's
    index) writes nothing. The same key again returns the first transactions; the same
    key with another request is refused.
    """
    require_cooperative()
    key = _key_check(idempotency_key)
    text = " ".join(description.split()) if isinstance(description, str) else ""
    if not text or len(text) > 200:
        raise AmountInvalid(
            _("Enter a description of at most 200 characters."), code="description_invalid"
        )
    cash = cash_account_code.strip() if isinstance(cash_account_code, str) else ""
    if not cash:
        raise AmountInvalid(_("Choose the cash or bank account."), code="cash_account")
    if not items:
        raise AmountInvalid(_("The list of deposits is empty."), code="items_empty")
    if len(items) > MAX_ITEMS:
        raise AmountInvalid(
            _("At most %(max)s deposits at once.") % {"max": MAX_ITEMS}, code="items_too_many"
        )
    now = timezone.now()
    occurred = occurred_at or now
    if not isinstance(occurred, datetime) or timezone.is_naive(occurred):
        raise AmountInvalid(_("The date must be timezone-aware."), code="date_invalid")
    if occurred > now + FUTURE_SKEW:
        raise AmountInvalid(_("The date cannot be in the future."), code="date_future")
    pairs: list[tuple[int, Decimal]] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        account = item.account
        if not isinstance(account, SavingsAccount) or account.pk is None:
            raise CollectiveRefused(index, _("Choose a savings account."), code="account_missing")
        if account.pk in seen:
            raise CollectiveRefused(
                index, _("This account is already in the list."), code="account_repeated"
            )
        seen.add(account.pk)
        try:
            pairs.append((account.pk, savings_amount_check(item.amount)))
        except AmountInvalid as exc:
            raise CollectiveRefused(index, exc.messages[0], code=str(exc.code)) from exc
    digest = _request_digest(pairs, cash, occurred)
    repeated = _repeat(key, digest)
    if repeated is not None:
        return repeated
    try:
        with transaction.atomic():
            locked = savings_accounts_lock([pk for pk, _amount in pairs], related=False)
            products = {
                p.pk: p
                for p in SavingsProduct.objects.filter(
                    pk__in={row.product_id for row in locked.values()}
                )
            }
            people = {
                pk: (number, status)
                for pk, number, status in Member.objects.filter(
                    pk__in=[row.member_id for row in locked.values()]
                ).values_list("pk", "member_number", "status")
            }
            repeated = _repeat(key, digest)  # a twin committed while we waited
            if repeated is not None:
                return repeated
            by_product: dict[int, list[tuple[SavingsAccount, str, Decimal]]] = {}
            for index, (item, (pk, amount)) in enumerate(zip(items, pairs, strict=True)):
                row = locked.get(pk)
                given = item.account
                if (
                    row is None
                    or row.member_id != given.member_id
                    or row.product_id != given.product_id
                    or row.opened_at != given.opened_at
                ):
                    raise CollectiveRefused(
                        index,
                        _("This savings account is not in this cooperative's books."),
                        code="account_foreign",
                    )
                if row.closed_at is not None:
                    raise CollectiveRefused(
                        index, _("This savings account is closed."), code="account_closed"
                    )
                number, status = people[row.member_id]
                if status != MemberStatus.ACTIVE:
                    raise CollectiveRefused(
                        index,
                        _("Only an active member can save; member %(number)s is %(status)s.")
                        % {"number": number, "status": MemberStatus(status).label},
                        code="member_inactive",
                    )
                product = products[row.product_id]
                try:
                    deposit_check(product=product, account=row, amount=amount)
                except SavingsError as exc:
                    raise CollectiveRefused(index, exc.messages[0], code=str(exc.code)) from exc
                by_product.setdefault(row.product_id, []).append((row, number, amount))
            _backdating_check(locked, occurred)
            made = _book(
                actor=actor,
                key=key,
                digest=digest,
                text=text,
                cash=cash,
                occurred=occurred,
                by_product={products[pk]: rows for pk, rows in by_product.items()},
            )
            audit_record(
                actor=actor,
                action="savings.deposit_collective",
                summary=f"{text} x {len(made)}"[:500],
                data={
                    "count": len(made),
                    "total": f"{sum((t.amount for t in made), Decimal(0)):.2f}",
                    "occurred_at": occurred.isoformat(),
                    "entries": sorted({t.journal_entry_id for t in made}),
                },
            )
    except IntegrityError:
        repeated = _repeat(key, digest)
        if repeated is not None:
            return repeated
        raise
    return made


def _book(
    *,
    actor: Any,
    key: str,
    digest: str,
    text: str,
    cash: str,
    occurred: datetime,
    by_product: dict[SavingsProduct, list[tuple[SavingsAccount, str, Decimal]]],
) -> list[SavingsTransaction]:
    entry_date = business_day_of(occurred)
    teller = actor_id(actor)
    made: list[SavingsTransaction] = []
    for product, rows in by_product.items():
        chunks = [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]
        for number, chunk in enumerate(chunks, start=1):
            total = sum((amount for _row, _member, amount in chunk), Decimal(0))
            suffix = f" {number}/{len(chunks)}" if len(chunks) > 1 else ""
            entry = journal_post(
                actor=actor,
                entry_date=entry_date,
                description=f"{text} - {product.name}{suffix}"[:500],
                lines=[
                    Line(cash, debit=total),
                    *(
                        Line(product.account_code, credit=amount, member_ref=member)
                        for _row, member, amount in chunk
                    ),
                ],
                idempotency_key=f"{LEDGER_KEY_PREFIX}{key}:{product.code}:{number}",
                kind="savings_collective",
            )
            for row, _member, amount in chunk:
                row.balance += amount
                made.append(
                    SavingsTransaction(
                        account=row,
                        kind=SavingsTransactionKind.DEPOSIT,
                        amount=amount,
                        balance_after=row.balance,
                        journal_entry=entry,
                        idempotency_key=f"{key}:{row.pk}",
                        request_digest=digest,
                        teller_id=teller,
                        created_at=occurred,
                    )
                )
    _balances_store([t.account for t in made])
    _transactions_insert(made)
    return made


def _transactions_insert(made: list[SavingsTransaction]) -> None:
    """Insert the rows with a few multi-row statements (Django's bulk_create spends more
    time preparing 10,000 objects than PostgreSQL spends storing them) and set their ids."""
    table = SavingsTransaction._meta.db_table
    with connection.cursor() as cur:
        for start in range(0, len(made), 1000):
            part = made[start : start + 1000]
            ids = execute_values(
                cur.cursor,
                f"INSERT INTO {table} (account_id, kind, amount, balance_after, "
                "journal_entry_id, idempotency_key, request_digest, teller_id, created_at) "
                "VALUES %s RETURNING id",
                [
                    (
                        t.account_id,
                        t.kind,
                        t.amount,
                        t.balance_after,
                        t.journal_entry_id,
                        t.idempotency_key,
                        t.request_digest,
                        t.teller_id,
                        t.created_at,
                    )
                    for t in part
                ],
                page_size=1000,
                fetch=True,
            )
            for row, (pk,) in zip(part, ids, strict=True):
                row.pk = row.id = pk
                row._state.adding = False


def _balances_store(accounts: list[SavingsAccount]) -> None:
    """Write the new balances of many (locked) accounts with one statement per 1,000."""
    table = SavingsAccount._meta.db_table
    with connection.cursor() as cur:
        for start in range(0, len(accounts), 1000):
            part = accounts[start : start + 1000]
            values = ", ".join(["(%s::bigint, %s::numeric)"] * len(part))
            params: list[Any] = []
            for account in part:
                params += [account.pk, account.balance]
            cur.execute(
                f"UPDATE {table} AS a SET balance = v.balance "
                f"FROM (VALUES {values}) AS v(id, balance) WHERE a.id = v.id",
                params,
            )
