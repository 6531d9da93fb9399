"""People and their roles. All in the public schema: one login per person."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class HeadOfficeRole(models.TextChoices):
    ADMIN = "admin", _("Head-office admin")
    OPERATOR = "operator", _("Head-office operator")
    AUDITOR = "auditor", _("Head-office auditor (read-only)")


class CooperativeRoleName(models.TextChoices):
    PENGURUS = "pengurus", _("Board (pengurus)")
    MANAJER = "manajer", _("Manager")
    KASIR = "kasir", _("Teller (kasir)")
    PENGAWAS = "pengawas", _("Supervisor (pengawas, read-only)")
    ANGGOTA = "anggota", _("Member (anggota)")


class User(AbstractUser):
    """A person. Members, staff, head office and shoppers all log in with this one account."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    head_office_role = models.CharField(
        _("head-office role"), max_length=20, choices=HeadOfficeRole.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="id"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class CooperativeRole(models.Model):
    """A role of a person in one cooperative; a person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cooperative_roles")
    cooperative = models.ForeignKey(
        "registry.Cooperative", on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=CooperativeRoleName.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cooperative", "role"], name="uniq_cooperative_role"
            )
        ]
        verbose_name = _("cooperative role")
        verbose_name_plural = _("cooperative roles")

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.cooperative_id}"


class Invitation(models.Model):
    """An invitation to take a role: the invitee sets a password through a one-time link."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    cooperative = models.ForeignKey(
        "registry.Cooperative", null=True, blank=True, on_delete=models.CASCADE
    )
    role = models.CharField(max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.user_id} {self.role}"
