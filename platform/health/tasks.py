"""Celery tasks of the health app."""

from __future__ import annotations

from celery import shared_task

from health.heartbeat import heartbeat_write


@shared_task(name="health.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Sent by beat every 30 s (settings.CELERY_BEAT_SCHEDULE); idempotent."""
    heartbeat_write()
