"""The payout of a member who has left (tenants.members.services.member_resign): their
simpanan pokok and wajib are returned, once, and those accounts closed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.interest.berjangka import CASH_ACCOUNT, credit_sukarela, locked_accounts
from tenants.interest.exceptions import ResignationRefused
from tenants.ledger.actors import actor_id
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.loans.selectors import member_has_open_loans
from tenants.models import (
    Member,
    MemberStatus,
    PayoutTo,
    ResignationSettlement,
    SavingsAccount,
    SavingsKind,
    TermDeposit,
    TermDepositStatus,
)

ZERO = Decimal("0.00")
RETURNED_KINDS = (SavingsKind.POKOK, SavingsKind.WAJIB)
# Whoever leaves gets pokok and wajib back (UU 25/1992 art. 19 and the bylaws): on death
# the heirs receive it (the cash payout, by the shares on record), on expulsion the member.
LEFT_STATUSES = (MemberStatus.RESIGNED, MemberStatus.DECEASED, MemberStatus.EXPELLED)


def resignation_settle(
    *,
    actor: Any,
    member: Member,
    payout_to: str = PayoutTo.CASH,
    cash_account_code: str = CASH_ACCOUNT,
) -> ResignationSettlement:
    """Return a resigned member's pokok and wajib: debit Simpanan Pokok and Simpanan Wajib,
    credit Kas (or the member's Simpanan Sukarela), and close the pokok and wajib accounts.

    Refused (nothing written) unless the member has left (resigned, died: paid to the
    heirs, or was expelled); while a loan of theirs is open (an application awaiting its
    decision or payout, or a loan not paid off); while a time deposit of theirs is still
    running; while any of their savings is held for an outstanding
    obligation (``reserved`` > 0, e.g. loan collateral). Locks the member's savings
    accounts in id order, then the ledger. Settling again returns the first settlement.
    """
    require_cooperative()
    if payout_to not in PayoutTo.values:
        raise ResignationRefused(_("Pay out to cash or to sukarela."), code="payout_invalid")
    current = Member.objects.filter(pk=member.pk).first() if member.pk else None
    if current is None or current.nik_hash != member.nik_hash:
        raise ResignationRefused(
            _("This member is not in this cooperative's books."), code="member_foreign"
        )
    existing = ResignationSettlement.objects.filter(member=current).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ids = list(
                SavingsAccount.objects.filter(member=current, closed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            accounts = locked_accounts(ids)
            existing = ResignationSettlement.objects.filter(member=current).first()
            if existing is not None:
                return existing
            status = Member.objects.values_list("status", flat=True).get(pk=current.pk)
            if status not in LEFT_STATUSES:
                raise ResignationRefused(
                    _(
                        "Only a member who has left (resigned, died or was expelled) "
                        "can be paid out."
                    ),
                    code="member_not_resigned",
                )
            if member_has_open_loans(current):
                raise ResignationRefused(
                    _("Settle the member's loans first: an application or a loan is still open."),
                    code="open_loan",
                )
            if TermDeposit.objects.filter(member=current, status=TermDepositStatus.ACTIVE).exists():
                raise ResignationRefused(
                    _("Settle the member's running time deposits first."),
                    code="term_deposit_active",
                )
            if any(account.reserved > 0 for account in accounts.values()):
                raise ResignationRefused(
                    _("Part of the member's savings is held for an outstanding obligation."),
                    code="obligation_outstanding",
                )
            returned = [a for a in accounts.values() if a.kind in RETURNED_KINDS]
            pokok = sum((a.balance for a in returned if a.kind == SavingsKind.POKOK), ZERO)
            wajib = sum((a.balance for a in returned if a.kind == SavingsKind.WAJIB), ZERO)
            total = pokok + wajib
            destination = None
            if payout_to == PayoutTo.SUKARELA:
                destination = next(
                    (a for a in accounts.values() if a.kind == SavingsKind.SUKARELA), None
                )
                if destination is None:
                    raise ResignationRefused(
                        _("The member has no open simpanan sukarela account to pay into."),
                        code="no_sukarela",
                    )
            number = current.member_number
            entry = None
            if total > 0:
                debits: dict[str, Decimal] = {}
                for account in returned:
                    if account.balance > 0:
                        code = account.product.account_code
                        debits[code] = debits.get(code, ZERO) + account.balance
                credit_code = destination.product.account_code if destination else cash_account_code
                entry = journal_post(
                    actor=actor,
                    entry_date=business_today(),
                    description=f"Pengembalian simpanan pokok dan wajib {number}",
                    lines=[
                        Line(code, debit=amount, member_ref=number)
                        for code, amount in sorted(debits.items())
                    ]
                    + [Line(credit_code, credit=total, member_ref=number)],
                    idempotency_key=f"resign:{number}",
                    kind="resignation_payout",
                )
                if destination is not None:
                    credit_sukarela(
                        actor=actor,
                        account=destination,
                        amount=total,
                        entry=entry,
                        key=f"resign:{number}",
                    )
            now = timezone.now()
            SavingsAccount.objects.filter(pk__in=[a.pk for a in returned]).update(
                balance=ZERO, closed_at=now
            )
            settlement = ResignationSettlement.objects.create(
                member=current,
                pokok=pokok,
                wajib=wajib,
                total=total,
                payout_to=payout_to,
                journal_entry=entry,
                settled_on=business_today(),
                created_by_id=actor_id(actor),
                created_at=now,
            )
            audit_record(
                actor=actor,
                action="savings.resignation.settle",
                obj=settlement,
                summary=number,
                data={
                    "member": number,
                    "pokok": f"{pokok:.2f}",
                    "wajib": f"{wajib:.2f}",
                    "payout_to": payout_to,
                    "journal_entry": entry.pk if entry else None,
                },
            )
    except IntegrityError:
        existing = ResignationSettlement.objects.filter(member=current).first()
        if existing is not None:
            return existing
        raise
    return settlement
