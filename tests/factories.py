"""Makers of test data through the real services (no model internals where a service exists)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from identity.middleware import SESSION_TENANT_KEY
from identity.models import CooperativeRole, User
from registry.models import Cooperative
from registry.schema_template import schema_drop, schema_exists
from registry.services import (
    CooperativeAddress,
    cooperative_create,
    platform_tenant_ensure,
    schema_name_for,
)

PASSWORD = "Rahasia-Uji-2026!"


def cooperative_ensure(slug: str, **overrides: Any) -> Cooperative:
    """The cooperative, created if missing, whatever schema the connection is on now."""
    with schema_context("public"):
        return _cooperative_ensure(slug, **overrides)


def _cooperative_ensure(slug: str, **overrides: Any) -> Cooperative:
    platform_tenant_ensure()  # a transactional test may have truncated the registry
    existing = Cooperative.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    if schema_exists(schema_name_for(slug)):
        schema_drop(schema_name_for(slug))
    fields: dict[str, Any] = {
        "name": f"Koperasi {slug.title()}",
        "slug": slug,
        "kind": "simpan_pinjam",
        "legal_entity_number": f"AHU-{slug.upper()}-0001",
        "address": CooperativeAddress(desa="Sukamaju", kecamatan="Cibeunying", kabupaten="Bandung"),
    }
    fields.update(overrides)
    coop = cooperative_create(actor=None, **fields)
    connection.set_schema_to_public()
    return coop


def user_make(
    username: str,
    *,
    head_office_role: str = "",
    roles: dict[Cooperative, list[str]] | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": fields.pop("full_name", username.replace("-", " ").title()),
            "email": fields.pop("email", f"{username}@example.test"),
            "head_office_role": head_office_role,
            **fields,
        },
    )
    user.set_password(password)
    user.save()
    for cooperative, names in (roles or {}).items():
        for role in names:
            CooperativeRole.objects.get_or_create(user=user, cooperative=cooperative, role=role)
    return user


def totp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def totp_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def login_verified(client: Client, user: User, cooperative: Cooperative | None = None) -> None:
    """A session as after password + TOTP on that cooperative's host."""
    device = totp_device(user)
    client.force_login(user, backend="identity.backends.IdentityBackend")
    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "identity.backends.IdentityBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_TENANT_KEY] = cooperative.schema_name if cooperative else "public"
    session.save()
    connection.set_schema_to_public()
