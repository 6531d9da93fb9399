"""The Celery heartbeat: a timestamp in Redis, written by a worker every time beat sends
``health.tasks.heartbeat``. A fresh key proves beat scheduled it and a worker ran it."""

from __future__ import annotations

import time

import redis
from django.conf import settings

HEARTBEAT_KEY = "platform:health:heartbeat"
HEARTBEAT_INTERVAL = 30.0  # seconds; the beat schedule in settings sends it this often
HEARTBEAT_STALE_AFTER = 3 * HEARTBEAT_INTERVAL  # three missed beats
REDIS_TIMEOUT = 1.0

_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis:
    """A client (with its own pool) for settings.REDIS_URL, short timeouts so a dead Redis
    answers in about a second rather than hanging the health check."""
    url: str = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        _clients[url] = client
    return client


def heartbeat_write(now: float | None = None) -> None:
    """Overwrite the heartbeat key: running it twice is harmless."""
    stamp = time.time() if now is None else now
    redis_client().set(HEARTBEAT_KEY, f"{stamp:.3f}", ex=int(HEARTBEAT_STALE_AFTER * 4))


def heartbeat_age() -> float | None:
    """Seconds since the last heartbeat, None when there is none."""
    raw = redis_client().get(HEARTBEAT_KEY)
    if raw is None:
        return None
    return max(0.0, time.time() - float(raw))
