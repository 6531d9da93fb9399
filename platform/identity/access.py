"""Every permission decision goes through these few functions (and is tested hard).

Roles: head office (admin, operator, auditor) acts on the bare domain; cooperative roles
(pengurus, manajer, kasir, pengawas, anggota) act on their cooperative's own host only.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from identity.models import CooperativeRole, CooperativeRoleName, HeadOfficeRole

STAFF_ROLES = frozenset(
    {
        CooperativeRoleName.PENGURUS,
        CooperativeRoleName.MANAJER,
        CooperativeRoleName.KASIR,
        CooperativeRoleName.PENGAWAS,
    }
)
STAFF_WRITE_ROLES = frozenset(
    {CooperativeRoleName.PENGURUS, CooperativeRoleName.MANAJER, CooperativeRoleName.KASIR}
)
BOARD_ROLES = frozenset({CooperativeRoleName.PENGURUS, CooperativeRoleName.MANAJER})
HEAD_OFFICE_WRITE_ROLES = frozenset({HeadOfficeRole.ADMIN, HeadOfficeRole.OPERATOR})


def current_cooperative() -> Any:
    """The cooperative whose schema the connection is on (None on the public schema)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return None
    return tenant


def roles_in(user: Any, cooperative: Any) -> frozenset[str]:
    if cooperative is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = user.__dict__.setdefault("_roles_cache", {})
    if cooperative.pk not in cache:
        cache[cooperative.pk] = frozenset(
            CooperativeRole.objects.filter(user=user, cooperative_id=cooperative.pk).values_list(
                "role", flat=True
            )
        )
    roles: frozenset[str] = cache[cooperative.pk]
    return roles


def is_head_office(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.head_office_role)


def can_manage_head_office(user: Any) -> bool:
    return is_head_office(user) and user.head_office_role in HEAD_OFFICE_WRITE_ROLES


def can_administer_users(user: Any) -> bool:
    return is_head_office(user) and user.head_office_role == HeadOfficeRole.ADMIN


def is_staff_of(user: Any, cooperative: Any) -> bool:
    return bool(roles_in(user, cooperative) & STAFF_ROLES)


def can_write_in(user: Any, cooperative: Any) -> bool:
    """Staff who may change a cooperative's books; nobody while it is suspended."""
    if cooperative is None or cooperative.status != "active":
        return False
    return bool(roles_in(user, cooperative) & STAFF_WRITE_ROLES)


def can_manage_staff(user: Any, cooperative: Any) -> bool:
    if cooperative is None or cooperative.status != "active":
        return False
    return bool(roles_in(user, cooperative) & BOARD_ROLES)


def has_any_role_in(user: Any, cooperative: Any) -> bool:
    """Anyone with a role here (staff or member), e.g. to read the cooperative's profile."""
    return bool(roles_in(user, cooperative))


def is_member_of(user: Any, cooperative: Any) -> bool:
    return CooperativeRoleName.ANGGOTA in roles_in(user, cooperative)


def requires_two_factor(user: Any) -> bool:
    """Every staff role, anywhere, must pass TOTP; members and shoppers need not."""
    from django.conf import settings

    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user.head_office_role or user.is_superuser:
        return True
    return CooperativeRole.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def two_factor_passed(user: Any) -> bool:
    if not requires_two_factor(user):
        return True
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())
