"""A cooperative's own writes on its staff: invite and revoke, by its board."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from identity.access import STAFF_ROLES
from identity.links import invitation_url
from identity.models import CooperativeRole
from identity.services import role_revoke, user_invite


def staff_invite(
    *, actor: Any, cooperative: Any, email: str, full_name: str, role: str
) -> CooperativeRole:
    """Invite a person to a staff role in this cooperative (an existing account just gets
    the role). The audit row lands in the connection's schema: the cooperative's own."""
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Choose a staff role.")})
    with transaction.atomic():
        invitation, _token = user_invite(
            actor=actor,
            email=email,
            full_name=full_name,
            role=role,
            cooperative=cooperative,
            invite_url=invitation_url(cooperative),
        )
        return CooperativeRole.objects.get(
            user=invitation.user, cooperative_id=cooperative.pk, role=role
        )


def staff_role_revoke(*, actor: Any, cooperative: Any, grant: CooperativeRole) -> None:
    """Take a staff role away. Nobody revokes their own role: another board member must,
    so a cooperative cannot lose its last board member by a slip."""
    if grant.cooperative_id != cooperative.pk or grant.role not in STAFF_ROLES:
        raise ValidationError(_("This is not a staff role of this cooperative."))
    if grant.user_id == actor.pk:
        raise ValidationError(_("You cannot revoke your own role; ask another board member."))
    role_revoke(actor=actor, user=grant.user, cooperative=cooperative, role=grant.role)
