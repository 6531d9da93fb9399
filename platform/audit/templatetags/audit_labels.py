"""{{ entry.action|action_label }}: the audit log's action codes in words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "cooperative.create": _("Cooperative registered"),
    "cooperative.suspend": _("Cooperative suspended"),
    "cooperative.reactivate": _("Cooperative reactivated"),
    "cooperative.archive": _("Cooperative archived"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "head_office_role.set": _("Head-office role changed"),
    "invitation.accept": _("Invitation accepted"),
}


@register.filter
def action_label(code: str) -> str:
    """The label of a known action; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(code, code))
