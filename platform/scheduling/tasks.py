"""Celery tasks of the scheduling app."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from scheduling.fanout import cooperative_fan_out


@shared_task(name="scheduling.tasks.for_each_cooperative", bind=True, ignore_result=True)
def for_each_cooperative(self: Any, task_name: str, kwargs: dict[str, Any] | None = None) -> int:
    """Beat schedules this with ``kwargs={"task_name": ..., "kwargs": {...}}``; it enqueues
    ``task_name`` once per active cooperative, in that cooperative's schema."""
    return len(
        cooperative_fan_out(task_name=task_name, kwargs=kwargs or {}, parent_id=self.request.id)
    )
