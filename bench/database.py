"""The benchmark's own database on the tests' PostgreSQL server, dropped and made anew per run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import ROOT

BENCH_DATABASE = "bench_koperasi"


@dataclass(frozen=True)
class Urls:
    database_url: str
    redis_url: str
    admin_url: str  # the same server's maintenance database, to drop and create ours


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def server_urls() -> Urls:
    """DATABASE_URL / REDIS_URL if both are set, else the embedded servers of DJANGO_ENV."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url or not redis_url:
        from embedded.services import ensure_services

        profile = "test" if os.environ.get("DJANGO_ENV", "test") == "test" else "run"
        found = ensure_services(Path(ROOT) / "var" / profile)
        database_url = database_url or found.database_url
        redis_url = redis_url or found.redis_url
    return Urls(
        database_url=_with_database(database_url, BENCH_DATABASE),
        redis_url=redis_url,
        admin_url=_with_database(database_url, "postgres"),
    )


def _admin_execute(urls: Urls, *statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(urls.admin_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def database_recreate(urls: Urls, name: str = BENCH_DATABASE) -> None:
    _admin_execute(
        urls,
        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
        f"CREATE DATABASE {name}",
    )


def database_drop(urls: Urls, name: str = BENCH_DATABASE) -> None:
    _admin_execute(urls, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def named_urls(name: str) -> Urls:
    """The server's URLs with a database of the given name: each suite that may run beside
    another (loans, SHU, PPOB, the demo) has its own, so one never drops the other's."""
    urls = server_urls()
    return Urls(
        database_url=_with_database(urls.database_url, name),
        redis_url=urls.redis_url,
        admin_url=urls.admin_url,
    )


def bench_environ(urls: Urls) -> dict[str, str]:
    """The environment of this process and of every `manage.py` it runs."""
    return {
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "federation.settings",
        "DATABASE_URL": urls.database_url,
        "REDIS_URL": urls.redis_url,
        "TEST_DB_NAME": "",
        "LOG_LEVEL": "WARNING",
    }
