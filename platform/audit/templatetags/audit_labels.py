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
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed login"),
    "api_token.issue": _("API token issued"),
    "api_token.revoke": _("API token revoked"),
    "otp.device_confirm": _("Two-factor device set up"),
    "cooperative.backup": _("Cooperative backed up"),
    "cooperative.restore": _("Cooperative restored from a backup"),
    "ledger.account.create": _("Account added"),
    "ledger.account.rename": _("Account renamed"),
    "ledger.account.activate": _("Account activated or deactivated"),
    "ledger.account.delete": _("Account removed"),
    "ledger.entry.post": _("Journal entry posted"),
    "ledger.entry.reverse": _("Journal entry reversed"),
    "ledger.period.close": _("Period closed"),
    "ledger.period.reopen": _("Period reopened"),
}


@register.filter
def action_label(code: str) -> str:
    """The label of a known action; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(code, code))
