"""The tenant registry, in the public schema."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class CooperativeKind(models.TextChoices):
    SIMPAN_PINJAM = "simpan_pinjam", _("Savings and loans")
    SERBA_USAHA = "serba_usaha", _("Multi-purpose")
    KONSUMEN = "konsumen", _("Consumer")
    PRODUSEN = "produsen", _("Producer")
    JASA = "jasa", _("Services")
    SEKUNDER = "sekunder", _("Secondary cooperative")
    PLATFORM = "platform", _("Platform (head office)")


class CooperativeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ARCHIVED = "archived", _("Archived")


class Cooperative(TenantMixin):
    """A cooperative with its own schema. The row for the public schema is the platform itself."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    legal_entity_number = models.CharField(_("legal entity number"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CooperativeKind.choices)
    street = models.CharField(_("street address"), max_length=255, blank=True)
    desa = models.CharField(_("village / kelurahan"), max_length=100, blank=True)
    kecamatan = models.CharField(_("district (kecamatan)"), max_length=100, blank=True)
    kabupaten = models.CharField(_("regency / city"), max_length=100, blank=True)
    provinsi = models.CharField(_("province"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CooperativeStatus.choices,
        default=CooperativeStatus.ACTIVE,
    )
    status_reason = models.CharField(_("status reason"), max_length=255, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archive_path = models.CharField(max_length=500, blank=True)

    # Schemas are made by registry.schema_template, never by django-tenants' migrate/clone.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.kind == CooperativeKind.PLATFORM

    @property
    def is_active(self) -> bool:
        return self.status == CooperativeStatus.ACTIVE


# What anyone with a role in a cooperative may read about it (API profile, head office).
COOPERATIVE_PROFILE_FIELDS = [
    "slug",
    "name",
    "legal_entity_number",
    "kind",
    "street",
    "desa",
    "kecamatan",
    "kabupaten",
    "provinsi",
    "postal_code",
    "status",
]


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")


class SchemaTemplate(models.Model):
    """The template schema's DDL and data, captured once per migration state.

    ``state`` is a digest of the template's applied migrations; a new tenant is made by
    running ``sql`` as plain top-level statements and copying ``migrations``.
    """

    state = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    migrations = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.state[:12]
