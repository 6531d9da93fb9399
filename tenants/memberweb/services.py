"""Writes for members' own access: the teller issues an activation code; the member uses it
once to set a password, which creates (or links) their login and grants the anggota role.
Each runs in one transaction with its audit row; a refusal writes nothing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from audit.services import audit_record
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from identity.models import CooperativeRoleName, User
from identity.services import role_grant

from tenants.ledger.tenancy import current_schema, require_cooperative
from tenants.members import crypto
from tenants.memberweb.exceptions import ActivationRefused
from tenants.models import Member, MemberActivation, MemberLogin, MemberStatus

ACTIVATION_MINUTES = 30
CODE_LENGTH = 8
# No 0/O, 1/I/L: the code is read aloud at the counter and typed on a small screen.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def activation_code_hash(*, member_number: str, code: str) -> str:
    """The stored form of a code: tied to this cooperative and member, never the code."""
    normalized = code.strip().upper().replace(" ", "").replace("-", "")
    text = f"{current_schema()}:{member_number}:{normalized}"
    return hashlib.sha256(text.encode()).hexdigest()


def phone_lookup_hash(phone: str) -> str:
    return crypto.lookup_hash("phone", phone) if phone else ""


def member_activation_issue(*, actor: Any, member: Member) -> tuple[MemberActivation, str]:
    """A new one-time code for the member's first login (or a new password); returns the
    row and the code, which is shown to the teller once and never stored."""
    require_cooperative()
    current = Member.objects.filter(pk=member.pk, member_number=member.member_number).first()
    if current is None or current.status != MemberStatus.ACTIVE:
        raise ActivationRefused(
            _("Only an active member of this cooperative can be given a code."),
            code="member_inactive",
        )
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        activation = MemberActivation.objects.create(
            member=current,
            code_hash=activation_code_hash(member_number=current.member_number, code=code),
            issued_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            expires_at=now + timedelta(minutes=ACTIVATION_MINUTES),
        )
        audit_record(
            actor=actor,
            action="memberweb.activation.issue",
            obj=activation,
            summary=current.member_number,
            data={"member": current.member_number},
        )
    return activation, code


def member_user_ensure(*, member: Member, cooperative: Any, password: str) -> User:
    """The member's login, created if missing (username anggota-<slug>-<number>, no
    usable e-mail), with ``password`` set, linked to the member and holding the anggota
    role in this cooperative. Call inside the caller's transaction."""
    user = User.objects.filter(pk=member.user_id).first() if member.user_id else None
    if user is None:
        user = User(
            username=f"anggota-{cooperative.slug}-{member.member_number}",
            email="",
            full_name=member.full_name,
        )
    user.set_password(password)
    user.save()
    if member.user_id != user.pk:
        member.user_id = user.pk
        member.save(update_fields=["user_id"])
    role_grant(actor=None, user=user, cooperative=cooperative, role=CooperativeRoleName.ANGGOTA)
    phone = crypto.decrypt(member.phone_encrypted) if member.phone_encrypted else ""
    MemberLogin.objects.update_or_create(
        member=member, defaults={"phone_hash": phone_lookup_hash(phone)}
    )
    return user


def member_activate(*, cooperative: Any, member_number: str, code: str, password: str) -> User:
    """Use an activation code: set the member's password and return their user. Refuses an
    unknown member, a wrong, used or expired code, or a weak password, writing nothing."""
    require_cooperative()
    number = member_number.strip()
    refused = ActivationRefused(
        _("The member number or the activation code is not correct, or the code has expired."),
        code="activation_invalid",
    )
    with transaction.atomic():
        member = Member.objects.filter(member_number=number).first()
        if member is None or member.status != MemberStatus.ACTIVE:
            raise refused
        activation = (
            MemberActivation.objects.select_for_update()
            .filter(
                member=member,
                code_hash=activation_code_hash(member_number=number, code=code),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if activation is None:
            raise refused
        try:
            validate_password(password)
        except ValidationError as exc:
            raise ActivationRefused(" ".join(exc.messages), code="password_weak") from exc
        user = member_user_ensure(member=member, cooperative=cooperative, password=password)
        activation.used_at = timezone.now()
        activation.save(update_fields=["used_at"])
        audit_record(
            actor=user,
            action="memberweb.activation.use",
            obj=activation,
            summary=member.member_number,
            data={"member": member.member_number, "user_id": user.pk},
        )
    return user
