"""`manage.py` runs in a subprocess against the benchmark database, timed by the wall clock."""

from __future__ import annotations

import subprocess
import sys
import time

from bench import ROOT


class CommandFailed(RuntimeError):
    pass


def manage(args: list[str], env: dict[str, str]) -> float:
    """Run ``manage.py <args>``; its wall time in seconds (interpreter start-up included)."""
    from django.db import connections

    connections.close_all()  # nothing of ours holds a lock or a backend while it runs
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise CommandFailed(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return elapsed


def migrate(env: dict[str, str], *extra: str) -> float:
    return manage(["migrate", "--noinput", "--verbosity", "0", *extra], env)


def migrate_schemas(env: dict[str, str]) -> float:
    return manage(["migrate_schemas", "--noinput", "--verbosity", "0"], env)
