"""/healthz: JSON with per-check ok/latency/error; 200 only when everything is ok."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from federation import celery_app
from health import checks
from health.heartbeat import HEARTBEAT_STALE_AFTER, heartbeat_age, heartbeat_write
from health.tasks import heartbeat

HOSTS = ["localhost", "alpha.localhost", "10.0.0.7"]
PONG = [{"celery@web-1": {"ok": "pong"}}]


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Worker ping replies, by default one worker; the cache off unless a test wants it."""
    replies: list[dict[str, Any]] = list(PONG)
    calls: list[dict[str, Any]] = []

    def ping(**kwargs: Any) -> list[dict[str, Any]]:
        calls.append(kwargs)
        return replies

    # (on_private_redis, when a test asks for it first, has swapped in its own app)
    monkeypatch.setattr(checks.celery_app.control, "ping", ping)
    monkeypatch.setattr(checks, "WORKERS_CACHE_SECONDS", 0)
    monkeypatch.setattr("health.checks._pings", calls, raising=False)
    return replies


def get(host: str = "localhost", path: str = "/healthz") -> Any:
    return Client(HTTP_HOST=host).get(path)


@pytest.mark.parametrize("host", HOSTS)
def test_all_ok_on_every_host(db: Any, alpha: Any, on_private_redis: Any, pings: Any, host: str):
    # given: a worker answers and the heartbeat is fresh
    heartbeat_write()

    # when
    response = get(host)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "celery_worker", "celery_beat"}
    for check in body["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["latency_ms"], float)
        assert "error" not in check
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response


def test_degraded_without_a_worker_or_a_heartbeat(db: Any, on_private_redis: Any, pings: Any):
    # given: no worker answers and beat never sent a heartbeat
    pings.clear()

    # when
    response = get()

    # then: 503 so monitors page someone, but "degraded": the site itself still works
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert body["checks"]["celery_worker"] == {
        "ok": False,
        "latency_ms": body["checks"]["celery_worker"]["latency_ms"],
        "error": "no worker answered the ping",
    }
    assert body["checks"]["celery_beat"]["error"] == "no heartbeat"


def test_a_stale_heartbeat_means_beat_is_not_running(db: Any, on_private_redis: Any, pings: Any):
    # given: the last heartbeat is older than three beats
    heartbeat_write(now=time.time() - HEARTBEAT_STALE_AFTER - 5)

    # when
    body = get().json()

    # then
    assert body["status"] == "degraded"
    assert body["checks"]["celery_worker"]["ok"] is True
    assert body["checks"]["celery_beat"]["ok"] is False
    assert body["checks"]["celery_beat"]["error"] == "heartbeat stale"
    assert body["checks"]["celery_beat"]["age_s"] > HEARTBEAT_STALE_AFTER


def test_ready_checks_only_the_database_and_redis(db: Any, on_private_redis: Any, pings: Any):
    # given: no Celery at all
    pings.clear()

    # when: the load balancer's probe
    response = get(path="/healthz?ready=1")

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"]) == {"database", "redis"}


def test_down_with_the_database_down_still_answers_json(
    db: Any, on_private_redis: Any, pings: Any, monkeypatch: pytest.MonkeyPatch
):
    # given: the database refuses connections (its message names a host and a user)
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError('connection to "10.1.2.3" failed for user "koperasi_prod"')

    heartbeat_write()
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)

        # when: on a cooperative's host, whose lookup itself would need the database
        response = get("alpha.localhost")

    # then: 503 with JSON, naming the failure but not the host or user
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["redis"]["ok"] is True
    assert b"10.1.2.3" not in response.content and b"koperasi_prod" not in response.content


def test_down_with_redis_unreachable_answers_quickly(db: Any, pings: Any):
    # given: Redis (and so the broker) is gone
    gone = "/tmp/kopr-ops-gone.sock"
    with override_settings(
        REDIS_URL=f"unix://{gone}?db=0", CELERY_BROKER_URL=f"redis+socket://{gone}"
    ):
        # when
        started = time.monotonic()
        response = get()
        elapsed = time.monotonic() - started

    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["redis"] == {
        "ok": False,
        "latency_ms": body["checks"]["redis"]["latency_ms"],
        "error": "ConnectionError",
    }
    assert body["checks"]["celery_beat"]["ok"] is False
    assert elapsed < 5


def test_only_get_and_head_at_exactly_this_path(db: Any, alpha: Any, on_private_redis: Any):
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.head("/healthz?ready=1").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.get("/healthz/").status_code == 404
    assert reverse("health:healthz") == "/healthz"


def test_the_worker_ping_is_cached_briefly(
    db: Any, on_private_redis: Any, pings: Any, monkeypatch: pytest.MonkeyPatch
):
    # given: the cache on, as in production
    monkeypatch.setattr(checks, "WORKERS_CACHE_SECONDS", 10)
    calls = checks._pings  # type: ignore[attr-defined]

    # when: a burst of requests
    bodies = [get().json() for _ in range(5)]

    # then: one broadcast ping for all of them
    assert len(calls) == 1
    assert calls[0]["timeout"] == checks.PING_TIMEOUT
    assert all(b["checks"]["celery_worker"]["ok"] for b in bodies)
    assert bodies[-1]["checks"]["celery_worker"]["cached"] is True


def test_the_heartbeat_task_writes_a_fresh_timestamp(on_private_redis: Any):
    heartbeat()
    age = heartbeat_age()
    assert age is not None and age < 1


def test_beat_installs_the_heartbeat_every_30_seconds(db: Any, monkeypatch: pytest.MonkeyPatch):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    # (beat closes stale connections between runs; here that would be the test's own)
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)

    # when: beat starts with the database scheduler
    scheduler = DatabaseScheduler(app=celery_app)

    # then
    assert "health-heartbeat" in scheduler.schedule
    task = PeriodicTask.objects.get(name="health-heartbeat")
    assert task.task == "health.tasks.heartbeat"
    assert task.interval is not None and task.interval.every == 30
    assert task.interval.period == "seconds"
