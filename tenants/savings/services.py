"""Writes to members' savings. Each service checks everything before it writes and runs in
one transaction with its journal entry and audit row; a refusal (SavingsError, or a
LedgerError from the ledger) leaves nothing behind. Audit rows carry the member number,
never personal data."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.ledger.actors import actor_id
from tenants.ledger.exceptions import IdempotencyConflict as LedgerIdempotencyConflict
from tenants.ledger.hashing import canonical_json
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import (
    Member,
    MemberStatus,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
)
from tenants.savings.exceptions import AccountUnavailable, AmountInvalid, IdempotencyConflict
from tenants.savings.lock_objects import savings_account_lock
from tenants.savings.products import deposit_check, withdrawal_check

CASH_ACCOUNT = "1101"  # Kas, in the default chart
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")  # numeric(18, 2)
KEY_MAX = 90  # the ledger's key is "savings:" + ours, at most 100 characters
LEDGER_KEY_PREFIX = "savings:"
DESCRIPTIONS: dict[str, str] = {
    SavingsTransactionKind.DEPOSIT: "Setoran",
    SavingsTransactionKind.WITHDRAWAL: "Penarikan",
}


def _member_check(member: Member) -> Member:
    """The member as this cooperative's books have it; refuses another cooperative's."""
    current = Member.objects.filter(pk=member.pk).first() if member.pk else None
    if (
        current is None
        or current.member_number != member.member_number
        or current.nik_hash != member.nik_hash
    ):
        raise AccountUnavailable(
            _("This member is not in this cooperative's books."), code="member_foreign"
        )
    if current.status != MemberStatus.ACTIVE:
        raise AccountUnavailable(
            _("Only an active member can save; this member is %(status)s.")
            % {"status": current.get_status_display()},
            code="member_inactive",
        )
    return current


def savings_product_offered(product: SavingsProduct) -> SavingsProduct:
    """The product as this cooperative's books have it, if it is still offered; refuses
    another cooperative's product object and an inactive one."""
    current = SavingsProduct.objects.filter(pk=product.pk).first() if product.pk else None
    if current is None or current.code != product.code:
        raise AccountUnavailable(
            _("This savings product is not offered by this cooperative."),
            code="product_foreign",
        )
    if not current.is_active:
        raise AccountUnavailable(
            _("This savings product is no longer offered."), code="product_inactive"
        )
    return current


def savings_account_open(*, actor: Any, member: Member, product: SavingsProduct) -> SavingsAccount:
    """Open an account of ``product`` for an active member. A member has at most one pokok,
    wajib and sukarela account each (a unique constraint); time deposits may repeat."""
    require_cooperative()
    current_product = savings_product_offered(product)
    try:
        with transaction.atomic():
            current_member = _member_check(member)
            account = SavingsAccount.objects.create(
                member=current_member,
                product=current_product,
                kind=current_product.kind,
                opened_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="savings.account.open",
                obj=account,
                summary=f"{current_product.code} {current_member.member_number}",
                data={"product": current_product.code, "member": current_member.member_number},
            )
    except IntegrityError as exc:
        raise AccountUnavailable(
            _("This member already has a %(product)s account.") % {"product": current_product.name},
            code="account_duplicate",
        ) from exc
    return account


def savings_amount_check(amount: object) -> Decimal:
    if not isinstance(amount, Decimal):
        raise AmountInvalid(
            _("Amounts must be Decimal, not %(type)s.") % {"type": type(amount).__name__},
            code="amount_type",
        )
    if not amount.is_finite():
        raise AmountInvalid(_("The amount is not a number."), code="amount_invalid")
    if amount <= 0:
        raise AmountInvalid(_("The amount must be more than zero."), code="amount_not_positive")
    if amount > MAX_AMOUNT:
        raise AmountInvalid(_("The amount is too large."), code="amount_too_large")
    if amount != amount.quantize(CENT):
        raise AmountInvalid(_("Amounts have at most two decimal places."), code="amount_precision")
    return amount


def _key_check(idempotency_key: object) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > KEY_MAX:
        raise AmountInvalid(
            _("An idempotency key of 1 to %(max)s characters is required.") % {"max": KEY_MAX},
            code="key_invalid",
        )
    return key


def _repeat(key: str, digest: str) -> SavingsTransaction | None:
    """The transaction made earlier with this key, if any; refuses a different request."""
    existing = SavingsTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.request_digest != digest:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different transaction."),
            code="idempotency_conflict",
        )
    return existing


def _same_account(locked: SavingsAccount | None, given: SavingsAccount) -> SavingsAccount:
    """An account object from another cooperative's books has an id that means something
    else here (or nothing): refuse it unless the row is the same account."""
    if (
        locked is None
        or locked.member_id != given.member_id
        or locked.product_id != given.product_id
        or locked.opened_at != given.opened_at
    ):
        raise AccountUnavailable(
            _("This savings account is not in this cooperative's books."),
            code="account_foreign",
        )
    if locked.closed_at is not None:
        raise AccountUnavailable(_("This savings account is closed."), code="account_closed")
    return locked


def _move(
    *,
    kind: str,
    actor: Any,
    account: SavingsAccount,
    amount: object,
    idempotency_key: object,
    cash_account_code: str,
) -> SavingsTransaction:
    require_cooperative()
    if not isinstance(account, SavingsAccount) or account.pk is None:
        raise AccountUnavailable(_("Choose a savings account."), code="account_missing")
    clean = savings_amount_check(amount)
    key = _key_check(idempotency_key)
    cash = cash_account_code.strip() if isinstance(cash_account_code, str) else ""
    if not cash:
        raise AmountInvalid(_("Choose the cash or bank account."), code="cash_account")
    digest = hashlib.sha256(
        canonical_json(
            {"kind": kind, "account": account.pk, "amount": f"{clean:.2f}", "cash": cash}
        )
    ).hexdigest()
    existing = _repeat(key, digest)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            locked = _same_account(savings_account_lock(account.pk), account)
            # A twin request with this key for this account has committed while we waited.
            existing = _repeat(key, digest)
            if existing is not None:
                return existing
            _member_check(locked.member)
            product = locked.product
            number = locked.member.member_number
            if kind == SavingsTransactionKind.DEPOSIT:
                deposit_check(product=product, account=locked, amount=clean)
                balance_after = locked.balance + clean
                cash_line = Line(cash, debit=clean)
                savings_line = Line(product.account_code, credit=clean, member_ref=number)
            else:
                withdrawal_check(product=product, account=locked, amount=clean)
                balance_after = locked.balance - clean
                cash_line = Line(cash, credit=clean)
                savings_line = Line(product.account_code, debit=clean, member_ref=number)
            entry = journal_post(
                actor=actor,
                entry_date=business_today(),
                description=f"{DESCRIPTIONS[kind]} {product.name} {number}",
                lines=[cash_line, savings_line],
                idempotency_key=LEDGER_KEY_PREFIX + key,
                kind=f"savings_{kind}",
            )
            locked.balance = balance_after
            locked.save(update_fields=["balance"])
            created = SavingsTransaction.objects.create(
                account=locked,
                kind=kind,
                amount=clean,
                balance_after=balance_after,
                journal_entry=entry,
                idempotency_key=key,
                request_digest=digest,
                teller_id=actor_id(actor),
                created_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action=f"savings.{kind}",
                obj=created,
                summary=f"{DESCRIPTIONS[kind]} {product.code} {number}",
                data={
                    "account": locked.pk,
                    "product": product.code,
                    "member": number,
                    "amount": f"{clean:.2f}",
                    "balance_after": f"{balance_after:.2f}",
                    "journal_entry": entry.pk,
                },
            )
    except LedgerIdempotencyConflict as exc:
        # A twin with this key for another account won the race to the ledger.
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different transaction."),
            code="idempotency_conflict",
        ) from exc
    except IntegrityError:
        # A twin with this key committed first; the unique constraint made us wait for it.
        existing = _repeat(key, digest)
        if existing is not None:
            return existing
        raise
    return created


def savings_deposit(
    *,
    actor: Any,
    account: SavingsAccount,
    amount: Decimal,
    idempotency_key: str,
    cash_account_code: str = CASH_ACCOUNT,
) -> SavingsTransaction:
    """Deposit ``amount`` (Decimal, > 0, at most two decimals) into a member's savings:
    debit the cash account, credit the product's savings account, in one transaction.

    Locks the savings account row (FOR UPDATE), then the ledger's rows (journal_post).
    Pokok must be exactly the product's amount and is paid once; wajib comes in multiples
    of the monthly amount. The member must be active. The same key again returns the first
    transaction and posts nothing; the same key with a different request is refused.
    """
    return _move(
        kind=SavingsTransactionKind.DEPOSIT,
        actor=actor,
        account=account,
        amount=amount,
        idempotency_key=idempotency_key,
        cash_account_code=cash_account_code,
    )


def savings_withdraw(
    *,
    actor: Any,
    account: SavingsAccount,
    amount: Decimal,
    idempotency_key: str,
    cash_account_code: str = CASH_ACCOUNT,
) -> SavingsTransaction:
    """Pay ``amount`` out of a member's simpanan sukarela: debit the savings account,
    credit cash, in one transaction.

    Locks the savings account row (FOR UPDATE) before reading the balance, so concurrent
    withdrawals queue and none can overdraw. Refused: pokok, wajib and berjangka; more
    than the balance; leaving less than the reserved amount or the product's minimum; an
    inactive member. Idempotent by key, as savings_deposit.
    """
    return _move(
        kind=SavingsTransactionKind.WITHDRAWAL,
        actor=actor,
        account=account,
        amount=amount,
        idempotency_key=idempotency_key,
        cash_account_code=cash_account_code,
    )
