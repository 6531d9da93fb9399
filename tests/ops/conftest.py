"""Fixtures of the operations tests.

A private Redis per test (its own redis-server on its own socket), so Celery pings,
heartbeats and redelivery in these tests never meet another process's workers; and the
DATABASE_URL of the test database, for the processes these tests start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import override_settings
from embedded.services import ensure_redis, stop_redis
from tenant_schemas_celery.app import CeleryApp


def database_url(db: dict[str, Any]) -> str:
    """A DATABASE_URL for the test database (settings hold its name once it exists)."""
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = str(db.get("HOST") or "")
    port = str(db.get("PORT") or "")
    if host.startswith("/"):  # a unix socket directory
        return f"postgresql://{auth}/{db['NAME']}?{urlencode({'host': host})}"
    return f"postgresql://{auth}{host}{':' + port if port else ''}/{db['NAME']}"


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
    pid = int((folder / "redis" / "redis.pid").read_text().strip())
    try:
        yield PrivateRedis(redis_url=url, broker_url=broker_url, celery_app=app)
    finally:
        app.close()
        stop_redis(folder)
        _wait_gone(pid)  # it writes its dump on the way out: only then remove the folder
        shutil.rmtree(folder, ignore_errors=True)


def _wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


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
