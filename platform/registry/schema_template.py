"""New cooperative schemas from a migrated template, by plain top-level SQL.

The template schema (settings.TENANT_TEMPLATE_SCHEMA) is migrated like any tenant on every
`migrate`. Its DDL and seed data are captured once per migration state with pg_dump and
stored in ``SchemaTemplate``; creating a tenant then runs that SQL with the schema name
replaced. Why not django-tenants' clone_schema(): it runs inside a database function, and
Citus distributes only tables made by top-level statements (docs/decisions/0002).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from registry.models import SchemaTemplate

SCHEMA_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SKIP_PREFIXES = ("SET ", "SELECT pg_catalog.set_config(", "CREATE SCHEMA", "ALTER SCHEMA", "\\")


class SchemaError(Exception):
    pass


def template_schema() -> str:
    name: str = settings.TENANT_TEMPLATE_SCHEMA
    return name


def schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cur.fetchone() is not None


def migrations_table_exists(schema_name: str) -> bool:
    """Whether the schema has its own django_migrations: one indexed catalogue lookup, the
    same cost at 1,000 schemas as at 10 (Django's has_table() lists every table)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'django_migrations'",
            [schema_name],
        )
        return cur.fetchone() is not None


def applied_migrations(schema_name: str) -> list[tuple[str, str]]:
    """The migrations recorded in one schema, in the order they were applied."""
    if not migrations_table_exists(schema_name):
        return []
    with connection.cursor() as cur:
        cur.execute(f'SELECT app, name FROM "{schema_name}".django_migrations ORDER BY id')
        return [(app, name) for app, name in cur.fetchall()]


def state_digest(migrations: list[tuple[str, str]]) -> str:
    canonical = json.dumps(sorted(migrations)).encode()
    return hashlib.sha256(canonical).hexdigest()


def pg_tool(name: str) -> str:
    """pg_dump/psql: PG_BIN_DIR if set, else the embedded server's, else the PATH's."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        from embedded.services import pg_bin_dir

        candidates.append(pg_bin_dir() / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise SchemaError(f"{name} not found: set PG_BIN_DIR")
    return found


def libpq_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGPASSWORD": str(db.get("PASSWORD") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    return {k: v for k, v in env.items() if v != ""}


def dump_schema(schema_name: str, *, data: bool = True) -> str:
    """pg_dump of one schema as SQL text (no owners, no privileges, INSERTs for data)."""
    args = [
        pg_tool("pg_dump"),
        "--schema",
        schema_name,
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-publications",
        "--no-subscriptions",
        "--no-tablespaces",
    ]
    args += ["--inserts", "--rows-per-insert=500"] if data else ["--schema-only"]
    result = subprocess.run(args, env=libpq_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SchemaError(f"pg_dump failed: {result.stderr.strip()}")
    return result.stdout


def template_sql_from_dump(dump: str, schema_name: str) -> str:
    """Keep the statements that build the schema's objects; name the schema by a placeholder."""
    kept = []
    for line in dump.splitlines():
        if line.startswith("--") or line.startswith(_SKIP_PREFIXES):
            continue
        kept.append(line)
    body = "\n".join(kept)
    body = re.sub(rf'(?<![\w"]){re.escape(schema_name)}\.', "{schema}.", body)
    body = body.replace(f'"{schema_name}".', "{schema}.")
    # Statements that the schema-less dump body could not express stay out; the rest is
    # plain CREATE / ALTER / INSERT / SELECT setval, each a top-level statement.
    return "\n".join(line for line in body.splitlines() if line.strip()) + "\n"


def template_capture(*, force: bool = False) -> SchemaTemplate:
    """Capture the template's current state (once per migration state)."""
    name = template_schema()
    migrations = applied_migrations(name)
    if not migrations:
        raise SchemaError(f"template schema {name!r} is not migrated: run `manage.py migrate`")
    digest = state_digest(migrations)
    existing = SchemaTemplate.objects.filter(state=digest).first()
    if existing and not force:
        return existing
    sql = template_sql_from_dump(dump_schema(name), name)
    template, _ = SchemaTemplate.objects.update_or_create(
        state=digest, defaults={"sql": sql, "migrations": [list(m) for m in migrations]}
    )
    return template


def template_current() -> SchemaTemplate:
    digest = state_digest(applied_migrations(template_schema()))
    template = SchemaTemplate.objects.filter(state=digest).first()
    return template or template_capture()


def schema_create(schema_name: str) -> None:
    """Create a tenant schema from the template, as plain top-level statements, atomically."""
    if not SCHEMA_NAME_RE.match(schema_name) or schema_name in {"public", template_schema()}:
        raise SchemaError(f"invalid schema name {schema_name!r}")
    template = template_current()
    quoted = f'"{schema_name}"'
    sql = template.sql.replace("{schema}.", f"{quoted}.")
    with transaction.atomic(), connection.cursor() as cur:
        if schema_exists(schema_name):
            raise SchemaError(f"schema {schema_name!r} already exists")
        cur.execute(f"CREATE SCHEMA {quoted}")
        cur.execute(sql)


def schema_drop(schema_name: str) -> None:
    if schema_name in {"public", template_schema()}:
        raise SchemaError(f"refusing to drop {schema_name!r}")
    with connection.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
