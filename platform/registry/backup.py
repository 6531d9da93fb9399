"""Backup and restore of one cooperative: pg_dump -Fc of its schema, pg_restore of it.

A cooperative's books are its schema, so one schema is one cooperative's whole backup.
The whole database (public, template and every schema) is backed up by
infra/backup/backup-all.sh; see docs/operations.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from audit.services import audit_record
from django.conf import settings
from django.db import connection
from django.utils import timezone

from registry.models import Cooperative
from registry.schema_template import (
    applied_migrations,
    libpq_env,
    pg_tool,
    schema_drop,
    schema_exists,
    template_schema,
)


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Backup:
    dump: Path
    manifest: Path


@dataclass(frozen=True)
class Restore:
    schema: str
    previous: str | None  # the replaced schema, renamed aside; None if dropped or none
    up_to_date: bool  # the restored schema has exactly the template's migrations
    cache_cleared: bool = False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=libpq_env(), capture_output=True, text=True, check=False)


def _free_path(folder: Path, stem: str) -> Path:
    path, n = folder / f"{stem}.dump", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.dump"
    return path


def cooperative_backup(
    *, actor: Any, cooperative: Cooperative, folder: Path | None = None
) -> Backup:
    """pg_dump -Fc of the cooperative's schema into <folder>/<slug>-<UTC time>.dump, with a
    manifest (.json) giving its schema, migrations and SHA-256. Read-only; audited."""
    schema = cooperative.schema_name
    if cooperative.is_platform or not schema_exists(schema):
        raise BackupError(f"{cooperative.slug} has no schema to back up")
    folder = folder or Path(settings.BACKUP_ROOT) / cooperative.slug
    folder.mkdir(parents=True, exist_ok=True)
    dump = _free_path(folder, f"{cooperative.slug}-{timezone.now():%Y%m%dT%H%M%SZ}")
    partial = dump.with_suffix(".partial")
    result = _run(
        [pg_tool("pg_dump"), "--format=custom", f"--schema={schema}", f"--file={partial}"]
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    partial.rename(dump)
    manifest = dump.with_suffix(".json")
    manifest.write_text(
        json.dumps(
            {
                "slug": cooperative.slug,
                "schema": schema,
                "name": cooperative.name,
                "created_at": timezone.now().isoformat(),
                "migrations": [list(m) for m in applied_migrations(schema)],
                "file": dump.name,
                "bytes": dump.stat().st_size,
                "sha256": _sha256(dump),
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    audit_record(
        actor=actor,
        action="cooperative.backup",
        obj=cooperative,
        summary=dump.name,
        data={"schema": schema},
    )
    return Backup(dump=dump, manifest=manifest)


def backups_rotate(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` dumps (and their manifests) in a folder."""
    dumps = sorted(folder.glob("*.dump"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = dumps[max(keep, 1) :]
    for dump in removed:
        dump.unlink(missing_ok=True)
        dump.with_suffix(".json").unlink(missing_ok=True)
    return removed


def dump_schemas(dump: Path) -> set[str]:
    """The schemas a custom-format dump creates (from pg_restore --list)."""
    result = _run([pg_tool("pg_restore"), "--list", str(dump)])
    if result.returncode != 0:
        raise BackupError(f"not a readable pg_dump archive: {result.stderr.strip()}")
    return set(re.findall(r"^\d+; \d+ \d+ SCHEMA - (\S+) ", result.stdout, flags=re.M))


def _verify_manifest(dump: Path) -> dict[str, Any] | None:
    manifest = dump.with_suffix(".json")
    if not manifest.exists():
        return None
    data: dict[str, Any] = json.loads(manifest.read_text())
    if data.get("sha256") and data["sha256"] != _sha256(dump):
        raise BackupError(f"{dump.name} does not match its manifest's SHA-256: damaged?")
    return data


def _rename_schema(old: str, new: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f'ALTER SCHEMA "{old}" RENAME TO "{new}"')


def cooperative_restore(
    *,
    actor: Any,
    cooperative: Cooperative,
    dump: Path,
    replace: bool = False,
    keep_previous: bool = True,
) -> Restore:
    """Restore a cooperative's schema from its pg_dump, in this database.

    An existing schema is only replaced with ``replace``: it is renamed aside first
    (<schema>_r<UTC time>) and renamed back if pg_restore fails, so a failed restore
    changes nothing. pg_restore runs as one transaction in its own process; deliberately
    not in ours, so the rename and the restore are two steps (see the rename-back).
    Other cooperatives and the shared tables are not touched.
    """
    schema = cooperative.schema_name
    if cooperative.is_platform:
        raise BackupError("the platform's public schema is restored with the whole database")
    if not dump.is_file():
        raise BackupError(f"{dump} is not a file")
    _verify_manifest(dump)
    found = dump_schemas(dump)
    if found != {schema}:
        raise BackupError(
            f"{dump.name} holds schema(s) {sorted(found) or 'none'}, not {schema}: "
            "a cooperative is restored from its own backup"
        )
    previous = None
    if schema_exists(schema):
        if not replace:
            raise BackupError(f"schema {schema} exists; restore with --replace to replace it")
        previous = f"{schema}_r{timezone.now():%Y%m%d%H%M%S}"[:63]
        if schema_exists(previous):
            raise BackupError(f"{previous} exists already; wait a second and retry")
        _rename_schema(schema, previous)
    db_name = str(settings.DATABASES["default"]["NAME"])
    result = _run(
        [
            pg_tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={db_name}",
            str(dump),
        ]
    )
    if result.returncode != 0:
        if previous:
            _rename_schema(previous, schema)
        raise BackupError(f"pg_restore failed, nothing changed: {result.stderr.strip()}")
    if previous and not keep_previous:
        schema_drop(previous)
        previous = None
    up_to_date = set(applied_migrations(schema)) == set(applied_migrations(template_schema()))
    cache_cleared = _cache_clear(schema)
    audit_record(
        actor=actor,
        action="cooperative.restore",
        obj=cooperative,
        summary=dump.name,
        data={"schema": schema, "previous": previous or "", "up_to_date": up_to_date},
    )
    return Restore(
        schema=schema, previous=previous, up_to_date=up_to_date, cache_cleared=cache_cleared
    )


def _cache_clear(schema: str) -> bool:
    """Drop the cooperative's cache keys (django-tenants prefixes them with the schema),
    so no page shows data from before the restore. Sessions live on in the database."""
    location = str(settings.CACHES["default"].get("LOCATION", ""))
    if not location.startswith(("redis://", "rediss://", "unix://")):
        return False
    try:
        client = redis.Redis.from_url(location, socket_timeout=5)
        keys = list(client.scan_iter(match=f"{schema}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except redis.RedisError:
        return False
    return True
