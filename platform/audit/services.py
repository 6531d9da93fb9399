"""Writing the audit log. Call inside the service's own transaction so both land or neither."""

from __future__ import annotations

from typing import Any

from django.db import models

from audit.context import current_request
from audit.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one action in the current schema's audit log."""
    ctx = current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor_label=(actor.get_username() if authenticated else "system")[:200],
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:500],
        data=data or {},
        ip_address=ctx.ip_address if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        path=ctx.path if ctx else "",
        method=ctx.method if ctx else "",
    )
