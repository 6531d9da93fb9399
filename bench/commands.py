"""`manage.py` commands in a subprocess against the benchmark database, timed.

Each run gives the wall clock of the whole subprocess (interpreter start-up, system checks,
public schema, template, tenants) and, through ``bench.timed``, the time spent on the
tenants' schemas alone.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import ROOT


class CommandFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Timing:
    wall: float  # the whole subprocess, seconds
    cpu: float  # its CPU time (user + system; PostgreSQL's own work is not in it)
    tenants: float  # the tenant phase only, wall clock
    tenants_cpu: float  # the tenant phase only, CPU time of the Django process
    load: float  # 1-minute load average when it finished


def manage(args: list[str], env: dict[str, str]) -> Timing:
    """Run ``manage.py <args>`` (through bench.timed) and time it."""
    from django.db import connections

    connections.close_all()  # nothing of ours holds a lock or a backend while it runs
    with tempfile.NamedTemporaryFile(suffix=".json") as timing:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "bench.timed", *args],
            env={**env, "BENCH_TIMING_FILE": timing.name},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        if result.returncode != 0:
            raise CommandFailed(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        phases = json.loads(Path(timing.name).read_text() or "{}")
    return Timing(
        wall=wall,
        cpu=cpu,
        tenants=float(phases.get("tenant_phase", 0.0)),
        tenants_cpu=float(phases.get("tenant_phase_cpu", 0.0)),
        load=os.getloadavg()[0],
    )


def migrate(env: dict[str, str], *extra: str) -> Timing:
    return manage(["migrate", "--noinput", "--verbosity", "0", *extra], env)


def migrate_schemas(env: dict[str, str]) -> Timing:
    return manage(["migrate_schemas", "--noinput", "--verbosity", "0"], env)
