"""Writes on people and roles. Each writes its audit row in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from audit.services import audit_record
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identity.models import CooperativeRole, CooperativeRoleName, HeadOfficeRole, Invitation, User
from identity.phone import normalize_phone

INVITATION_DAYS = 7


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_find_or_create(*, email: str, full_name: str, phone: str = "") -> User:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": _("Enter a valid e-mail address.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    if not full_name.strip():
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    normalized = normalize_phone(phone) if phone else ""
    if phone and not normalized:
        raise ValidationError(
            {"phone": _("Enter an Indonesian mobile number, e.g. 0812 3456 7890.")}
        )
    base = email.split("@", 1)[0][:100] or "user"
    username = base
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}{secrets.randbelow(10_000)}"
    user = User(username=username, email=email, full_name=full_name.strip(), phone=normalized or "")
    user.set_unusable_password()
    user.save()
    return user


def role_grant(*, actor: Any, user: User, cooperative: Any, role: str) -> CooperativeRole:
    if role not in CooperativeRoleName.values:
        raise ValidationError({"role": _("Unknown role.")})
    with transaction.atomic():
        grant, created = CooperativeRole.objects.get_or_create(
            user=user, cooperative_id=cooperative.pk, role=role, defaults={"granted_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="role.grant",
                obj=grant,
                summary=f"{user.username}: {role}",
                data={"user_id": user.pk, "role": role, "cooperative": cooperative.slug},
            )
    user.__dict__.pop("_roles_cache", None)
    return grant


def role_revoke(*, actor: Any, user: User, cooperative: Any, role: str) -> None:
    with transaction.atomic():
        deleted, _count = CooperativeRole.objects.filter(
            user=user, cooperative_id=cooperative.pk, role=role
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="role.revoke",
                summary=f"{user.username}: {role}",
                data={"user_id": user.pk, "role": role, "cooperative": cooperative.slug},
            )
    user.__dict__.pop("_roles_cache", None)


def head_office_role_set(*, actor: Any, user: User, role: str) -> User:
    if role and role not in HeadOfficeRole.values:
        raise ValidationError({"role": _("Unknown head-office role.")})
    if actor is not None and actor.pk == user.pk and role != HeadOfficeRole.ADMIN:
        raise ValidationError({"role": _("You cannot remove your own admin role.")})
    with transaction.atomic():
        user.head_office_role = role
        user.save(update_fields=["head_office_role"])
        audit_record(
            actor=actor,
            action="head_office_role.set",
            obj=user,
            summary=f"{user.username}: {role or '-'}",
        )
    return user


def user_invite(
    *,
    actor: Any,
    email: str,
    full_name: str,
    role: str,
    cooperative: Any = None,
    invite_url: str,
) -> tuple[Invitation, str]:
    """Invite a person to a role (a cooperative role, or a head-office role when
    cooperative is None). Sends a one-time link; returns the invitation and the token.

    ``invite_url`` is the absolute URL of the accept page with ``{token}`` in it.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = user_find_or_create(email=email, full_name=full_name)
        if cooperative is None:
            head_office_role_set(actor=actor, user=user, role=role)
        else:
            role_grant(actor=actor, user=user, cooperative=cooperative, role=role)
        invitation = Invitation.objects.create(
            user=user,
            cooperative=cooperative,
            role=role,
            token_hash=_token_hash(token),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        link = invite_url.replace("{token}", token)
        where = cooperative.name if cooperative is not None else _("the head office")
        subject = _("Invitation to %(where)s") % {"where": where}
        body = _(
            "Hello %(name)s,\n\nYou have been invited as %(role)s at %(where)s.\n"
            "Set your password within %(days)s days here:\n%(link)s\n"
        ) % {
            "name": user.get_full_name(),
            "role": role,
            "where": where,
            "days": INVITATION_DAYS,
            "link": link,
        }
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        )
    return invitation, token


def invitation_find(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("user")
        .filter(token_hash=_token_hash(token), accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at < timezone.now():
        return None
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    """Set the invitee's password; the link works once."""
    with transaction.atomic():
        invitation = invitation_find(token)
        if invitation is None:
            raise ValidationError({"token": _("This invitation link is invalid or has expired.")})
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError({"token": _("This invitation link is invalid or has expired.")})
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(actor=user, action="invitation.accept", obj=invitation)
    return user
