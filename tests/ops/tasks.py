"""Tasks that exist only for the worker tests; the test worker imports them with
``-I tests.ops.tasks``. Each writes an audit entry in the schema it runs in."""

from __future__ import annotations

import os
import time

from audit.models import AuditEntry
from audit.services import audit_record
from celery import shared_task
from django.db import connection, transaction
from health.heartbeat import redis_client


def attempts_key(key: str) -> str:
    return f"ops-test:attempts:{key}"


def pid_key(key: str) -> str:
    return f"ops-test:pid:{key}"


@shared_task(name="tests.ops.tasks.audit_here", ignore_result=True)
def audit_here(marker: str) -> None:
    audit_record(
        actor=None,
        action="ops.audit_here",
        summary=marker,
        data={"marker": marker, "schema": getattr(connection, "schema_name", "")},
    )


@shared_task(name="tests.ops.tasks.slow_effect", ignore_result=True)
def slow_effect(key: str, seconds: float) -> None:
    """Counts its attempts in Redis, sleeps, then writes its one effect unless a previous
    attempt already did: idempotent by ``key`` (an advisory lock makes check-then-write
    safe against a concurrent duplicate)."""
    client = redis_client()
    client.incr(attempts_key(key))
    client.set(pid_key(key), os.getpid())
    time.sleep(seconds)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        if AuditEntry.objects.filter(action="ops.slow_effect", summary=key).exists():
            return
        audit_record(actor=None, action="ops.slow_effect", summary=key, data={"key": key})
