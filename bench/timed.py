"""`python -m bench.timed <manage.py command and args>`: run it, and time its tenant phase.

Runs the command exactly as ``manage.py`` would, with one wrapper: the time spent on the
cooperatives' schemas -- our ``migrate``'s ``_migrate_tenants`` (after public and the
template), or django-tenants' ``migrate_schemas`` executor on the tenant list (after
public) -- is written as JSON to $BENCH_TIMING_FILE (wall clock and this process's CPU
time). That isolates the part that grows with the number of tenants from interpreter
start-up, system checks and the public schema, which the whole command's wall clock
also includes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import bench  # noqa: F401 -- puts platform/ on sys.path


def main(argv: list[str]) -> None:
    import django

    started = time.perf_counter()
    django.setup()
    phases: list[tuple[float, float]] = []  # (wall, CPU of this process) per phase

    from registry.management.commands.migrate import Command

    ours = Command._migrate_tenants

    def ours_timed(self: Command, *args: Any, **kwargs: Any) -> tuple[int, int]:
        begun, cpu = time.perf_counter(), time.process_time()
        try:
            return ours(self, *args, **kwargs)
        finally:
            phases.append((time.perf_counter() - begun, time.process_time() - cpu))

    Command._migrate_tenants = ours_timed  # type: ignore[method-assign]

    from django_tenants.migration_executors.standard import StandardExecutor
    from django_tenants.utils import get_public_schema_name

    stock = StandardExecutor.run_migrations

    def stock_timed(self: StandardExecutor, tenants: Any = None) -> Any:
        tenants = list(tenants or [])
        public_only = tenants == [get_public_schema_name()]  # (it pops public off the list)
        begun, cpu = time.perf_counter(), time.process_time()
        try:
            return stock(self, tenants=tenants)
        finally:
            if not public_only:
                phases.append((time.perf_counter() - begun, time.process_time() - cpu))

    StandardExecutor.run_migrations = stock_timed  # type: ignore[method-assign]

    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *argv])
    target = os.environ.get("BENCH_TIMING_FILE")
    if target:
        with open(target, "w") as fh:
            json.dump(
                {
                    "tenant_phase": sum(wall for wall, _cpu in phases),
                    "tenant_phase_cpu": sum(cpu for _wall, cpu in phases),
                    "in_process": time.perf_counter() - started,
                },
                fh,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
