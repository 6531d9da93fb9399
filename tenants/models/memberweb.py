"""A member's own access to the books: activation codes handed out by the teller, and the
keyed hash of the member's phone so a member can log in with it on this host only."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models.members import Member

HEX64 = r"^[0-9a-f]{64}$"


class MemberActivation(models.Model):
    """A short-lived one-time code for a member's first login. Only its hash is kept."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="activations", verbose_name=_("member")
    )
    code_hash = models.CharField(max_length=64, unique=True)
    # identity.User lives in the public schema: no foreign key across schemas.
    issued_by_id = models.BigIntegerField(_("issued by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        db_table = "memberweb_activation"
        ordering = ["member_id", "id"]
        verbose_name = _("member activation code")
        verbose_name_plural = _("member activation codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(code_hash__regex=HEX64), name="memberweb_activation_hash_hex"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="memberweb_activation_expiry_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"activation {self.pk} member {self.member_id}"


class MemberLogin(models.Model):
    """How a member logs in on this cooperative's host: the keyed hash of their phone."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="login", verbose_name=_("member")
    )
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        db_table = "memberweb_login"
        verbose_name = _("member login")
        verbose_name_plural = _("member logins")

    def __str__(self) -> str:
        return f"login member {self.member_id}"
