"""A real `celery worker` process against the test database and a private Redis.

Proves that a task runs in the schema of the cooperative it was sent for, that the
per-cooperative fan-out reaches every active cooperative, that /healthz sees a live
worker, and that a worker killed mid-task loses no work: acks_late keeps the message
until the task finishes, and it is redelivered (after the visibility timeout when the
whole worker died, at once when only its pool process did) and takes effect once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import redis
from audit.models import AuditEntry
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context
from health.heartbeat import heartbeat_age
from registry.services import cooperative_suspend

from tests.factories import cooperative_ensure
from tests.ops.conftest import PrivateRedis, database_url
from tests.ops.tasks import attempts_key, pid_key

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 4  # seconds: the test worker redelivers unacked tasks this soon


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Workers:
    """Starts and kills `celery worker` processes consuming one private queue."""

    def __init__(self, broker: PrivateRedis, log_dir: Path) -> None:
        self.broker = broker
        self.queue = f"ops-{uuid.uuid4().hex[:10]}"
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.env = {
            **os.environ,
            "DJANGO_ENV": "test",
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            "REDIS_URL": broker.redis_url,
            "CELERY_BROKER_URL": broker.broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "SENTRY_DSN": "",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        }
        self.env.pop("TEST_DB_NAME", None)

    def start(self) -> subprocess.Popen[bytes]:
        node = f"{self.queue}-{len(self.procs)}@{socket.gethostname()}"
        log = open(self.log_dir / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "federation",
                "worker",
                "--loglevel",
                "INFO",
                "--queues",
                self.queue,
                "--hostname",
                node,
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--include",
                "tests.ops.tasks",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill it whole
        )
        self.procs.append(proc)
        try:
            wait_for(lambda: self.ping(node) or proc.poll() is not None, 30, f"worker {node}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log()}") from exc
        assert proc.poll() is None, self.log()
        return proc

    def ping(self, node: str) -> bool:
        return bool(self.broker.celery_app.control.ping(destination=[node], timeout=0.3))

    def send(self, name: str, schema: str, **kwargs: Any) -> None:
        """Send a task in a schema's context, as application code would."""
        with schema_context(schema):
            self.broker.celery_app.send_task(name, kwargs=kwargs, queue=self.queue)

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL the whole worker: main process and pool, no chance to requeue anything."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def redis_client(self) -> redis.Redis:
        """A client of the workers' Redis (where the test tasks count their attempts)."""
        return redis.Redis.from_url(self.broker.redis_url)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.log_dir.glob("*.log"))


@pytest.fixture
def workers(
    transactional_db: Any, private_redis: PrivateRedis, tmp_path: Path
) -> Iterator[Workers]:
    # Requests transactional_db so the workers are gone before the database is flushed.
    pool = Workers(private_redis, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


def entries(schema: str, **filters: Any) -> list[AuditEntry]:
    with schema_context(schema):
        return list(AuditEntry.objects.filter(**filters))


def test_a_task_runs_in_the_schema_of_its_cooperative(alpha: Any, beta: Any, workers: Workers):
    # given: a worker, and a suspended cooperative next to alpha and beta
    paused = cooperative_suspend(
        actor=None, cooperative=cooperative_ensure("ops-paused"), reason="uji"
    )
    workers.start()
    marker = uuid.uuid4().hex

    # when: a task is sent for alpha
    workers.send("tests.ops.tasks.audit_here", alpha.schema_name, marker=marker)

    # then: it wrote in alpha's schema, and nowhere else
    found = wait_for(lambda: entries("kop_alpha", summary=marker), 20, "alpha's entry")
    assert found[0].data == {"marker": marker, "schema": "kop_alpha"}
    for schema in ("kop_beta", paused.schema_name, "public"):
        assert entries(schema, summary=marker) == []

    # when: beat's fan-out runs, sent from the public schema as beat sends it
    fanned = uuid.uuid4().hex
    workers.send(
        "scheduling.tasks.for_each_cooperative",
        "public",
        task_name="tests.ops.tasks.audit_here",
        kwargs={"marker": fanned},
    )

    # then: one copy ran in each active cooperative's schema, none elsewhere
    for schema in ("kop_alpha", "kop_beta"):
        found = wait_for(partial(entries, schema, summary=fanned), 20, f"{schema}'s entry")
        assert [e.data["schema"] for e in found] == [schema]
    assert entries(paused.schema_name, summary=fanned) == []
    assert entries("public", summary=fanned) == []


def test_healthz_sees_the_worker_and_the_heartbeat(
    alpha: Any, workers: Workers, on_private_redis: PrivateRedis
):
    # given: a worker, which runs the heartbeat as beat would send it
    workers.start()
    workers.send("health.tasks.heartbeat", "public")
    wait_for(lambda: heartbeat_age() is not None, 20, "the heartbeat")

    # when
    started = time.perf_counter()
    response = Client(HTTP_HOST="alpha.localhost").get("/healthz")
    elapsed_ms = (time.perf_counter() - started) * 1000

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["celery_worker"]["ok"] is True
    assert body["checks"]["celery_beat"]["age_s"] < 20
    print(f"/healthz with a live worker: {elapsed_ms:.0f} ms; {body['checks']}")


def test_a_worker_killed_mid_task_loses_no_work(alpha: Any, workers: Workers):
    # given: a slow task, idempotent by its key, running on a worker
    key = uuid.uuid4().hex
    first = workers.start()
    workers.send("tests.ops.tasks.slow_effect", alpha.schema_name, key=key, seconds=3)
    attempts = workers.redis_client()
    wait_for(lambda: attempts.get(attempts_key(key)) == b"1", 20, "the task to start")
    delivered = time.monotonic()

    # when: the whole worker is killed mid-task, and a new one starts once the
    # visibility timeout has passed
    workers.kill(first)
    assert entries("kop_alpha", summary=key) == []
    time.sleep(max(0.0, delivered + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    workers.start()

    # then: the new worker ran it again, to completion, and its effect exists once
    wait_for(lambda: entries("kop_alpha", summary=key), 25, "the redelivered task")
    assert attempts.get(attempts_key(key)) == b"2"

    # when: the same task is delivered yet again (a duplicate), then: still one effect
    workers.send("tests.ops.tasks.slow_effect", alpha.schema_name, key=key, seconds=0)
    wait_for(lambda: attempts.get(attempts_key(key)) == b"3", 20, "the duplicate")
    assert len(entries("kop_alpha", summary=key)) == 1


def test_a_pool_process_killed_mid_task_is_retried_at_once(alpha: Any, workers: Workers):
    # given: a slow task running in the worker's pool process
    key = uuid.uuid4().hex
    workers.start()
    workers.send("tests.ops.tasks.slow_effect", alpha.schema_name, key=key, seconds=2)
    client = workers.redis_client()
    wait_for(lambda: client.get(attempts_key(key)) == b"1", 20, "the task to start")

    # when: the pool process dies (out of memory, a segfault); the worker survives
    os.kill(int(client.get(pid_key(key)) or 0), signal.SIGKILL)

    # then: reject_on_worker_lost requeues it, and it completes once
    wait_for(lambda: entries("kop_alpha", summary=key), 20, "the requeued task")
    assert client.get(attempts_key(key)) == b"2"
    assert len(entries("kop_alpha", summary=key)) == 1
