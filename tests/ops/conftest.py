"""A private Redis per test (its own redis-server on its own socket), so Celery pings,
heartbeats and redelivery in these tests never meet another process's workers."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import override_settings
from embedded.services import ensure_redis, stop_redis


@dataclass(frozen=True)
class PrivateRedis:
    redis_url: str  # unix:///tmp/kopr-....sock?db=0, like settings.REDIS_URL
    broker_url: str  # redis+socket:///tmp/kopr-....sock, like settings.CELERY_BROKER_URL


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    folder = Path(tempfile.mkdtemp(prefix="kopr-ops-"))
    url = ensure_redis(folder)
    socket = url.removeprefix("unix://").split("?")[0]
    try:
        yield PrivateRedis(redis_url=url, broker_url=f"redis+socket://{socket}")
    finally:
        stop_redis(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def on_private_redis(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """This process's settings pointed at the private Redis (health checks read them)."""
    with override_settings(
        REDIS_URL=private_redis.redis_url, CELERY_BROKER_URL=private_redis.broker_url
    ):
        yield private_redis
