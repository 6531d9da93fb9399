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
from tenant_schemas_celery.app import CeleryApp


@dataclass(frozen=True)
class PrivateRedis:
    redis_url: str  # unix:///tmp/kopr-....sock?db=0, like settings.REDIS_URL
    broker_url: str  # redis+socket:///tmp/kopr-....sock, like settings.CELERY_BROKER_URL
    # A client app on this broker: the project's app keeps its own broker, and Celery's
    # control commands publish through the app's pool whatever connection they are given.
    celery_app: CeleryApp


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    folder = Path(tempfile.mkdtemp(prefix="kopr-ops-"))
    url = ensure_redis(folder)
    broker_url = "redis+socket://" + url.removeprefix("unix://").split("?")[0]
    app = CeleryApp("ops-test", broker=broker_url, set_as_current=False)
    try:
        yield PrivateRedis(redis_url=url, broker_url=broker_url, celery_app=app)
    finally:
        app.close()
        stop_redis(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def on_private_redis(
    private_redis: PrivateRedis, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PrivateRedis]:
    """This process's health checks pointed at the private Redis and broker."""
    monkeypatch.setattr("health.checks.celery_app", private_redis.celery_app)
    with override_settings(
        REDIS_URL=private_redis.redis_url, CELERY_BROKER_URL=private_redis.broker_url
    ):
        yield private_redis
