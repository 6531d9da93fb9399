"""Celery task of the members import; runs in the schema its message carries
(tenant-schemas-celery). Takes ids, calls one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from identity.models import User

from tenants.importer.jobs import import_job_run


@shared_task(name="tenants.importer.members_import_run", ignore_result=True)
def members_import_run(digest: str, extension: str, actor_id: int | None) -> str:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return import_job_run(digest=digest, extension=extension, actor=actor).state
