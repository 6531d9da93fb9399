"""Backups and restores, with the real pg_dump/pg_restore against the test database.

One cooperative: backup, later changes, restore puts its schema back as it was and
touches nobody else. Whole database: backup-all.sh into a staging database with
restore-all.sh, then one cooperative restored there with restore-tenant.sh.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from audit.models import AuditEntry
from audit.services import audit_record
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tenants.utils import schema_context
from embedded.services import pg_bin_dir
from registry.schema_template import schema_drop, schema_exists

from tests.ops.conftest import PrivateRedis, database_url

# pg_dump sees only committed rows: these tests commit (and the database is flushed after).
committed = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "infra" / "backup"


def mark(schema: str, summary: str) -> None:
    with schema_context(schema):
        audit_record(actor=None, action="ops.backup_test", summary=summary)


def marks(schema: str, dbname: str | None = None) -> set[str]:
    """The test's audit entries in a schema, of this database or another one."""
    if dbname is None:
        with schema_context(schema):
            return set(
                AuditEntry.objects.filter(action="ops.backup_test").values_list(
                    "summary", flat=True
                )
            )
    with other_database(dbname) as cur:
        cur.execute(
            f'SELECT summary FROM "{schema}".audit_auditentry WHERE action = %s',
            ["ops.backup_test"],
        )
        return {row[0] for row in cur.fetchall()}


@contextmanager
def other_database(dbname: str) -> Iterator[Any]:
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(host=db["HOST"], user=db["USER"], dbname=dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def backup(slug: str, folder: Path) -> Path:
    out = StringIO()
    call_command("cooperative_backup", slug, output_dir=folder, stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


@pytest.fixture
def private_cache(private_redis: PrivateRedis) -> Iterator[None]:
    location = private_redis.redis_url.replace("db=0", "db=1")
    with override_settings(
        CACHES={"default": {**settings.CACHES["default"], "LOCATION": location}}
    ):
        yield


def cached(schema: str) -> Any:
    with schema_context(schema):
        return cache.get("ops-probe")


@committed
def test_one_cooperative_round_trip(alpha: Any, beta: Any, tmp_path: Path, private_cache: None):
    # given: alpha and beta each with a record, and a backup of alpha
    before, after, other = (uuid.uuid4().hex for _ in range(3))
    mark("kop_alpha", before)
    mark("kop_beta", other)
    dump = backup("alpha", tmp_path)
    manifest = json.loads(dump.with_suffix(".json").read_text())
    assert manifest["schema"] == "kop_alpha" and len(manifest["sha256"]) == 64
    # ... and a change to alpha after it
    mark("kop_alpha", after)

    # when: restoring without --replace, or from another cooperative's backup
    with pytest.raises(CommandError, match="--replace"):
        call_command("cooperative_restore", "alpha", str(dump))
    beta_dump = backup("beta", tmp_path)
    with pytest.raises(CommandError, match="not kop_alpha"):
        call_command("cooperative_restore", "alpha", str(beta_dump), replace=True)
    # then: nothing changed
    assert marks("kop_alpha") >= {before, after}

    # ... and both have something cached
    for schema in ("kop_alpha", "kop_beta"):
        with schema_context(schema):
            cache.set("ops-probe", schema)

    # when: restoring alpha for real
    out = StringIO()
    call_command("cooperative_restore", "alpha", str(dump), replace=True, stdout=out)

    # then: alpha is as it was at the backup; beta and the registry are untouched
    assert before in marks("kop_alpha") and after not in marks("kop_alpha")
    assert other in marks("kop_beta")
    assert cached("kop_alpha") is None, "nothing cached from before the restore"
    assert cached("kop_beta") == "kop_beta"
    previous = next(
        line.split(" kept as ")[1].split(";")[0]
        for line in out.getvalue().splitlines()
        if "kept as" in line
    )
    assert after in marks(previous), "the replaced schema is kept aside"
    assert AuditEntry.objects.filter(action="cooperative.restore", object_id=str(alpha.pk))
    schema_drop(previous)


@committed
def test_a_damaged_dump_is_refused_and_nothing_changes(alpha: Any, tmp_path: Path):
    mark("kop_alpha", keep := uuid.uuid4().hex)
    dump = backup("alpha", tmp_path)
    dump.write_bytes(dump.read_bytes()[:-100])
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("cooperative_restore", "alpha", str(dump), replace=True)
    assert keep in marks("kop_alpha")


@pytest.fixture
def staging_db() -> Iterator[str]:
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_staging"
    with other_database("postgres") as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with other_database("postgres") as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: str, *args: str, **env: str) -> str:
    environ = {
        **os.environ,
        "KOPERASI_ENV_FILE": "/nonexistent",
        "KOPERASI_APP_DIR": str(ROOT),
        "KOPERASI_PYTHON": sys.executable,
        "PG_BIN_DIR": str(pg_bin_dir()),
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.REDIS_URL,
        **env,
    }
    environ.pop("TEST_DB_NAME", None)
    result = subprocess.run(
        [str(SCRIPTS / script), *args], env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@committed
def test_whole_backup_to_staging_then_one_cooperative_restored_there(
    alpha: Any, tmp_path: Path, staging_db: str
):
    # given: earlier whole backups, beyond what rotation keeps
    whole = tmp_path / "all"
    whole.mkdir()
    for n in range(3):
        old = whole / f"koperasi-2020010{n + 1}T000000Z.dump"
        old.write_bytes(b"old")
        os.utime(old, (time.time() - 86400 * (10 - n),) * 2)
    first = uuid.uuid4().hex
    mark("kop_alpha", first)

    # when: the nightly whole backup runs
    dump = Path(run("backup-all.sh", str(whole), BACKUP_KEEP="2").strip().splitlines()[-1])

    # then: it is checksummed and rotation kept the newest two
    assert dump.exists() and Path(f"{dump}.sha256").exists()
    assert sorted(p.name for p in whole.glob("*.dump")) == [
        "koperasi-20200103T000000Z.dump",
        dump.name,
    ]

    # when: it is restored into an empty staging database
    staging_url = database_url({**settings.DATABASES["default"], "NAME": staging_db})
    run("restore-all.sh", str(dump), staging_url)

    # then: the staging database has alpha as it was
    assert first in marks("kop_alpha", staging_db)

    # given: alpha changes, and its own backup is taken
    second = uuid.uuid4().hex
    mark("kop_alpha", second)
    out = run("backup-tenant.sh", "alpha", "--output-dir", str(tmp_path / "one"))
    tenant_dump = Path(out.strip().splitlines()[-1])

    # when: that backup is restored into the staging database over its alpha
    run(
        "restore-tenant.sh",
        "alpha",
        str(tenant_dump),
        "--replace",
        "--drop-previous",
        "--database-url",
        staging_url,
    )

    # then: staging's alpha has the newer data, and the live database is untouched
    assert {first, second} <= marks("kop_alpha", staging_db)
    assert {first, second} <= marks("kop_alpha")
    assert schema_exists("kop_alpha")
    with (
        psycopg2.connect(
            host=settings.DATABASES["default"]["HOST"], user="postgres", dbname=staging_db
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kop_alpha_r%%'")
        assert cur.fetchall() == [], "--drop-previous dropped the replaced schema"


def test_restoring_over_the_live_database_is_refused(tmp_path: Path):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"x")
    result = subprocess.run(
        [str(SCRIPTS / "restore-all.sh"), str(dump), "postgresql://live/db"],
        env={
            **os.environ,
            "KOPERASI_ENV_FILE": "/nonexistent",
            "DATABASE_URL": "postgresql://live/db",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "live DATABASE_URL" in result.stderr
