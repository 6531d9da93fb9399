"""Reads for a cooperative's own pages. Call during a request on the cooperative's host:
audit entries come from the connection's (the cooperative's) schema."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from identity.access import STAFF_ROLES
from identity.models import CooperativeRole, CooperativeRoleName


def staff_roles(cooperative: Any) -> QuerySet[CooperativeRole]:
    """This cooperative's staff roles (never another cooperative's)."""
    return (
        CooperativeRole.objects.filter(cooperative_id=cooperative.pk, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__username", "role")
    )


def staff_role_get(cooperative: Any, pk: int) -> CooperativeRole:
    return get_object_or_404(staff_roles(cooperative), pk=pk)


def role_counts(cooperative: Any) -> list[dict[str, Any]]:
    """How many people hold each role here, in the roles' own order."""
    rows = (
        CooperativeRole.objects.filter(cooperative_id=cooperative.pk)
        .values("role")
        .annotate(n=Count("id"))
    )
    counts = {row["role"]: row["n"] for row in rows}
    return [
        {"role": value, "label": label, "count": counts.get(value, 0)}
        for value, label in CooperativeRoleName.choices
    ]


def roles_of(user: Any, cooperative: Any) -> list[str]:
    """The labels of a person's roles here."""
    rows = CooperativeRole.objects.filter(user=user, cooperative_id=cooperative.pk).order_by("role")
    return [row.get_role_display() for row in rows]


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all()
