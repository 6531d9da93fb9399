"""Writes to the member registry. Each service validates everything before it writes, runs
in one transaction with its audit row, and keeps personal data (NIK, KK, phone, name) out
of the audit log: the member number identifies the member there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _
from identity.phone import normalize_phone

from tenants.ledger.periods import business_today
from tenants.members import crypto
from tenants.members.exceptions import (
    MemberDuplicate,
    MemberError,
    MemberInvalid,
    MembersRefused,
    NikInvalid,
    TransitionRefused,
)
from tenants.members.nik import kk_validate, nik_compact, nik_validate
from tenants.models import (
    Heir,
    HeirRelation,
    Member,
    MemberKind,
    MemberNumberCounter,
    MemberStatus,
    MemberStatusChange,
    Sex,
)

NUMBER_WIDTH = 7
# A KTP (and so full legal capacity for membership) comes at 17, by common practice.
MIN_AGE_BIASA = 17
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
NAME_MAX = 200
TRANSITIONS: dict[str, frozenset[str]] = {
    MemberStatus.APPLICANT: frozenset({MemberStatus.ACTIVE}),
    MemberStatus.ACTIVE: frozenset(
        {MemberStatus.RESIGNED, MemberStatus.DECEASED, MemberStatus.EXPELLED}
    ),
}
_RT_RW = re.compile(r"^\d{1,3}$")
_POSTAL = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class MemberAddress:
    desa: str
    kecamatan: str
    kabupaten: str
    provinsi: str
    street: str = ""
    rt: str = ""
    rw: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class HeirInput:
    full_name: str
    relation: str
    share_percent: Decimal | str | int
    nik: str = ""


def _age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _clean_name(value: str, *, field: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise MemberInvalid(_("Enter the %(field)s."), code="required", params={"field": field})
    if len(value) > NAME_MAX:
        raise MemberInvalid(
            _("The %(field)s has at most %(max)s characters."),
            code="too_long",
            params={"field": field, "max": NAME_MAX},
        )
    return value


def _clean_address(address: MemberAddress) -> dict[str, str]:
    cleaned = {
        "desa": _clean_name(address.desa, field=_("village (desa/kelurahan)"))[:100],
        "kecamatan": _clean_name(address.kecamatan, field=_("district (kecamatan)"))[:100],
        "kabupaten": _clean_name(address.kabupaten, field=_("regency or city"))[:100],
        "provinsi": _clean_name(address.provinsi, field=_("province"))[:100],
        "street": " ".join((address.street or "").split())[:200],
    }
    for name in ("rt", "rw"):
        value = (getattr(address, name) or "").strip()
        if value and not _RT_RW.match(value):
            raise MemberInvalid(_("RT and RW are numbers of up to 3 digits."), code="rt_rw")
        cleaned[name] = value.zfill(3) if value else ""
    postal = (address.postal_code or "").strip()
    if postal and not _POSTAL.match(postal):
        raise MemberInvalid(_("A postal code has 5 digits."), code="postal_code")
    cleaned["postal_code"] = postal
    return cleaned


def _clean_phone(raw: str) -> str:
    if not (raw or "").strip():
        return ""
    phone = normalize_phone(raw)
    if phone is None:
        raise MemberInvalid(
            _("Enter an Indonesian mobile number, e.g. 0812 3456 7890."), code="phone"
        )
    return phone


def _clean_date(value: date, *, today: date, earliest: date, code: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise MemberInvalid(_("Enter a valid date."), code=code)
    if value > today:
        raise MemberInvalid(_("The date cannot be in the future."), code=code)
    if value < earliest:
        raise MemberInvalid(_("The date is too early."), code=code)
    return value


def _next_member_number() -> str:
    """Allocate the next number. The upsert locks the counter row until commit: concurrent
    registrations queue here, and a rolled-back one gives its number back."""
    table = MemberNumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, last_number) VALUES (1, 1) "
            f"ON CONFLICT (id) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number"
        )
        (number,) = cursor.fetchone()
    return str(number).zfill(NUMBER_WIDTH)


def _audit(actor: Any, action: str, member: Member, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=member,
        summary=f"{action} {member.member_number}",
        data={"member_number": member.member_number, **data},
    )


def _actor_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


@dataclass(frozen=True)
class MemberInput:
    """One person to register: what member_register and members_register_many take."""

    full_name: str
    nik: str
    kk_number: str
    birth_place: str
    birth_date: date
    sex: str
    address: MemberAddress
    kind: str = MemberKind.BIASA
    phone: str = ""
    join_date: date | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class CleanMember:
    """A MemberInput that passed every check that needs no database; personal data still
    in plain text (encrypted only when written)."""

    full_name: str
    nik: str
    nik_hash: str
    kk: str
    phone: str
    birth_place: str
    birth_date: date
    sex: str
    kind: str
    join_date: date
    user_id: int | None
    place: dict[str, str]

    def row(self, *, member_number: str, status: str) -> Member:
        return Member(
            member_number=member_number,
            nik_encrypted=crypto.encrypt(self.nik),
            nik_hash=self.nik_hash,
            kk_encrypted=crypto.encrypt(self.kk),
            phone_encrypted=crypto.encrypt(self.phone),
            full_name=self.full_name,
            birth_place=self.birth_place,
            birth_date=self.birth_date,
            sex=self.sex,
            kind=self.kind,
            status=status,
            join_date=self.join_date,
            user_id=self.user_id,
            **self.place,
        )


def member_input_clean(person: MemberInput, *, today: date | None = None) -> CleanMember:
    """Every check of a new member that needs no database: names, dates, age for a regular
    member, NIK (shape, embedded birth date and sex), KK, phone, address. Raises a
    MemberError (with the rule's ``code``) on the first problem."""
    today = today or business_today()
    if person.sex not in Sex.values:
        raise MemberInvalid(_("Choose the sex: male or female."), code="sex")
    if person.kind not in MemberKind.values:
        raise MemberInvalid(_("Choose the kind of membership."), code="kind")
    full_name = _clean_name(person.full_name, field=_("full name"))
    birth_place = _clean_name(person.birth_place, field=_("place of birth"))[:100]
    birth_date = _clean_date(
        person.birth_date, today=today, earliest=EARLIEST_BIRTH_DATE, code="birth_date"
    )
    join_date = _clean_date(
        person.join_date or today, today=today, earliest=birth_date, code="join_date"
    )
    if person.kind == MemberKind.BIASA and _age_on(birth_date, join_date) < MIN_AGE_BIASA:
        raise MemberInvalid(
            _(
                "A regular member is at least %(age)s years old; "
                "register a younger person as an associate member (luar biasa)."
            ),
            code="too_young",
            params={"age": MIN_AGE_BIASA},
        )
    nik = nik_validate(person.nik, birth_date=birth_date, sex=person.sex)
    kk = kk_validate(person.kk_number)
    phone = _clean_phone(person.phone)
    place = _clean_address(person.address)
    user_id = person.user_id
    if user_id is not None and (
        not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0
    ):
        raise MemberInvalid(_("The user account is not valid."), code="user_id")
    return CleanMember(
        full_name=full_name,
        nik=nik,
        nik_hash=crypto.lookup_hash("nik", nik),
        kk=kk,
        phone=phone,
        birth_place=birth_place,
        birth_date=birth_date,
        sex=person.sex,
        kind=person.kind,
        join_date=join_date,
        user_id=user_id,
        place=place,
    )


def _status_check(status: str) -> None:
    if status not in (MemberStatus.APPLICANT, MemberStatus.ACTIVE):
        raise MemberInvalid(
            _("A new member is registered as an applicant or as active."), code="status"
        )


def _nik_duplicate() -> MemberDuplicate:
    return MemberDuplicate(
        _("A member with this NIK is already registered in this cooperative."),
        code="nik_duplicate",
    )


def _user_duplicate() -> MemberDuplicate:
    return MemberDuplicate(
        _("This user account already belongs to another member."), code="user_duplicate"
    )


def member_register(
    *,
    actor: Any,
    full_name: str,
    nik: str,
    kk_number: str,
    birth_place: str,
    birth_date: date,
    sex: str,
    address: MemberAddress,
    kind: str = MemberKind.BIASA,
    phone: str = "",
    join_date: date | None = None,
    status: str = MemberStatus.APPLICANT,
    user_id: int | None = None,
    reason: str = "",
    heirs: Sequence[HeirInput] = (),
) -> Member:
    """Register an applicant (or a member admitted at once: ``status="active"``) under the
    next member number, with their named heirs (if any) in the same transaction. Takes the
    member-number counter's row lock until commit."""
    _status_check(status)
    heir_rows = member_heirs_check(heirs)
    clean = member_input_clean(
        MemberInput(
            full_name=full_name,
            nik=nik,
            kk_number=kk_number,
            birth_place=birth_place,
            birth_date=birth_date,
            sex=sex,
            address=address,
            kind=kind,
            phone=phone,
            join_date=join_date,
            user_id=user_id,
        )
    )
    with transaction.atomic():
        if Member.objects.filter(nik_hash=clean.nik_hash).exists():
            raise _nik_duplicate()
        if user_id is not None and Member.objects.filter(user_id=user_id).exists():
            raise _user_duplicate()
        try:
            with transaction.atomic():  # a racing twin trips the unique constraint
                member = clean.row(member_number=_next_member_number(), status=status)
                member.save(force_insert=True)
        except IntegrityError as exc:
            if "user_id" in str(exc):
                raise _user_duplicate() from exc
            raise _nik_duplicate() from exc
        MemberStatusChange.objects.create(
            member=member,
            from_status="",
            to_status=status,
            effective_date=clean.join_date,
            reason=reason.strip(),
            actor_id=_actor_id(actor),
        )
        if heir_rows:
            _heirs_write(member, heir_rows)
        _audit(
            actor, "members.member.register", member, status=status, kind=kind, heirs=len(heir_rows)
        )
    return member


def _numbers_take(count: int) -> list[str]:
    """Allocate ``count`` consecutive member numbers with one statement (the counter's row
    lock is held until commit, as in _next_member_number)."""
    table = MemberNumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, last_number) VALUES (1, %s) "
            f"ON CONFLICT (id) DO UPDATE SET last_number = {table}.last_number + %s "
            "RETURNING last_number",
            [count, count],
        )
        (last,) = cursor.fetchone()
    return [str(number).zfill(NUMBER_WIDTH) for number in range(last - count + 1, last + 1)]


def members_register_many(
    *,
    actor: Any,
    people: Sequence[MemberInput | CleanMember],
    status: str = MemberStatus.ACTIVE,
    reason: str = "",
    batch_size: int = 1000,
) -> list[Member]:
    """Register many people at once (an import, the demo): every person is checked as by
    member_register, then all are written with a few statements under consecutive member
    numbers, in the list's order. All or nothing: the first refusal raises MembersRefused
    (with the person's index) before anything is written. One audit row names the count
    and the range of numbers. Takes the member-number counter's row lock until commit."""
    _status_check(status)
    today = business_today()
    clean: list[CleanMember] = []
    hashes: dict[str, int] = {}
    users: dict[int, int] = {}
    for index, person in enumerate(people):
        try:
            item = (
                person
                if isinstance(person, CleanMember)
                else member_input_clean(person, today=today)
            )
        except MemberError as exc:
            raise MembersRefused(index, exc) from exc
        if hashes.setdefault(item.nik_hash, index) != index:
            raise MembersRefused(index, _nik_duplicate())
        if item.user_id is not None and users.setdefault(item.user_id, index) != index:
            raise MembersRefused(index, _user_duplicate())
        clean.append(item)
    if not clean:
        return []
    with transaction.atomic():
        taken = set(
            Member.objects.filter(nik_hash__in=list(hashes)).values_list("nik_hash", flat=True)
        )
        if taken:
            first = min(hashes[h] for h in taken)
            raise MembersRefused(first, _nik_duplicate())
        if users:
            used = set(
                Member.objects.filter(user_id__in=list(users)).values_list("user_id", flat=True)
            )
            if used:
                first = min(users[u] for u in used if u is not None)
                raise MembersRefused(first, _user_duplicate())
        numbers = _numbers_take(len(clean))
        try:
            with transaction.atomic():
                members = Member.objects.bulk_create(
                    [
                        item.row(member_number=number, status=status)
                        for item, number in zip(clean, numbers, strict=True)
                    ],
                    batch_size=batch_size,
                )
        except IntegrityError as exc:  # a racing registration took a NIK or user meanwhile
            raise MembersRefused(0, _nik_duplicate()) from exc
        actor_pk = _actor_id(actor)
        MemberStatusChange.objects.bulk_create(
            [
                MemberStatusChange(
                    member=member,
                    from_status="",
                    to_status=status,
                    effective_date=item.join_date,
                    reason=reason.strip(),
                    actor_id=actor_pk,
                )
                for member, item in zip(members, clean, strict=True)
            ],
            batch_size=batch_size,
        )
        audit_record(
            actor=actor,
            action="members.member.register_many",
            summary=f"register {len(members)} members {numbers[0]}-{numbers[-1]}",
            data={
                "count": len(members),
                "first_number": numbers[0],
                "last_number": numbers[-1],
                "status": status,
            },
        )
    return members


def _transition(
    *,
    actor: Any,
    member: Member,
    to_status: str,
    effective_date: date | None,
    reason: str,
    require_reason: bool,
    heir_member: Member | None = None,
) -> Member:
    today = business_today()
    reason = (reason or "").strip()
    if require_reason and not reason:
        raise MemberInvalid(_("Give the reason."), code="reason")
    with transaction.atomic():
        locked = Member.objects.select_for_update().filter(pk=member.pk).first()
        if locked is None:
            raise MemberInvalid(_("No such member."), code="not_found")
        if to_status not in TRANSITIONS.get(locked.status, frozenset()):
            raise TransitionRefused(
                _("A member who is %(current)s cannot become %(target)s."),
                code="transition",
                params={
                    "current": MemberStatus(locked.status).label,
                    "target": MemberStatus(to_status).label,
                },
            )
        day = _clean_date(
            effective_date or today, today=today, earliest=locked.join_date, code="effective_date"
        )
        if heir_member is not None:
            if heir_member.pk == locked.pk:
                raise MemberInvalid(_("A member cannot be their own heir."), code="heir_self")
            heir_status = Member.objects.filter(pk=heir_member.pk).values_list("status", flat=True)
            if heir_status.first() not in (MemberStatus.APPLICANT, MemberStatus.ACTIVE):
                raise MemberInvalid(
                    _("The heir who continues the membership must be a current member."),
                    code="heir_status",
                )
        previous = locked.status
        locked.status = to_status
        locked.save(update_fields=["status"])
        MemberStatusChange.objects.create(
            member=locked,
            from_status=previous,
            to_status=to_status,
            effective_date=day,
            reason=reason,
            heir_member=heir_member,
            actor_id=_actor_id(actor),
        )
        data: dict[str, Any] = {"from": previous, "to": to_status, "date": day.isoformat()}
        if heir_member is not None:
            data["heir_member_number"] = heir_member.member_number
        _audit(actor, f"members.member.{to_status}", locked, **data)
    return locked


def member_activate(
    *, actor: Any, member: Member, effective_date: date | None = None, reason: str = ""
) -> Member:
    """Admit an applicant as a member."""
    return _transition(
        actor=actor,
        member=member,
        to_status=MemberStatus.ACTIVE,
        effective_date=effective_date,
        reason=reason,
        require_reason=False,
    )


def member_resign(
    *, actor: Any, member: Member, effective_date: date | None = None, reason: str = ""
) -> Member:
    """An active member leaves of their own will."""
    return _transition(
        actor=actor,
        member=member,
        to_status=MemberStatus.RESIGNED,
        effective_date=effective_date,
        reason=reason,
        require_reason=False,
    )


def member_record_death(
    *,
    actor: Any,
    member: Member,
    date_of_death: date,
    heir_member: Member | None = None,
    reason: str = "",
) -> Member:
    """Record an active member's death; ``heir_member`` (a current member) continues the
    membership (UU 25/1992: membership is not transferable, but an heir may continue it)."""
    return _transition(
        actor=actor,
        member=member,
        to_status=MemberStatus.DECEASED,
        effective_date=date_of_death,
        reason=reason,
        require_reason=False,
        heir_member=heir_member,
    )


def member_expel(
    *, actor: Any, member: Member, reason: str, effective_date: date | None = None
) -> Member:
    """Expel an active member; the reason (the board's decision) is required."""
    return _transition(
        actor=actor,
        member=member,
        to_status=MemberStatus.EXPELLED,
        effective_date=effective_date,
        reason=reason,
        require_reason=True,
    )


def member_update_contact(
    *, actor: Any, member: Member, phone: str, address: MemberAddress | None = None
) -> Member:
    """Change the phone (``""`` removes it) and, when given, the address."""
    phone = _clean_phone(phone)
    place = _clean_address(address) if address is not None else {}
    with transaction.atomic():
        locked = Member.objects.select_for_update().filter(pk=member.pk).first()
        if locked is None:
            raise MemberInvalid(_("No such member."), code="not_found")
        locked.phone_encrypted = crypto.encrypt(phone)
        for name, value in place.items():
            setattr(locked, name, value)
        locked.save(update_fields=["phone_encrypted", *place])
        _audit(
            actor,
            "members.member.update_contact",
            locked,
            changed=["phone", *(["address"] if place else [])],
        )
    return locked


HeirRow = tuple[str, str, Decimal, str]


def member_heirs_check(heirs: Sequence[HeirInput]) -> list[HeirRow]:
    """Every check of a list of heirs that needs no database (names, relations, shares that
    add up to 100 percent, NIK shape); raises a MemberError on the first problem."""
    rows: list[HeirRow] = []
    total = Decimal(0)
    for heir in heirs:
        name = _clean_name(heir.full_name, field=_("heir's full name"))
        if heir.relation not in HeirRelation.values:
            raise MemberInvalid(_("Choose the heir's relation."), code="heir_relation")
        try:
            share = Decimal(str(heir.share_percent)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise MemberInvalid(_("Enter the heir's share in percent."), code="share") from exc
        if not Decimal(0) < share <= Decimal(100):
            raise MemberInvalid(
                _("An heir's share is more than 0 and at most 100 percent."), code="share"
            )
        nik = nik_compact(heir.nik)
        if nik and (not nik.isdigit() or len(nik) != 16):
            raise NikInvalid(_("A NIK has exactly 16 digits."), code="nik_shape")
        total += share
        rows.append((name, heir.relation, share, nik))
    if rows and total != Decimal(100):
        raise MemberInvalid(
            _("The heirs' shares add up to %(total)s percent, not 100."),
            code="share_total",
            params={"total": total},
        )
    return rows


def _heirs_write(member: Member, rows: list[HeirRow]) -> list[Heir]:
    Heir.objects.filter(member=member).delete()
    return Heir.objects.bulk_create(
        Heir(
            member=member,
            full_name=name,
            relation=relation,
            share_percent=share,
            nik_encrypted=crypto.encrypt(nik),
        )
        for name, relation, share, nik in rows
    )


def member_heirs_set(*, actor: Any, member: Member, heirs: Sequence[HeirInput]) -> list[Heir]:
    """Replace the member's named heirs; their shares add up to 100 percent."""
    rows = member_heirs_check(heirs)
    with transaction.atomic():
        locked = Member.objects.select_for_update().filter(pk=member.pk).first()
        if locked is None:
            raise MemberInvalid(_("No such member."), code="not_found")
        created = _heirs_write(locked, rows)
        _audit(actor, "members.heirs.set", locked, heirs=len(created))
    return created


def member_data_reencrypt(*, batch_size: int = 500) -> int:
    """Re-encrypt every member's and heir's personal data in the current schema with the
    current key (after a new key was prepended to MEMBER_DATA_KEYS). Each batch is its own
    transaction, so a long run does not hold every row locked; rerunning is harmless."""
    return _reencrypt_rows(
        Member, ("nik_encrypted", "kk_encrypted", "phone_encrypted"), batch_size
    ) + _reencrypt_rows(Heir, ("nik_encrypted",), batch_size)


def _reencrypt_rows(model: type[models.Model], fields: tuple[str, ...], batch_size: int) -> int:
    manager = model._default_manager
    changed = 0
    last_pk: Any = 0
    while True:
        with transaction.atomic():
            batch = list(
                manager.select_for_update().filter(pk__gt=last_pk).order_by("pk")[:batch_size]
            )
            if not batch:
                return changed
            for row in batch:
                for field in fields:
                    setattr(row, field, crypto.reencrypt(getattr(row, field)))
            manager.bulk_update(batch, fields)
            changed += len(batch)
            last_pk = batch[-1].pk
