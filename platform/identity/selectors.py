"""Reads on people, roles and invitations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from identity.models import CooperativeRole, CooperativeRoleName, HeadOfficeRole, Invitation


def role_label(role: str) -> str:
    for choices in (CooperativeRoleName, HeadOfficeRole):
        if role in choices.values:
            return str(choices(role).label)
    return role


def user_roles(user: Any) -> list[dict[str, str]]:
    """Every cooperative role the person holds, as (cooperative slug, role)."""
    rows = (
        CooperativeRole.objects.filter(user=user)
        .select_related("cooperative")
        .order_by("cooperative__slug", "role")
    )
    return [{"cooperative": row.cooperative.slug, "role": row.role} for row in rows]


@dataclass(frozen=True)
class InvitationSummary:
    invitee: str
    inviter: str
    where: str
    role: str


def invitation_summary(invitation: Invitation) -> InvitationSummary:
    """Who invited the person, to what. The inviter is whoever granted the role."""
    inviter = ""
    if invitation.cooperative_id is not None:
        grant = (
            CooperativeRole.objects.filter(
                user_id=invitation.user_id,
                cooperative_id=invitation.cooperative_id,
                role=invitation.role,
            )
            .select_related("granted_by")
            .first()
        )
        if grant is not None and grant.granted_by is not None:
            inviter = grant.granted_by.get_full_name()
        where = invitation.cooperative.name if invitation.cooperative else ""
    else:
        where = _("the head office")
    return InvitationSummary(
        invitee=invitation.user.get_full_name(),
        inviter=inviter,
        where=where,
        role=role_label(invitation.role),
    )
