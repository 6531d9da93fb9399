"""The checks behind /healthz. None raises; each is bounded to about a second.

Errors are reported by exception class only: /healthz is public, and a driver's message
can name hosts and database users. The full message goes to the log.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from federation import celery_app

from health.heartbeat import HEARTBEAT_STALE_AFTER, heartbeat_age, redis_client

logger = logging.getLogger(__name__)

PING_TIMEOUT = 0.5
# The worker ping is a broadcast every worker answers: cache its result so a flood of
# requests to a public URL cannot become a flood of pings.
WORKERS_KEY = "platform:health:workers"
WORKERS_CACHE_SECONDS = 10
CORE_CHECKS = ("database", "redis")


@dataclass
class Check:
    ok: bool
    latency_ms: float = 0.0
    error: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "latency_ms": round(self.latency_ms, 1)}
        if self.error:
            data["error"] = self.error
        data.update(self.detail)
        return data


@dataclass
class Report:
    status: str  # "ok" | "degraded" | "down"
    checks: dict[str, Check]

    @property
    def http_status(self) -> int:
        return 200 if self.status == "ok" else 503

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "checks": {name: check.as_json() for name, check in self.checks.items()},
        }


def _timed(name: str, probe: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        check = probe()
    except Exception as exc:  # a health check reports every failure, it never raises
        logger.warning("health check %s failed: %s", name, exc)
        check = Check(ok=False, error=type(exc).__name__)
    check.latency_ms = (time.perf_counter() - started) * 1000
    return check


def _database() -> Check:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return Check(ok=True)


def _redis() -> Check:
    redis_client().ping()
    return Check(ok=True)


def _celery_worker() -> Check:
    client = redis_client()
    cached = client.get(WORKERS_KEY) if WORKERS_CACHE_SECONDS else None
    if cached is not None:
        data = json.loads(cached)
        return Check(ok=data["ok"], error=data["error"], detail={"cached": True})
    with celery_app.connection_for_read(connect_timeout=1) as conn:
        # Fail fast on a dead broker rather than through kombu's retries.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    replies = celery_app.control.ping(timeout=PING_TIMEOUT, limit=1)
    ok = bool(replies)
    error = "" if ok else "no worker answered the ping"
    if WORKERS_CACHE_SECONDS:
        client.set(WORKERS_KEY, json.dumps({"ok": ok, "error": error}), ex=WORKERS_CACHE_SECONDS)
    return Check(ok=ok, error=error)


def _celery_beat() -> Check:
    age = heartbeat_age()
    if age is None:
        return Check(ok=False, error="no heartbeat")
    ok = age <= HEARTBEAT_STALE_AFTER
    return Check(ok=ok, error="" if ok else "heartbeat stale", detail={"age_s": round(age, 1)})


def health_report(*, ready_only: bool = False) -> Report:
    """database and redis always; the Celery worker and beat unless ``ready_only``.

    "down" when the database or Redis fails, "degraded" when only Celery does; both
    answer 503 (see docs/operations.md, Monitoring).
    """
    checks = {"database": _timed("database", _database), "redis": _timed("redis", _redis)}
    if not ready_only:
        checks["celery_worker"] = _timed("celery_worker", _celery_worker)
        checks["celery_beat"] = _timed("celery_beat", _celery_beat)
    if all(check.ok for check in checks.values()):
        status = "ok"
    elif all(checks[name].ok for name in CORE_CHECKS):
        status = "degraded"
    else:
        status = "down"
    return Report(status=status, checks=checks)
