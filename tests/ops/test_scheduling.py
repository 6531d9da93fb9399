"""for_each_cooperative: one message per active cooperative, each stamped with its schema."""

from __future__ import annotations

from typing import Any

import celery
import pytest
from django.db import connection
from registry.services import cooperative_suspend
from scheduling.fanout import UnknownTask, active_cooperative_schemas, cooperative_fan_out
from scheduling.tasks import for_each_cooperative

from tests.factories import cooperative_ensure


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Messages as they leave tenant-schemas-celery's send_task (headers added), unsent."""
    messages: list[dict[str, Any]] = []

    def send_task(app: Any, name: str, args: Any = None, kwargs: Any = None, **options: Any):
        messages.append({"name": name, "kwargs": kwargs, **options})

    monkeypatch.setattr(celery.Celery, "send_task", send_task)
    return messages


@pytest.fixture
def paused(db: Any) -> Any:
    coop = cooperative_ensure("ops-paused")
    return cooperative_suspend(actor=None, cooperative=coop, reason="uji")


def test_one_message_per_active_cooperative_in_its_schema(
    alpha: Any, beta: Any, paused: Any, sent: list[dict[str, Any]]
):
    # when: beat's fan-out runs (in the public schema, as beat sends it)
    schemas = cooperative_fan_out(task_name="health.tasks.heartbeat", kwargs={"n": 1})

    # then: alpha and beta, not the suspended one, not public; each message carries its schema
    assert schemas == active_cooperative_schemas()
    assert {"kop_alpha", "kop_beta"} <= set(schemas)
    assert paused.schema_name not in schemas and "public" not in schemas
    assert [m["headers"]["_schema_name"] for m in sent] == schemas
    assert all(m["name"] == "health.tasks.heartbeat" and m["kwargs"] == {"n": 1} for m in sent)
    assert getattr(connection, "schema_name", None) == "public"


def test_a_redelivered_fan_out_sends_the_same_task_ids(alpha: Any, beta: Any, sent: list[Any]):
    cooperative_fan_out(task_name="health.tasks.heartbeat", kwargs={}, parent_id="run-1")
    cooperative_fan_out(task_name="health.tasks.heartbeat", kwargs={}, parent_id="run-1")
    first, second = sent[: len(sent) // 2], sent[len(sent) // 2 :]
    assert [m["task_id"] for m in first] == [m["task_id"] for m in second]
    assert len({m["task_id"] for m in first}) == len(first)


def test_an_unknown_task_is_refused_and_nothing_is_sent(alpha: Any, sent: list[Any]):
    with pytest.raises(UnknownTask):
        cooperative_fan_out(task_name="no.such.task", kwargs={})
    assert sent == []


def test_the_task_returns_how_many_it_sent(alpha: Any, beta: Any, sent: list[Any]):
    count = for_each_cooperative.apply(
        kwargs={"task_name": "health.tasks.heartbeat", "kwargs": {}}
    ).get()
    assert count == len(active_cooperative_schemas()) == len(sent)
