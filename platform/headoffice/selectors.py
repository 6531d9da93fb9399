"""Reads for the head office's console (public schema)."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from identity.access import STAFF_ROLES
from identity.models import CooperativeRole, User
from registry.models import Cooperative, CooperativeKind, CooperativeStatus


def cooperatives() -> QuerySet[Cooperative]:
    """Member cooperatives: every registry row but the platform's own."""
    return Cooperative.objects.exclude(kind=CooperativeKind.PLATFORM)


def cooperative_counts() -> dict[str, int]:
    """Cooperatives per status, every status present (zero when none)."""
    counts = {status: 0 for status in CooperativeStatus.values}
    for row in cooperatives().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def cooperative_search(*, query: str = "", status: str = "") -> QuerySet[Cooperative]:
    found = cooperatives()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    if status:
        found = found.filter(status=status)
    return found.order_by("name")


def cooperative_get(slug: str) -> Cooperative:
    return get_object_or_404(cooperatives(), slug=slug)


def cooperative_staff(cooperative: Cooperative) -> QuerySet[CooperativeRole]:
    return (
        CooperativeRole.objects.filter(cooperative=cooperative, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__username", "role")
    )


def cooperative_audit(cooperative: Cooperative, *, limit: int = 20) -> list[AuditEntry]:
    """Head-office actions about one cooperative: its own changes and roles granted in it.

    Call on the public schema (the head office's own log)."""
    entries = AuditEntry.objects.filter(
        Q(object_type=Cooperative._meta.label, object_id=str(cooperative.pk))
        | Q(data__cooperative=cooperative.slug)
    )
    return list(entries[:limit])


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all()


def users(*, query: str = "") -> QuerySet[User]:
    """People with their cooperative roles, head-office staff first."""
    found = User.objects.all()
    if query:
        found = found.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(email__icontains=query)
        )
    roles = CooperativeRole.objects.select_related("cooperative").order_by("cooperative__name")
    return found.prefetch_related(Prefetch("cooperative_roles", queryset=roles)).order_by(
        "-head_office_role", "full_name", "username"
    )


def user_get(pk: int) -> User:
    return get_object_or_404(users(), pk=pk)


def cooperative_role_get(*, user: User, pk: int) -> CooperativeRole:
    return get_object_or_404(
        CooperativeRole.objects.select_related("cooperative"), user=user, pk=pk
    )


def roles_by_cooperative(user: Any) -> list[dict[str, Any]]:
    """The cooperatives where a person holds roles (not archived), with those roles."""
    grouped: dict[int, dict[str, Any]] = {}
    rows = (
        CooperativeRole.objects.filter(user=user)
        .exclude(cooperative__status=CooperativeStatus.ARCHIVED)
        .exclude(cooperative__kind=CooperativeKind.PLATFORM)
        .select_related("cooperative")
        .order_by("cooperative__name", "role")
    )
    for row in rows:
        entry = grouped.setdefault(
            row.cooperative_id, {"cooperative": row.cooperative, "roles": []}
        )
        entry["roles"].append(row.get_role_display())
    return list(grouped.values())
