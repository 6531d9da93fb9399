"""Time deposits (simpanan berjangka): placed for a fixed term at a fixed rate, paid out
with their interest at maturity, or broken early for the principal less a penalty.

While a deposit runs its principal sits in a berjangka savings account of its own, so the
savings balances keep matching the ledger (docs/decisions/0007).
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from money.rupiah import round_rupiah

from tenants.interest.exceptions import TermDepositRefused
from tenants.ledger.actors import actor_id
from tenants.ledger.hashing import canonical_json
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import (
    Member,
    MemberStatus,
    PayoutTo,
    SavingsAccount,
    SavingsKind,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
    TermDeposit,
    TermDepositSetting,
    TermDepositStatus,
)

CASH_ACCOUNT = "1101"  # Kas
INTEREST_EXPENSE_ACCOUNT = "5102"  # Beban Jasa Simpanan Berjangka
PENALTY_INCOME_ACCOUNT = "4202"  # Pendapatan Lain-lain
DEFAULT_PENALTY_PERCENT = Decimal("1.00")
HUNDRED = Decimal(100)
TWELVE = Decimal(12)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")
ZERO = Decimal("0.00")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_deposit_interest(deposit: TermDeposit) -> Decimal:
    """principal x rate x term / 12, rounded down to the rupiah."""
    exact = deposit.principal * deposit.rate_percent / HUNDRED * deposit.term_months / TWELVE
    return round_rupiah(exact, down=True)


def term_deposit_penalty(deposit: TermDeposit) -> Decimal:
    """The early-break penalty: penalty percent of the principal, rounded down."""
    return round_rupiah(deposit.principal * deposit.penalty_percent / HUNDRED, down=True)


def _principal_check(amount: object) -> Decimal:
    if (
        not isinstance(amount, Decimal)
        or not amount.is_finite()
        or amount <= 0
        or amount > MAX_AMOUNT
        or amount != amount.quantize(CENT)
    ):
        raise TermDepositRefused(
            _("The principal must be a Decimal amount of more than zero, in rupiah and sen."),
            code="principal_invalid",
        )
    return amount


def _member_active(member: Member) -> Member:
    current = Member.objects.filter(pk=member.pk).first() if member.pk else None
    if current is None or current.nik_hash != member.nik_hash:
        raise TermDepositRefused(
            _("This member is not in this cooperative's books."), code="member_foreign"
        )
    if current.status != MemberStatus.ACTIVE:
        raise TermDepositRefused(
            _("Only an active member can open a time deposit."), code="member_inactive"
        )
    return current


def _product_check(product: SavingsProduct) -> SavingsProduct:
    current = SavingsProduct.objects.filter(pk=product.pk).first() if product.pk else None
    if current is None or current.code != product.code or current.kind != SavingsKind.BERJANGKA:
        raise TermDepositRefused(
            _("Choose one of this cooperative's time deposit products."), code="product_invalid"
        )
    if not current.is_active:
        raise TermDepositRefused(
            _("This savings product is no longer offered."), code="product_inactive"
        )
    return current


def term_deposit_open(
    *,
    actor: Any,
    member: Member,
    product: SavingsProduct,
    principal: Decimal,
    idempotency_key: str,
    opened_on: date | None = None,
    cash_account_code: str = CASH_ACCOUNT,
) -> TermDeposit:
    """Place ``principal`` in a time deposit of ``product`` (debit Kas, credit Simpanan
    Berjangka), at the product's rate and penalty of the day, maturing ``term`` months
    after ``opened_on`` (today unless back-dated into an open period). The same key again
    returns the first deposit; a different request under it is refused."""
    require_cooperative()
    clean = _principal_check(principal)
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > 60:
        raise TermDepositRefused(
            _("An idempotency key of 1 to 60 characters is required."), code="key_invalid"
        )
    today = business_today()
    day = opened_on or today
    if day > today:
        raise TermDepositRefused(
            _("A time deposit cannot be opened in the future."), code="date_future"
        )
    current_product = _product_check(product)
    current_member = _member_active(member)
    existing = TermDeposit.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _repeat(existing, current_member, current_product, clean)
    assert current_product.term_months is not None  # a check constraint guarantees it
    setting = TermDepositSetting.objects.filter(product=current_product).first()
    number = current_member.member_number
    try:
        with transaction.atomic():
            account = SavingsAccount.objects.create(
                member=current_member,
                product=current_product,
                kind=SavingsKind.BERJANGKA,
                balance=clean,
                opened_at=timezone.now(),
            )
            entry = journal_post(
                actor=actor,
                entry_date=day,
                description=f"Setoran {current_product.name} {number}",
                lines=[
                    Line(cash_account_code, debit=clean),
                    Line(current_product.account_code, credit=clean, member_ref=number),
                ],
                idempotency_key=f"berjangka:open:{key}",
                kind="term_deposit_open",
            )
            deposit = TermDeposit.objects.create(
                member=current_member,
                product=current_product,
                account=account,
                principal=clean,
                rate_percent=current_product.annual_rate_percent,
                term_months=current_product.term_months,
                penalty_percent=setting.penalty_percent if setting else DEFAULT_PENALTY_PERCENT,
                opened_on=day,
                maturity_on=add_months(day, current_product.term_months),
                open_entry=entry,
                idempotency_key=key,
            )
            audit_record(
                actor=actor,
                action="savings.term_deposit.open",
                obj=deposit,
                summary=f"{current_product.code} {number}",
                data={
                    "member": number,
                    "product": current_product.code,
                    "principal": f"{clean:.2f}",
                    "rate_percent": f"{deposit.rate_percent}",
                    "maturity_on": deposit.maturity_on.isoformat(),
                    "journal_entry": entry.pk,
                },
            )
    except IntegrityError:
        existing = TermDeposit.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _repeat(existing, current_member, current_product, clean)
        raise
    return deposit


def _repeat(
    existing: TermDeposit, member: Member, product: SavingsProduct, principal: Decimal
) -> TermDeposit:
    if (existing.member_id, existing.product_id, existing.principal) != (
        member.pk,
        product.pk,
        principal,
    ):
        raise TermDepositRefused(
            _("This idempotency key was already used for a different time deposit."),
            code="idempotency_conflict",
        )
    return existing


def sukarela_account_for(member_id: int) -> SavingsAccount | None:
    """The member's open simpanan sukarela account, if any."""
    return (
        SavingsAccount.objects.filter(
            member_id=member_id, kind=SavingsKind.SUKARELA, closed_at__isnull=True
        )
        .order_by("pk")
        .first()
    )


def locked_accounts(ids: list[int]) -> dict[int, SavingsAccount]:
    """Savings account rows FOR UPDATE in id order (the savings services' lock order)."""
    return {
        account.pk: account
        for account in SavingsAccount.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=ids)
        .order_by("pk")
    }


def credit_sukarela(
    *, actor: Any, account: SavingsAccount, amount: Decimal, entry: Any, key: str
) -> SavingsTransaction:
    """Record a payout into a (locked) sukarela account that ``entry`` booked, and move
    its balance, as a deposit would."""
    account.balance += amount
    account.save(update_fields=["balance"])
    digest = hashlib.sha256(
        canonical_json({"kind": "payout", "account": account.pk, "amount": f"{amount:.2f}"})
    ).hexdigest()
    return SavingsTransaction.objects.create(
        account=account,
        kind=SavingsTransactionKind.DEPOSIT,
        amount=amount,
        balance_after=account.balance,
        journal_entry=entry,
        idempotency_key=key,
        request_digest=digest,
        teller_id=actor_id(actor),
        created_at=timezone.now(),
    )


def _settle(
    *, actor: Any, deposit: TermDeposit, payout_to: str, early: bool, cash_account_code: str
) -> TermDeposit:
    require_cooperative()
    if payout_to not in PayoutTo.values:
        raise TermDepositRefused(_("Pay out to cash or to sukarela."), code="payout_invalid")
    current = TermDeposit.objects.filter(pk=deposit.pk).first() if deposit.pk else None
    if current is None or current.idempotency_key != deposit.idempotency_key:
        raise TermDepositRefused(
            _("This time deposit is not in this cooperative's books."), code="deposit_foreign"
        )
    target = TermDepositStatus.BROKEN if early else TermDepositStatus.MATURED
    sukarela = sukarela_account_for(current.member_id) if payout_to == PayoutTo.SUKARELA else None
    if payout_to == PayoutTo.SUKARELA and sukarela is None:
        raise TermDepositRefused(
            _("The member has no open simpanan sukarela account to pay into."),
            code="no_sukarela",
        )
    with transaction.atomic():
        ids = [current.account_id] + ([sukarela.pk] if sukarela else [])
        accounts = locked_accounts(ids)
        locked = TermDeposit.objects.select_for_update().get(pk=current.pk)
        if locked.status == target:
            return locked  # settled already (a retry)
        if locked.status != TermDepositStatus.ACTIVE:
            raise TermDepositRefused(
                _("This time deposit has been settled already."), code="deposit_settled"
            )
        today = business_today()
        if early and today >= locked.maturity_on:
            raise TermDepositRefused(
                _("This time deposit has matured; pay it out at maturity instead."),
                code="deposit_matured",
            )
        if not early and today < locked.maturity_on:
            raise TermDepositRefused(
                _("This time deposit matures on %(date)s.")
                % {"date": locked.maturity_on.isoformat()},
                code="deposit_not_matured",
            )
        interest = ZERO if early else term_deposit_interest(locked)
        penalty = term_deposit_penalty(locked) if early else ZERO
        payout = locked.principal + interest - penalty
        holding = accounts[locked.account_id]
        number = Member.objects.values_list("member_number", flat=True).get(pk=locked.member_id)
        product = holding.product
        lines = [Line(product.account_code, debit=locked.principal, member_ref=number)]
        if interest > 0:
            lines.append(Line(INTEREST_EXPENSE_ACCOUNT, debit=interest, member_ref=number))
        if penalty > 0:
            lines.append(Line(PENALTY_INCOME_ACCOUNT, credit=penalty, member_ref=number))
        destination = accounts[sukarela.pk] if sukarela else None
        if payout > 0:
            code = destination.product.account_code if destination else cash_account_code
            lines.append(Line(code, credit=payout, member_ref=number))
        word = "Pencairan dini" if early else "Pencairan"
        entry = journal_post(
            actor=actor,
            entry_date=today,
            description=f"{word} {product.name} {number}",
            lines=lines,
            idempotency_key=f"berjangka:{locked.pk}:payout",
            kind="term_deposit_break" if early else "term_deposit_mature",
        )
        holding.balance = ZERO
        holding.closed_at = timezone.now()
        holding.save(update_fields=["balance", "closed_at"])
        if destination is not None and payout > 0:
            credit_sukarela(
                actor=actor,
                account=destination,
                amount=payout,
                entry=entry,
                key=f"berjangka:{locked.pk}:payout",
            )
        locked.status = target
        locked.interest = interest
        locked.penalty = penalty
        locked.payout_to = payout_to
        locked.settled_on = today
        locked.payout_entry = entry
        locked.save(
            update_fields=[
                "status",
                "interest",
                "penalty",
                "payout_to",
                "settled_on",
                "payout_entry",
            ]
        )
        audit_record(
            actor=actor,
            action=f"savings.term_deposit.{target}",
            obj=locked,
            summary=f"{product.code} {number}",
            data={
                "member": number,
                "principal": f"{locked.principal:.2f}",
                "interest": f"{interest:.2f}",
                "penalty": f"{penalty:.2f}",
                "payout": f"{payout:.2f}",
                "payout_to": payout_to,
                "journal_entry": entry.pk,
            },
        )
    return locked


def term_deposit_mature(
    *,
    actor: Any,
    deposit: TermDeposit,
    payout_to: str = PayoutTo.CASH,
    cash_account_code: str = CASH_ACCOUNT,
) -> TermDeposit:
    """Pay a matured deposit out: principal + interest (principal x rate x term / 12,
    rounded down) to cash or the member's sukarela. Debit Simpanan Berjangka and Beban
    Jasa Simpanan Berjangka, credit Kas (or Simpanan Sukarela). Refused before the
    maturity date. Locks the deposit's savings account (and the sukarela one) in id order,
    then the deposit, then the ledger. Paying out again returns the settled deposit."""
    return _settle(
        actor=actor,
        deposit=deposit,
        payout_to=payout_to,
        early=False,
        cash_account_code=cash_account_code,
    )


def term_deposit_break(
    *,
    actor: Any,
    deposit: TermDeposit,
    payout_to: str = PayoutTo.CASH,
    cash_account_code: str = CASH_ACCOUNT,
) -> TermDeposit:
    """Break a deposit before it matures: no interest, and the penalty (the product's
    setting, else 1% of the principal, rounded down) is booked as income. Debit Simpanan
    Berjangka, credit Pendapatan Lain-lain (penalty) and Kas or Simpanan Sukarela (the
    rest). Refused on or after the maturity date. Locks as term_deposit_mature."""
    return _settle(
        actor=actor,
        deposit=deposit,
        payout_to=payout_to,
        early=True,
        cash_account_code=cash_account_code,
    )
