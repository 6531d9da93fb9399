"""Fan a task out to every active cooperative, each copy running in its own schema."""

from __future__ import annotations

import uuid
from typing import Any

from django_tenants.utils import get_public_schema_name, schema_context
from registry.models import Cooperative, CooperativeKind, CooperativeStatus


class UnknownTask(ValueError):
    pass


def active_cooperative_schemas() -> list[str]:
    """Schemas of the active member cooperatives (not suspended, not archived, not the
    platform's own public schema), in a stable order."""
    return list(
        Cooperative.objects.filter(status=CooperativeStatus.ACTIVE)
        .exclude(kind=CooperativeKind.PLATFORM)
        .exclude(schema_name=get_public_schema_name())
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def child_task_id(parent_id: str | None, schema_name: str) -> str | None:
    """The same id for the same (fan-out run, cooperative): a fan-out that is delivered
    twice sends copies with the same ids, which an idempotent task can use as its key."""
    if not parent_id:
        return None
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fanout:{parent_id}:{schema_name}"))


def cooperative_fan_out(
    *, task_name: str, kwargs: dict[str, Any], parent_id: str | None = None
) -> list[str]:
    """Send ``task_name(**kwargs)`` once per active cooperative; returns the schemas.

    Sent inside each schema's context, so tenant-schemas-celery stamps the message with
    that schema and the worker runs the task there. Not transactional: a fan-out that dies
    halfway and is redelivered sends some copies twice, so the task must be idempotent.
    """
    from federation import celery_app

    if task_name not in celery_app.tasks:
        # Outside a worker, apps' tasks modules are imported on demand.
        celery_app.loader.import_default_modules()
    if task_name not in celery_app.tasks:
        raise UnknownTask(f"no Celery task named {task_name!r}")
    schemas = active_cooperative_schemas()
    for schema in schemas:
        with schema_context(schema):
            celery_app.send_task(task_name, kwargs=kwargs, task_id=child_task_id(parent_id, schema))
    return schemas
