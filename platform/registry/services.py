"""Head-office operations on cooperatives: create, suspend, reactivate, archive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from audit.services import audit_record
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Cooperative, CooperativeKind, CooperativeStatus, Domain
from registry.schema_template import schema_create, schema_drop

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = frozenset(
    {"www", "api", "admin", "static", "media", "public", "template", "mail", "baru"}
)
MEMBER_KINDS = [
    CooperativeKind.SIMPAN_PINJAM,
    CooperativeKind.SERBA_USAHA,
    CooperativeKind.KONSUMEN,
    CooperativeKind.PRODUSEN,
    CooperativeKind.JASA,
    CooperativeKind.SEKUNDER,
]


@dataclass(frozen=True)
class CooperativeAddress:
    street: str = ""
    desa: str = ""
    kecamatan: str = ""
    kabupaten: str = ""
    provinsi: str = ""
    postal_code: str = ""


def schema_name_for(slug: str) -> str:
    return "kop_" + slug.replace("-", "_")


def domain_for(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def _url(host: str, path: str) -> str:
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{host}{port}{path}"


def cooperative_url(cooperative: Cooperative, path: str = "/") -> str:
    host = settings.PLATFORM_DOMAIN if cooperative.is_platform else domain_for(cooperative.slug)
    return _url(host, path)


def platform_url(path: str = "/") -> str:
    """A page of the bare domain (head office, shared layer)."""
    return _url(settings.PLATFORM_DOMAIN, path)


def _validate(
    *, name: str, slug: str, kind: str, legal_entity_number: str, address: CooperativeAddress
) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter the cooperative's name.")
    if not SLUG_RE.match(slug) or "--" in slug:
        errors["slug"] = _(
            "The short name must be 3-40 characters: lowercase letters, digits and dashes, "
            "starting with a letter."
        )
    elif slug in RESERVED_SLUGS:
        errors["slug"] = _("This short name is reserved.")
    elif Cooperative.objects.filter(slug=slug).exists():
        errors["slug"] = _("Another cooperative already uses this short name.")
    if kind not in MEMBER_KINDS:
        errors["kind"] = _("Choose the kind of cooperative.")
    if not legal_entity_number.strip():
        errors["legal_entity_number"] = _("Enter the legal entity number (nomor badan hukum).")
    elif Cooperative.objects.filter(legal_entity_number=legal_entity_number.strip()).exists():
        errors["legal_entity_number"] = _("This legal entity number is already registered.")
    if not address.desa.strip() or not address.kecamatan.strip() or not address.kabupaten.strip():
        errors["desa"] = _("Enter the address down to the village (desa/kelurahan).")
    if errors:
        raise ValidationError(errors)


def cooperative_create(
    *,
    actor: Any,
    name: str,
    slug: str,
    kind: str,
    legal_entity_number: str,
    address: CooperativeAddress,
) -> Cooperative:
    """Register a cooperative and create its schema from the template, all or nothing.

    The schema's DDL runs inside the same transaction as the registry rows, so a failure
    leaves neither a half-made schema nor a registry row without one.
    """
    slug = slug.strip().lower()
    _validate(
        name=name, slug=slug, kind=kind, legal_entity_number=legal_entity_number, address=address
    )
    try:
        with transaction.atomic():
            cooperative = Cooperative.objects.create(
                schema_name=schema_name_for(slug),
                name=name.strip(),
                slug=slug,
                kind=kind,
                legal_entity_number=legal_entity_number.strip(),
                street=address.street.strip(),
                desa=address.desa.strip(),
                kecamatan=address.kecamatan.strip(),
                kabupaten=address.kabupaten.strip(),
                provinsi=address.provinsi.strip(),
                postal_code=address.postal_code.strip(),
            )
            Domain.objects.create(domain=domain_for(slug), tenant=cooperative, is_primary=True)
            schema_create(cooperative.schema_name)
            audit_record(
                actor=actor, action="cooperative.create", obj=cooperative, summary=cooperative.name
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"slug": _("Another cooperative already uses this short name.")}
        ) from exc
    return cooperative


def _set_status(
    *,
    actor: Any,
    cooperative: Cooperative,
    status: str,
    reason: str,
    allowed_from: set[str],
    action: str,
) -> Cooperative:
    with transaction.atomic():
        locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if locked.is_platform:
            raise ValidationError(_("The platform itself cannot change status."))
        if locked.status not in allowed_from:
            raise ValidationError(
                _("A cooperative that is %(status)s cannot be changed this way.")
                % {"status": locked.get_status_display()}
            )
        locked.status = status
        locked.status_reason = reason.strip()[:255]
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(actor=actor, action=action, obj=locked, summary=reason[:500])
    return locked


def cooperative_suspend(*, actor: Any, cooperative: Cooperative, reason: str) -> Cooperative:
    """Suspended: staff can read but not write; members still see their balances."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the suspension.")})
    return _set_status(
        actor=actor,
        cooperative=cooperative,
        status=CooperativeStatus.SUSPENDED,
        reason=reason,
        allowed_from={CooperativeStatus.ACTIVE},
        action="cooperative.suspend",
    )


def cooperative_reactivate(*, actor: Any, cooperative: Cooperative) -> Cooperative:
    return _set_status(
        actor=actor,
        cooperative=cooperative,
        status=CooperativeStatus.ACTIVE,
        reason="",
        allowed_from={CooperativeStatus.SUSPENDED},
        action="cooperative.reactivate",
    )


def cooperative_archive(
    *, actor: Any, cooperative: Cooperative, reason: str, drop_schema: bool = True
) -> Cooperative:
    """Archive instead of delete: a full export first (pg_dump + JSON/CSV), then the
    cooperative stops answering and, once the export is verified, its schema is dropped.

    Deliberately not one transaction: the export is files on disk and a pg_dump run.
    """
    from registry.export import cooperative_export

    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for archiving.")})
    if cooperative.is_platform or cooperative.status == CooperativeStatus.ARCHIVED:
        raise ValidationError(_("This cooperative cannot be archived."))
    export = cooperative_export(cooperative)
    archived = _set_status(
        actor=actor,
        cooperative=cooperative,
        status=CooperativeStatus.ARCHIVED,
        reason=reason,
        allowed_from={CooperativeStatus.ACTIVE, CooperativeStatus.SUSPENDED},
        action="cooperative.archive",
    )
    archived.archive_path = str(export.folder)
    archived.save(update_fields=["archive_path"])
    Domain.objects.filter(tenant=archived).delete()
    if drop_schema:
        schema_drop(archived.schema_name)
    return archived


def platform_tenant_ensure() -> Cooperative:
    """The public schema's own registry row and the bare domain (django-tenants needs both).

    Idempotent; `migrate` calls it after migrating the public schema.
    """
    platform, _created = Cooperative.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={
            "name": settings.PLATFORM_NAME,
            "slug": "kantor-pusat",
            "kind": CooperativeKind.PLATFORM,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": platform, "is_primary": True}
    )
    return platform
