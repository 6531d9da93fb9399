"""Citus compatibility: shared tables that tenant tables point at become reference tables.

A no-op on plain PostgreSQL. On a Citus coordinator (schema-based sharding), a foreign key
from a distributed tenant schema may only point at a reference table, so every shared table
that tenant tables reference is made one by a migration with ``reference_table_operation``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def citus_enabled(schema_editor: Any) -> bool:
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cur.fetchone() is not None


def _forwards(tables: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.schema_name != "public" or not citus_enabled(schema_editor):
            return
        with schema_editor.connection.cursor() as cur:
            for table in tables:
                cur.execute(
                    "SELECT 1 FROM pg_dist_partition WHERE logicalrelid = %s::regclass", [table]
                )
                if cur.fetchone() is None:
                    cur.execute("SELECT create_reference_table(%s)", [table])
                # Reset the sequence past the rows that exist (they moved with the table).
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                    [table],
                )

    return run


def _backwards(tables: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.schema_name != "public" or not citus_enabled(schema_editor):
            return
        with schema_editor.connection.cursor() as cur:
            for table in tables:
                cur.execute("SELECT undistribute_table(%s)", [table])

    return run


def reference_table_operation(*tables: str) -> migrations.RunPython:
    return migrations.RunPython(_forwards(list(tables)), _backwards(list(tables)), elidable=False)
