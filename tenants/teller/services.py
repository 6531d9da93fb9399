"""Writes at the teller's desk: opening and closing the cash drawer, and deposits and
withdrawals that go through it. Each runs in one transaction with its audit row; the
drawer row is locked first (FOR UPDATE), then tenants.savings and the ledger take theirs,
so one teller's requests queue on their drawer and a double submit posts once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from identity import access

from tenants.ledger.actors import actor_id
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import JournalEntry, SavingsAccount, SavingsTransaction
from tenants.models.teller import CashDrawer, CashDrawerMovement
from tenants.savings.services import CASH_ACCOUNT, savings_deposit, savings_withdraw
from tenants.teller.access import can_close_others_drawers
from tenants.teller.exceptions import (
    CountInvalid,
    DrawerAlreadyOpen,
    DrawerCloseRefused,
    DrawerNotOpen,
)
from tenants.teller.selectors import drawer_totals

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_COUNT = Decimal("9999999999999999.99")  # numeric(18, 2)
# Cash over/short, in the default chart (tenants/migrations/0003_default_chart.py): a
# surplus is other income, a shortage an other expense, both against Kas.
CASH_OVER_ACCOUNT = "4202"  # Pendapatan Lain-lain
CASH_SHORT_ACCOUNT = "5302"  # Beban Lain-lain
NOTE_MAX = 500


def _teller_id(actor: Any) -> int:
    found = actor_id(actor)
    if found is None:
        raise DrawerNotOpen(_("Only a signed-in teller has a cash drawer."), code="no_teller")
    return found


def _count_check(count: object) -> Decimal:
    if not isinstance(count, Decimal) or not count.is_finite():
        raise CountInvalid(_("Enter the cash counted, in rupiah."), code="count_invalid")
    if count < 0:
        raise CountInvalid(_("The cash counted cannot be negative."), code="count_negative")
    if count > MAX_COUNT:
        raise CountInvalid(_("The cash counted is too large."), code="count_too_large")
    if count != count.quantize(CENT):
        raise CountInvalid(_("Amounts have at most two decimal places."), code="count_precision")
    return count


def _drawer_lock(teller_id: int) -> CashDrawer:
    drawer = (
        CashDrawer.objects.select_for_update()
        .filter(teller_id=teller_id, closed_at__isnull=True)
        .first()
    )
    if drawer is None:
        raise DrawerNotOpen(
            _("Open your cash drawer first: counter transactions need an open drawer."),
            code="drawer_not_open",
        )
    return drawer


def drawer_open(*, actor: Any, opening_count: Decimal, note: str = "") -> CashDrawer:
    """Open the acting teller's drawer with the cash counted into it. One open drawer per
    teller (a unique constraint, so two racing requests cannot both open one)."""
    require_cooperative()
    teller = _teller_id(actor)
    count = _count_check(opening_count)
    try:
        with transaction.atomic():
            drawer = CashDrawer.objects.create(
                teller_id=teller,
                opened_at=timezone.now(),
                opening_count=count,
                note=(note or "").strip()[:NOTE_MAX],
            )
            audit_record(
                actor=actor,
                action="teller.drawer.open",
                obj=drawer,
                summary=f"Buka laci kas #{drawer.pk}",
                data={"opening_count": f"{count:.2f}"},
            )
    except IntegrityError as exc:
        raise DrawerAlreadyOpen(
            _("Your cash drawer is already open."), code="drawer_already_open"
        ) from exc
    return drawer


def drawer_close(*, actor: Any, closing_count: Decimal, note: str = "") -> CashDrawer:
    """Close the acting teller's open drawer with the cash counted in it.

    Locks the drawer row (FOR UPDATE), so no counter transaction can slip in between the
    sum and the close. Expected = opening count + deposits - withdrawals made through the
    drawer. A non-zero difference (counted - expected) is posted to the ledger: a surplus
    debits Kas and credits other income, a shortage debits other expenses and credits Kas
    (docs/decisions/0010-cash-over-short.md).
    """
    require_cooperative()
    teller = _teller_id(actor)
    count = _count_check(closing_count)
    with transaction.atomic():
        drawer = (
            CashDrawer.objects.select_for_update()
            .filter(teller_id=teller, closed_at__isnull=True)
            .first()
        )
        if drawer is None:
            # Never opened, closed already, or closed for the teller by the board.
            raise DrawerNotOpen(_("Your cash drawer is not open."), code="drawer_not_open")
        return _close(actor=actor, drawer=drawer, count=count, note=(note or "").strip())


def drawer_close_for(
    *, actor: Any, drawer_id: int, closing_count: Decimal, note: str
) -> CashDrawer:
    """Close another teller's open drawer for them (e.g. the teller went home ill), with
    the cash counted in it and a note saying why. Only the board (pengurus) and the
    manager (manajer) may (tenants.teller.access). The difference is worked out and booked
    exactly as at the teller's own close (drawer_close); the audit row and the journal
    entry record who closed it, the audit row also for whom.

    Locks the drawer row (FOR UPDATE) as the teller's own requests do, so a deposit at the
    teller's desk, the teller's own close and this one queue on it: whichever closes first
    wins, and the other is refused (DrawerCloseRefused / DrawerNotOpen) with nothing
    written.
    """
    require_cooperative()
    if actor_id(actor) is None or not can_close_others_drawers(actor, access.current_cooperative()):
        raise DrawerCloseRefused(
            _("Only the board or the manager may close another teller's cash drawer."),
            code="not_allowed",
        )
    count = _count_check(closing_count)
    text = (note or "").strip() if isinstance(note, str) else ""
    if not text:
        raise DrawerCloseRefused(
            _("Write a note saying why you are closing this drawer for the teller."),
            code="note_required",
        )
    if len(text) > NOTE_MAX:
        raise DrawerCloseRefused(
            _("The note is too long (at most 500 characters)."), code="note_too_long"
        )
    if not isinstance(drawer_id, int) or isinstance(drawer_id, bool):
        raise DrawerCloseRefused(_("No cash drawer has this number."), code="drawer_not_found")
    with transaction.atomic():
        drawer = CashDrawer.objects.select_for_update().filter(pk=drawer_id).first()
        if drawer is None:
            raise DrawerCloseRefused(_("No cash drawer has this number."), code="drawer_not_found")
        if drawer.closed_at is not None:
            raise DrawerCloseRefused(
                _("This cash drawer is already closed."), code="drawer_already_closed"
            )
        return _close(actor=actor, drawer=drawer, count=count, note=text)


def _close(*, actor: Any, drawer: CashDrawer, count: Decimal, note: str) -> CashDrawer:
    """Close a drawer locked by the caller (inside its transaction): the expected cash, the
    difference and its over/short entry, the note, the audit row."""
    expected = drawer_totals(drawer).expected(drawer.opening_count)
    difference = count - expected
    entry = None
    if difference != ZERO:
        if difference > 0:
            lines = [
                Line(CASH_ACCOUNT, debit=difference),
                Line(CASH_OVER_ACCOUNT, credit=difference),
            ]
            label = "Selisih lebih kas"
        else:
            lines = [
                Line(CASH_SHORT_ACCOUNT, debit=-difference),
                Line(CASH_ACCOUNT, credit=-difference),
            ]
            label = "Selisih kurang kas"
        entry = journal_post(
            actor=actor,
            entry_date=business_today(),
            description=f"{label} laci kas #{drawer.pk}",
            lines=lines,
            idempotency_key=f"teller-drawer-close:{drawer.pk}",
            kind="cash_over_short",
        )
    drawer.closed_at = timezone.now()
    drawer.closing_count = count
    drawer.expected = expected
    drawer.difference = difference
    drawer.difference_entry = entry
    extra = note[:NOTE_MAX]
    if extra:
        drawer.note = f"{drawer.note}\n{extra}".strip()[: NOTE_MAX * 2]
    drawer.save(
        update_fields=[
            "closed_at",
            "closing_count",
            "expected",
            "difference",
            "difference_entry",
            "note",
        ]
    )
    closer = actor_id(actor)
    for_other = closer != drawer.teller_id
    audit_record(
        actor=actor,
        action="teller.drawer.close",
        obj=drawer,
        summary=f"Tutup laci kas #{drawer.pk}" + (" untuk kasir" if for_other else ""),
        data={
            "teller": drawer.teller_id,
            "closed_by": closer,
            "for_other": for_other,
            "closing_count": f"{count:.2f}",
            "expected": f"{expected:.2f}",
            "difference": f"{difference:.2f}",
            "journal_entry": entry.pk if entry else None,
            "note": extra,
        },
    )
    return drawer


def _through_drawer(
    *, actor: Any, account: SavingsAccount, amount: Decimal, idempotency_key: str, deposit: bool
) -> SavingsTransaction:
    require_cooperative()
    teller = _teller_id(actor)
    with transaction.atomic():
        drawer = _drawer_lock(teller)
        move = savings_deposit if deposit else savings_withdraw
        made = move(actor=actor, account=account, amount=amount, idempotency_key=idempotency_key)
        # The same key again returns the first transaction: link it once only.
        if not CashDrawerMovement.objects.filter(savings_transaction=made).exists():
            CashDrawerMovement.objects.create(
                drawer=drawer,
                savings_transaction=made,
                amount=made.amount if deposit else -made.amount,
            )
    return made


def teller_deposit(
    *, actor: Any, account: SavingsAccount, amount: Decimal, idempotency_key: str
) -> SavingsTransaction:
    """Take ``amount`` in cash at the counter into a member's savings (savings_deposit,
    booked to Kas) and record it in the teller's open drawer, in one transaction.

    Locks the teller's drawer row first. Refused without an open drawer. The same key
    again returns the first transaction and posts nothing."""
    return _through_drawer(
        actor=actor, account=account, amount=amount, idempotency_key=idempotency_key, deposit=True
    )


def teller_withdraw(
    *, actor: Any, account: SavingsAccount, amount: Decimal, idempotency_key: str
) -> SavingsTransaction:
    """Pay ``amount`` in cash out of a member's savings (savings_withdraw, from Kas) and
    record it in the teller's open drawer, in one transaction. As teller_deposit."""
    return _through_drawer(
        actor=actor, account=account, amount=amount, idempotency_key=idempotency_key, deposit=False
    )


def teller_cash_post(
    *,
    actor: Any,
    amount: Decimal,
    counter_account_code: str,
    description: str,
    idempotency_key: str,
    member_ref: str = "",
    kind: str = "counter_cash",
) -> JournalEntry:
    """Cash taken in (``amount`` > 0) or paid out (< 0) at the acting teller's open drawer
    for something other than savings (a loan repayment, a PPOB sale paid in cash): one
    journal entry of Kas against ``counter_account_code`` and the drawer movement, so the
    drawer's expected cash includes it. Locks the drawer first, then the ledger. The same
    key again returns the first entry and adds no second movement."""
    require_cooperative()
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount == 0:
        raise CountInvalid(_("Enter the amount of cash, in rupiah."), code="amount_invalid")
    teller = _teller_id(actor)
    size = abs(amount)
    cash = Line(CASH_ACCOUNT, debit=size) if amount > 0 else Line(CASH_ACCOUNT, credit=size)
    counter = (
        Line(counter_account_code, credit=size, member_ref=member_ref)
        if amount > 0
        else Line(counter_account_code, debit=size, member_ref=member_ref)
    )
    with transaction.atomic():
        drawer = _drawer_lock(teller)
        entry = journal_post(
            actor=actor,
            entry_date=business_today(),
            description=description,
            lines=[cash, counter],
            idempotency_key=idempotency_key,
            kind=kind,
        )
        if not CashDrawerMovement.objects.filter(journal_entry=entry).exists():
            CashDrawerMovement.objects.create(
                drawer=drawer,
                journal_entry=entry,
                description=description[:200],
                amount=amount,
            )
            audit_record(
                actor=actor,
                action="teller.cash",
                obj=entry,
                summary=description[:200],
                data={"drawer": drawer.pk, "amount": f"{amount:.2f}", "entry": entry.pk},
            )
    return entry
