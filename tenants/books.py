"""The books' public door: the one interface through which the shared layer (PPOB, the
store, the marketplace, billing in the public schema) and other cooperatives touch a
cooperative's books. docs/books-door.md has examples.

Every function takes the ``cooperative`` (a registry.Cooperative) and the ``caller`` (a
registered name: "ppob", "retail", "marketplace", "billing" or "cooperative:<slug>"),
runs inside that cooperative's schema (tenant_context) and puts the caller's schema back
afterwards. Every write is idempotent by the caller's key (namespaced by the caller), runs
in its own short transaction with its audit row, and never calls anything outside the
database. A refusal is a BooksError (a RefusedError with a stable ``code``) and writes
nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from audit.services import audit_record
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, tenant_context
from federation.errors import RefusedError
from registry.models import Cooperative

from tenants.ledger.exceptions import LedgerError
from tenants.ledger.hashing import canonical_json
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, LineInput, journal_post
from tenants.ledger.tenancy import current_schema, require_cooperative
from tenants.models import (
    Member,
    MemberStatus,
    SavingsAccount,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
)
from tenants.models.books import (
    MemberBusiness,
    MemberBusinessKind,
    ReservationStatus,
    SavingsReservation,
)
from tenants.savings.lock_objects import savings_account_lock

SERVICE_CALLERS = frozenset({"ppob", "retail", "marketplace", "billing"})
COOPERATIVE_CALLER_PREFIX = "cooperative:"
# and every "cooperative:<slug>"; "ppob": teller cash of a sale, and the secondary
# cooperative's cost and margin (docs/ppob.md)
ENTRY_CALLERS = frozenset({"billing", "ppob"})
CLEARING_ACCOUNT = "2111"  # Utang Antar Unit (migration 0010_books_clearing_account)
CARD_SALT = "member-card"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")  # numeric(18, 2)
KEY_MAX = 100
TTL_MIN, TTL_MAX = 30, 7 * 24 * 3600
DESCRIPTION_MAX = 200
REFERENCE_MAX = 100
FUTURE_SKEW = timedelta(minutes=5)

T = TypeVar("T")


class BooksError(RefusedError):
    """A door call refused; nothing was written. ``code`` says which rule."""

    default_code = "books"


class CallerRefused(BooksError):
    default_code = "caller_refused"


class InputInvalid(BooksError):
    default_code = "input_invalid"


class MemberUnavailable(BooksError):
    default_code = "member_unavailable"


class ReservationRefused(BooksError):
    default_code = "reservation_refused"


class IdempotencyConflict(BooksError):
    default_code = "idempotency_conflict"


@dataclass(frozen=True)
class MemberRef:
    member_id: int
    member_number: str
    display_name: str
    status: str
    kind: str


@dataclass(frozen=True)
class ReservationRef:
    reference: str
    member_number: str
    amount: Decimal
    status: str
    expires_at: datetime
    journal_entry_id: int | None


@dataclass(frozen=True)
class BusinessRef:
    business_id: int
    member_number: str
    amount: Decimal
    kind: str
    reference: str
    occurred_at: datetime


@dataclass(frozen=True)
class EntryRef:
    entry_id: int
    entry_date: date
    description: str
    total: Decimal


# --- checks that need no cooperative's books -------------------------------------------


def _caller_check(cooperative: Any, caller: object, *, allowed: frozenset[str] | None) -> str:
    """The caller's name if it is registered (and allowed here); refuses anything else."""
    name = caller if isinstance(caller, str) else ""
    known = name in SERVICE_CALLERS
    if not known and name.startswith(COOPERATIVE_CALLER_PREFIX):
        slug = name.removeprefix(COOPERATIVE_CALLER_PREFIX)
        known = (
            bool(slug)
            and slug != cooperative.slug
            and Cooperative.objects.filter(slug=slug).exists()
        )
    if not known:
        raise CallerRefused(_("This caller is not registered at the books' door."))
    if (
        allowed is not None
        and name not in allowed
        and not name.startswith(COOPERATIVE_CALLER_PREFIX)
    ):
        raise CallerRefused(
            _("This caller may not post journal entries in a cooperative's books."),
            code="caller_not_allowed",
        )
    return name


def _cooperative_check(cooperative: object) -> Cooperative:
    if (
        not isinstance(cooperative, Cooperative)
        or cooperative.pk is None
        or cooperative.schema_name == get_public_schema_name()
    ):
        raise InputInvalid(_("Choose a cooperative."), code="cooperative_invalid")
    return cooperative


def _amount(amount: object) -> Decimal:
    if not isinstance(amount, Decimal):
        raise InputInvalid(
            _("Amounts must be Decimal, not %(type)s.") % {"type": type(amount).__name__},
            code="amount_type",
        )
    if not amount.is_finite() or amount <= 0:
        raise InputInvalid(_("The amount must be more than zero."), code="amount_not_positive")
    if amount > MAX_AMOUNT:
        raise InputInvalid(_("The amount is too large."), code="amount_too_large")
    if amount != amount.quantize(CENT):
        raise InputInvalid(_("Amounts have at most two decimal places."), code="amount_precision")
    return amount.quantize(CENT)


def _key(caller: str, idempotency_key: object) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > KEY_MAX:
        raise InputInvalid(
            _("An idempotency key of 1 to %(max)s characters is required.") % {"max": KEY_MAX},
            code="key_invalid",
        )
    return f"{caller}:{key}"


def _text(value: object, *, limit: int, code: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise InputInvalid(
            _("Enter a text of 1 to %(max)s characters.") % {"max": limit}, code=code
        )
    return text


def _digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _conflict() -> IdempotencyConflict:
    return IdempotencyConflict(
        _("This idempotency key was already used for a different request."),
        code="idempotency_conflict",
    )


def _through(
    cooperative: object, caller: object, work: Callable[[str], T], *, allowed: frozenset[str] | None
) -> T:
    """Check the cooperative and caller, then run ``work(caller)`` in the cooperative's
    schema; the caller's schema (and tenant) is current again afterwards."""
    coop = _cooperative_check(cooperative)
    name = _caller_check(coop, caller, allowed=allowed)
    with tenant_context(coop):
        return work(name)


@contextmanager
def _books_refusals() -> Iterator[None]:
    """A ledger refusal comes out of the door as a BooksError with the ledger's code."""
    try:
        yield
    except LedgerError as exc:
        raise BooksError(exc.messages[0], code=exc.code) from exc


# --- members ----------------------------------------------------------------------------


def member_card_token(member: Member) -> str:
    """The signed reference printed on a member's card (QR): this cooperative's schema and
    the member. Made in the member's cooperative's schema."""
    schema = require_cooperative()
    return signing.dumps(
        {"s": schema, "m": member.pk, "n": member.member_number}, salt=CARD_SALT, compress=True
    )


def _member_ref(member: Member) -> MemberRef:
    return MemberRef(
        member_id=member.pk,
        member_number=member.member_number,
        display_name=member.full_name,
        status=member.status,
        kind=member.kind,
    )


def card_claims(token: object) -> dict[str, Any]:
    """The claims of a signed member card; a forged or damaged one is refused."""
    try:
        loaded = signing.loads(str(token or "").strip(), salt=CARD_SALT)
    except signing.BadSignature as exc:
        raise MemberUnavailable(_("This member card is not valid."), code="card_invalid") from exc
    return loaded if isinstance(loaded, dict) else {}


def card_member_resolve(token: object) -> Member | None:
    """The member of the CURRENT schema's cooperative a card names (None if gone).
    Another cooperative's card is refused. Used by the door and by the staff scan page."""
    claims = card_claims(token)
    if claims.get("s") != current_schema():
        raise MemberUnavailable(
            _("This member card belongs to another cooperative."), code="card_foreign"
        )
    pk, number = claims.get("m"), claims.get("n")
    if not (isinstance(pk, int) and isinstance(number, str)):
        return None
    return Member.objects.filter(pk=pk, member_number=number).first()


def member_find(
    cooperative: Cooperative,
    caller: str,
    *,
    member_number: str | None = None,
    card_token: str | None = None,
    user_id: int | None = None,
) -> MemberRef | None:
    """The member found by exactly one of number, card token or user id; None if none.
    A card token of another cooperative (or a forged one) is refused."""
    given = [value for value in (member_number, card_token, user_id) if value is not None]
    if len(given) != 1:
        raise InputInvalid(
            _("Look a member up by exactly one of number, card or user."), code="lookup_invalid"
        )
    if card_token is not None:
        card_claims(card_token)  # a forged card is refused before entering any schema

    def work(_caller: str) -> MemberRef | None:
        found: Member | None
        if card_token is not None:
            found = card_member_resolve(card_token)
        elif member_number is not None:
            found = Member.objects.filter(member_number=str(member_number).strip()).first()
        elif isinstance(user_id, int) and not isinstance(user_id, bool):
            found = Member.objects.filter(user_id=user_id).first()
        else:
            raise InputInvalid(_("The user id must be a number."), code="lookup_invalid")
        return _member_ref(found) if found is not None else None

    return _through(cooperative, caller, work, allowed=None)


def _active_member(member_number: object) -> Member:
    number = member_number.strip() if isinstance(member_number, str) else ""
    member = Member.objects.filter(member_number=number).first() if number else None
    if member is None:
        raise MemberUnavailable(
            _("There is no such member in this cooperative."), code="member_unknown"
        )
    if member.status != MemberStatus.ACTIVE:
        raise MemberUnavailable(
            _("This member is not active (%(status)s).") % {"status": member.get_status_display()},
            code="member_inactive",
        )
    return member


# --- sukarela reservations --------------------------------------------------------------


def _reservation_ref(reservation: SavingsReservation, member_number: str) -> ReservationRef:
    return ReservationRef(
        reference=str(reservation.reference),
        member_number=member_number,
        amount=reservation.amount,
        status=reservation.status,
        expires_at=reservation.expires_at,
        journal_entry_id=reservation.journal_entry_id,
    )


def _reserve_repeat(key: str, digest: str) -> ReservationRef | None:
    existing = (
        SavingsReservation.objects.filter(idempotency_key=key)
        .select_related("account__member")
        .first()
    )
    if existing is None:
        return None
    if existing.request_digest != digest:
        raise _conflict()
    return _reservation_ref(existing, existing.account.member.member_number)


def sukarela_reserve(
    cooperative: Cooperative,
    caller: str,
    *,
    member_number: str,
    amount: Decimal,
    idempotency_key: str,
    ttl_seconds: int = 900,
) -> ReservationRef:
    """Hold ``amount`` of the member's simpanan sukarela for the caller until it is
    captured, released or expires (``ttl_seconds`` from now). The held total never goes
    above the balance less the product's minimum; a teller's withdrawal cannot take it.
    Locks the account row (FOR UPDATE), so racing callers queue."""
    clean = _amount(amount)
    if (
        not isinstance(ttl_seconds, int)
        or isinstance(ttl_seconds, bool)
        or not TTL_MIN <= ttl_seconds <= TTL_MAX
    ):
        raise InputInvalid(
            _("A hold lasts %(min)s to %(max)s seconds.") % {"min": TTL_MIN, "max": TTL_MAX},
            code="ttl_invalid",
        )

    def work(name: str) -> ReservationRef:
        key = _key(name, idempotency_key)
        number = member_number.strip() if isinstance(member_number, str) else ""
        digest = _digest({"member": number, "amount": f"{clean:.2f}", "ttl": ttl_seconds})
        repeated = _reserve_repeat(key, digest)
        if repeated is not None:
            return repeated
        member = _active_member(number)
        account = SavingsAccount.objects.filter(
            member=member, kind=SavingsKind.SUKARELA, closed_at__isnull=True
        ).first()
        if account is None:
            raise ReservationRefused(
                _("This member has no open simpanan sukarela account."), code="no_account"
            )
        try:
            with transaction.atomic():
                locked = savings_account_lock(account.pk)
                assert locked is not None  # accounts are never deleted (PROTECT)
                repeated = _reserve_repeat(key, digest)  # a twin committed while we waited
                if repeated is not None:
                    return repeated
                available = locked.balance - locked.product.minimum_balance - locked.reserved
                if clean > available:
                    raise ReservationRefused(
                        _("The available balance is not enough for this amount."),
                        code="insufficient_balance",
                    )
                now = timezone.now()
                reservation = SavingsReservation.objects.create(
                    account=locked,
                    amount=clean,
                    caller=name,
                    idempotency_key=key,
                    request_digest=digest,
                    expires_at=now + timedelta(seconds=ttl_seconds),
                    created_at=now,
                )
                locked.reserved += clean
                locked.save(update_fields=["reserved"])
                audit_record(
                    actor=None,
                    action="books.sukarela.reserve",
                    obj=reservation,
                    summary=f"{name} {number}",
                    data={"caller": name, "member": number, "amount": f"{clean:.2f}"},
                )
        except IntegrityError:
            repeated = _reserve_repeat(key, digest)
            if repeated is not None:
                return repeated
            raise
        return _reservation_ref(reservation, number)

    return _through(cooperative, caller, work, allowed=None)


def _reservation_find(name: str, reservation_ref: object, idempotency_key: object) -> int:
    """The id of the caller's reservation named by its reference or by the key it was
    made with; refuses one that is missing or another caller's."""
    found: SavingsReservation | None = None
    if reservation_ref is not None and idempotency_key is None:
        try:
            reference = uuid.UUID(str(reservation_ref))
        except ValueError:
            reference = None
        if reference is not None:
            found = SavingsReservation.objects.filter(reference=reference, caller=name).first()
    elif reservation_ref is None and idempotency_key is not None:
        found = SavingsReservation.objects.filter(
            idempotency_key=_key(name, idempotency_key), caller=name
        ).first()
    else:
        raise InputInvalid(
            _("Name the hold by its reference or by its idempotency key, not both."),
            code="reservation_lookup",
        )
    if found is None:
        raise ReservationRefused(_("There is no such hold for this caller."), code="unknown")
    return found.pk


def _settled_refusal(reservation: SavingsReservation) -> ReservationRefused:
    messages = {
        ReservationStatus.CAPTURED: _("This hold has already been captured."),
        ReservationStatus.RELEASED: _("This hold has already been released."),
        ReservationStatus.EXPIRED: _("This hold has expired."),
    }
    return ReservationRefused(
        messages[ReservationStatus(reservation.status)], code=f"reservation_{reservation.status}"
    )


def _lock_pair(reservation_id: int) -> tuple[SavingsAccount, SavingsReservation]:
    """Lock the reservation's account row, then the reservation row (always this order)."""
    account_id = SavingsReservation.objects.values_list("account_id", flat=True).get(
        pk=reservation_id
    )
    account = savings_account_lock(account_id)
    assert account is not None
    reservation = (
        SavingsReservation.objects.select_for_update()
        .select_related("account")
        .get(pk=reservation_id)
    )
    return account, reservation


def _expire_locked(account: SavingsAccount, reservation: SavingsReservation, now: datetime) -> None:
    reservation.status = ReservationStatus.EXPIRED
    reservation.settled_at = now
    reservation.save(update_fields=["status", "settled_at"])
    account.reserved -= reservation.amount
    account.save(update_fields=["reserved"])
    audit_record(
        actor=None,
        action="books.sukarela.expire",
        obj=reservation,
        summary=reservation.caller,
        data={"caller": reservation.caller, "amount": f"{reservation.amount:.2f}"},
    )


def _expire_if_due(reservation_id: int) -> bool:
    """Expire the hold in its own transaction if it is held past its time; True if so."""
    with transaction.atomic():
        account, reservation = _lock_pair(reservation_id)
        now = timezone.now()
        if reservation.status == ReservationStatus.HELD and reservation.expires_at <= now:
            _expire_locked(account, reservation, now)
            return True
    return False


def sukarela_capture(
    cooperative: Cooperative,
    caller: str,
    *,
    reservation_ref: str | None = None,
    idempotency_key: str | None = None,
    description: str,
) -> ReservationRef:
    """Withdraw a held amount through the ledger: debit Simpanan Sukarela (the product's
    account, with the member number), credit the inter-unit clearing account (2111); the
    account's balance and reserved both go down by it. Capturing again returns the same
    result; a released or expired hold is refused (one past its time is expired first)."""

    def work(name: str) -> ReservationRef:
        text = _text(description, limit=DESCRIPTION_MAX, code="description_invalid")
        reservation_id = _reservation_find(name, reservation_ref, idempotency_key)
        if _expire_if_due(reservation_id):
            raise ReservationRefused(_("This hold has expired."), code="reservation_expired")
        with _books_refusals(), transaction.atomic():
            account, reservation = _lock_pair(reservation_id)
            number = account.member.member_number
            entry_description = f"{text} ({name})"
            if reservation.status == ReservationStatus.CAPTURED:
                entry = reservation.journal_entry
                assert entry is not None  # a check constraint guarantees it
                if entry.description != entry_description:
                    raise _conflict()
                return _reservation_ref(reservation, number)
            if reservation.status != ReservationStatus.HELD:
                raise _settled_refusal(reservation)
            amount = reservation.amount
            entry = journal_post(
                actor=None,
                entry_date=business_today(),
                description=entry_description,
                lines=[
                    Line(account.product.account_code, debit=amount, member_ref=number),
                    Line(CLEARING_ACCOUNT, credit=amount),
                ],
                idempotency_key=f"books:capture:{reservation.reference}",
                kind="books_capture",
            )
            now = timezone.now()
            account.balance -= amount
            account.reserved -= amount
            account.save(update_fields=["balance", "reserved"])
            reservation.status = ReservationStatus.CAPTURED
            reservation.settled_at = now
            reservation.journal_entry = entry
            reservation.save(update_fields=["status", "settled_at", "journal_entry"])
            SavingsTransaction.objects.create(
                account=account,
                kind=SavingsTransactionKind.WITHDRAWAL,
                amount=amount,
                balance_after=account.balance,
                journal_entry=entry,
                idempotency_key=f"books:{reservation.reference}",
                request_digest=reservation.request_digest,
                teller_id=None,
                created_at=now,
            )
            audit_record(
                actor=None,
                action="books.sukarela.capture",
                obj=reservation,
                summary=f"{name} {number}",
                data={
                    "caller": name,
                    "member": number,
                    "amount": f"{amount:.2f}",
                    "journal_entry": entry.pk,
                },
            )
            return _reservation_ref(reservation, number)

    return _through(cooperative, caller, work, allowed=None)


def sukarela_release(
    cooperative: Cooperative,
    caller: str,
    *,
    reservation_ref: str | None = None,
    idempotency_key: str | None = None,
) -> ReservationRef:
    """Give a held amount back to the member's available balance. Releasing again returns
    the same result; a captured or expired hold is refused."""

    def work(name: str) -> ReservationRef:
        reservation_id = _reservation_find(name, reservation_ref, idempotency_key)
        if _expire_if_due(reservation_id):
            raise ReservationRefused(_("This hold has expired."), code="reservation_expired")
        with transaction.atomic():
            account, reservation = _lock_pair(reservation_id)
            number = account.member.member_number
            if reservation.status == ReservationStatus.RELEASED:
                return _reservation_ref(reservation, number)
            if reservation.status != ReservationStatus.HELD:
                raise _settled_refusal(reservation)
            reservation.status = ReservationStatus.RELEASED
            reservation.settled_at = timezone.now()
            reservation.save(update_fields=["status", "settled_at"])
            account.reserved -= reservation.amount
            account.save(update_fields=["reserved"])
            audit_record(
                actor=None,
                action="books.sukarela.release",
                obj=reservation,
                summary=f"{name} {number}",
                data={"caller": name, "member": number, "amount": f"{reservation.amount:.2f}"},
            )
            return _reservation_ref(reservation, number)

    return _through(cooperative, caller, work, allowed=None)


def reservation_expire_due(*, now: datetime | None = None) -> int:
    """Expire the current cooperative's holds past their time (``now`` defaults to the
    clock), each in its own short transaction; returns how many. Safe to run twice."""
    require_cooperative()
    moment = now or timezone.now()
    due = list(
        SavingsReservation.objects.filter(
            status=ReservationStatus.HELD, expires_at__lte=moment
        ).values_list("pk", flat=True)
    )
    expired = 0
    for reservation_id in due:
        with transaction.atomic():
            account, reservation = _lock_pair(reservation_id)
            if reservation.status == ReservationStatus.HELD and reservation.expires_at <= moment:
                _expire_locked(account, reservation, timezone.now())
                expired += 1
    return expired


# --- member business (jasa usaha) -------------------------------------------------------


def _business_ref(row: MemberBusiness, member_number: str) -> BusinessRef:
    return BusinessRef(
        business_id=row.pk,
        member_number=member_number,
        amount=row.amount,
        kind=row.kind,
        reference=row.reference,
        occurred_at=row.occurred_at,
    )


def _business_repeat(key: str, digest: str) -> BusinessRef | None:
    existing = MemberBusiness.objects.filter(idempotency_key=key).select_related("member").first()
    if existing is None:
        return None
    if existing.request_digest != digest:
        raise _conflict()
    return _business_ref(existing, existing.member.member_number)


def member_business_record(
    cooperative: Cooperative,
    caller: str,
    *,
    member_number: str,
    amount: Decimal,
    kind: str,
    reference: str,
    idempotency_key: str,
    occurred_at: datetime,
) -> BusinessRef:
    """Record a member's business with the cooperative (what SHU's jasa usaha counts):
    once per key; the same key with different content is refused."""
    clean = _amount(amount)
    if kind not in MemberBusinessKind.values:
        raise InputInvalid(_("Unknown kind of member business."), code="kind_invalid")
    ref = _text(reference, limit=REFERENCE_MAX, code="reference_invalid")
    if not isinstance(occurred_at, datetime) or timezone.is_naive(occurred_at):
        raise InputInvalid(
            _("The time of the business must be a timezone-aware datetime."), code="time_invalid"
        )
    if occurred_at > timezone.now() + FUTURE_SKEW:
        raise InputInvalid(_("The business cannot be in the future."), code="time_future")

    def work(name: str) -> BusinessRef:
        key = _key(name, idempotency_key)
        number = member_number.strip() if isinstance(member_number, str) else ""
        digest = _digest(
            {
                "member": number,
                "amount": f"{clean:.2f}",
                "kind": kind,
                "reference": ref,
                "occurred_at": occurred_at.isoformat(),
            }
        )
        repeated = _business_repeat(key, digest)
        if repeated is not None:
            return repeated
        member = _active_member(number)
        try:
            with transaction.atomic():
                row = MemberBusiness.objects.create(
                    member=member,
                    amount=clean,
                    kind=kind,
                    reference=ref,
                    caller=name,
                    idempotency_key=key,
                    request_digest=digest,
                    occurred_at=occurred_at,
                    created_at=timezone.now(),
                )
                audit_record(
                    actor=None,
                    action="books.business.record",
                    obj=row,
                    summary=f"{name} {kind} {number}",
                    data={"caller": name, "member": number, "kind": kind, "amount": f"{clean:.2f}"},
                )
        except IntegrityError:
            repeated = _business_repeat(key, digest)
            if repeated is not None:
                return repeated
            raise
        return _business_ref(row, number)

    return _through(cooperative, caller, work, allowed=None)


# --- entries between cooperatives -------------------------------------------------------


def intercooperative_entry_post(
    cooperative: Cooperative,
    caller: str,
    *,
    lines: Sequence[LineInput],
    description: str,
    idempotency_key: str,
    entry_date: date,
) -> EntryRef:
    """Post a balanced journal entry in the cooperative's books (journal_post: its checks,
    locks, idempotency and audit). Only "billing", "ppob" and "cooperative:<slug>" may."""

    def work(name: str) -> EntryRef:
        # The ledger's keys are at most 100 characters: the door's key goes in hashed.
        key = "door:" + hashlib.sha256(_key(name, idempotency_key).encode()).hexdigest()
        text = _text(description, limit=DESCRIPTION_MAX, code="description_invalid")
        with _books_refusals():
            entry = journal_post(
                actor=None,
                entry_date=entry_date,
                description=f"{text} ({name})",
                lines=lines,
                idempotency_key=key,
                kind="intercooperative",
            )
        total = sum((posting.debit for posting in entry.postings.all()), Decimal("0.00"))
        return EntryRef(
            entry_id=entry.pk,
            entry_date=entry.entry_date,
            description=entry.description,
            total=total,
        )

    return _through(cooperative, caller, work, allowed=ENTRY_CALLERS)


# --- cash at a cooperative's counter ----------------------------------------------------


def counter_cash_post(
    cooperative: Cooperative,
    caller: str,
    *,
    teller_user_id: int,
    amount: Decimal,
    counter_account_code: str,
    description: str,
    idempotency_key: str,
    member_number: str = "",
) -> EntryRef:
    """Cash a teller of the cooperative took in at the counter for the caller (e.g. a
    PPOB sale paid in cash): Kas debit against ``counter_account_code`` credit, through
    the teller's open cash drawer (tenants.teller.services.teller_cash_post), so the
    drawer's count expects it. Refused when the user is not staff who may write here or
    has no open drawer. Idempotent by the caller's key."""
    from identity import access
    from identity.models import User

    from tenants.teller.exceptions import TellerError
    from tenants.teller.services import teller_cash_post

    clean = _amount(amount)
    text = _text(description, limit=DESCRIPTION_MAX, code="description_invalid")

    def work(name: str) -> EntryRef:
        key = "door:" + hashlib.sha256(_key(name, idempotency_key).encode()).hexdigest()
        teller = User.objects.filter(pk=teller_user_id).first() if teller_user_id else None
        if teller is None or not access.can_write_in(teller, cooperative):
            raise CallerRefused(
                _("Only staff of this cooperative can take cash at its counter."),
                code="teller_invalid",
            )
        number = member_number.strip() if isinstance(member_number, str) else ""
        try:
            with _books_refusals():
                entry = teller_cash_post(
                    actor=teller,
                    amount=clean,
                    counter_account_code=counter_account_code,
                    description=f"{text} ({name})",
                    idempotency_key=key,
                    member_ref=number,
                    kind=f"counter_cash_{name}"[:40],
                )
        except TellerError as exc:
            raise BooksError(exc.messages[0], code=exc.code) from exc
        return EntryRef(
            entry_id=entry.pk,
            entry_date=entry.entry_date,
            description=entry.description,
            total=clean,
        )

    return _through(cooperative, caller, work, allowed=None)
