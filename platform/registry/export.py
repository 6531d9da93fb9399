"""A full export of one cooperative: pg_dump of its schema plus readable JSON and CSV."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from registry.models import Cooperative
from registry.schema_template import SchemaError, libpq_env, pg_tool


@dataclass(frozen=True)
class Export:
    folder: Path
    dump: Path
    tables: dict[str, int]


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        return [row[0] for row in cur.fetchall()]


def cooperative_export(cooperative: Cooperative) -> Export:
    """Write <EXPORT_ROOT>/<slug>/<timestamp>/ with schema.dump, one CSV and one JSON per
    table, and manifest.json (row counts and SHA-256 of every file)."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    folder = Path(settings.EXPORT_ROOT) / cooperative.slug / stamp
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / "schema.dump"
    result = subprocess.run(
        [
            pg_tool("pg_dump"),
            "--format=custom",
            "--schema",
            cooperative.schema_name,
            "--no-owner",
            "--file",
            str(dump),
        ],
        env=libpq_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SchemaError(f"pg_dump failed: {result.stderr.strip()}")
    counts: dict[str, int] = {}
    schema = cooperative.schema_name
    with connection.cursor() as cur:
        for table in _tables(schema):
            cur.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')
            columns = [col[0] for col in cur.description]
            rows = cur.fetchall()
            counts[table] = len(rows)
            with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(columns)
                writer.writerows(rows)
            with open(folder / f"{table}.json", "w", encoding="utf-8") as fh:
                json.dump(
                    [dict(zip(columns, row, strict=True)) for row in rows],
                    fh,
                    cls=DjangoJSONEncoder,
                    ensure_ascii=False,
                    indent=1,
                )
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }
    manifest = {
        "cooperative": {
            "name": cooperative.name,
            "slug": cooperative.slug,
            "schema": schema,
            "legal_entity_number": cooperative.legal_entity_number,
        },
        "exported_at": timezone.now().isoformat(),
        "tables": counts,
        "sha256": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return Export(folder=folder, dump=dump, tables=counts)
