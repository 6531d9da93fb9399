"""Creating tenant schemas three ways, in this process (Django is set up by bench.main).

* ours: ``registry.services.cooperative_create`` -- registry rows, ``CREATE SCHEMA`` and the
  template's captured DDL as plain statements, audit entry, one transaction;
* clone: django-tenants' ``CloneSchema().clone_schema(template, new, "DATA")``;
* migrations: what django-tenants' ``TenantMixin.create_schema`` does without a base
  schema -- ``CREATE SCHEMA`` then ``migrate_schemas --tenant --schema <new>``, i.e. every
  migration replayed by its standard executor.

Only ``ours`` registers a cooperative; the other two make bare schemas, dropped afterwards,
so they never count among the tenants that ``migrate`` walks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection as default_connection
from django_tenants.clone import CloneSchema
from registry.models import Cooperative
from registry.schema_template import schema_drop, template_schema
from registry.services import CooperativeAddress, cooperative_create

# django-tenants' backend: set_schema_to_public().
connection: Any = default_connection

ADDRESS = CooperativeAddress(
    street="Jl. Raya 1", desa="Sukamaju", kecamatan="Cibeunying", kabupaten="Bandung"
)


def tenant_count() -> int:
    connection.set_schema_to_public()
    return Cooperative.objects.exclude(schema_name="public").count()


class Sequence:
    """Unique slugs and schema names across the whole run."""

    def __init__(self) -> None:
        self._next = 0

    def take(self) -> int:
        self._next += 1
        return self._next


def ours_create(number: int) -> float:
    started = time.perf_counter()
    cooperative_create(
        actor=None,
        name=f"Koperasi Bench {number}",
        slug=f"bench-{number:05d}",
        kind="simpan_pinjam",
        legal_entity_number=f"AHU-BENCH-{number:05d}",
        address=ADDRESS,
    )
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def fill_to(level: int, sequence: Sequence, progress: Callable[[str], None]) -> list[float]:
    """Register cooperatives with our fast path until there are ``level``; their timings."""
    timings = []
    have = tenant_count()
    while have < level:
        timings.append(ours_create(sequence.take()))
        have += 1
        if have % 100 == 0:
            progress(f"  {have} tenants")
    return timings


def clone_create(schema: str) -> float:
    connection.set_schema_to_public()
    started = time.perf_counter()
    CloneSchema().clone_schema(template_schema(), schema, "DATA")
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def migrations_create(schema: str) -> float:
    connection.set_schema_to_public()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


class CpuMeter:
    """CPU seconds used by this process plus its PostgreSQL backend over a batch.

    Less disturbed than the wall clock by other work on the machine. Only when the server
    runs on this machine (the embedded one does) and the connection stays the same.
    """

    def __init__(self) -> None:
        self._pid, self._start = self._now()

    @staticmethod
    def _now() -> tuple[int, float | None]:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = int(cur.fetchone()[0])
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return pid, None
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return pid, time.process_time() + backend

    def per_item(self, items: int) -> float | None:
        pid, end = self._now()
        if pid != self._pid or end is None or self._start is None or not items:
            return None
        return (end - self._start) / items


def schema_shape(schema: str) -> tuple[int, int]:
    """(tables, migration records) of one schema, to check the three ways agree."""
    connection.set_schema_to_public()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])
        tables = int(cur.fetchone()[0])
        cur.execute(f'SELECT count(*) FROM "{schema}".django_migrations')
        records = int(cur.fetchone()[0])
    return tables, records


def schemas_drop(schemas: list[str]) -> None:
    connection.set_schema_to_public()
    for schema in schemas:
        schema_drop(schema)
