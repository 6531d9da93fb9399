"""The benchmark run: tenant creation and `migrate` at 16, 200 and 1,000 cooperatives."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.database import (
    BENCH_DATABASE,
    bench_environ,
    database_drop,
    database_recreate,
    server_urls,
)
from bench.stats import seconds, summary, table

RESULTS = ROOT / "var" / "bench" / "results.json"


@dataclass(frozen=True)
class Plan:
    mode: str
    levels: tuple[int, ...]
    ours_samples: int  # creations with our fast path at each level
    clone_samples: int  # django-tenants' clone_schema at each level
    migrations_samples: dict[int, int]  # creation by replaying migrations; absent: skipped
    noop_repeats: int  # our `migrate` with nothing to do, at 0 and each level
    stock_repeats: dict[int, int]  # django-tenants' `migrate_schemas`, nothing to do
    new_migration_cycles: dict[int, int]  # `migrate schema_probe 0001` then `migrate`


FULL = Plan(
    mode="full",
    levels=(16, 200, 1000),
    ours_samples=10,
    clone_samples=5,
    migrations_samples={16: 3, 200: 3, 1000: 3},
    noop_repeats=5,
    stock_repeats={0: 3, 16: 3, 200: 1},
    new_migration_cycles={0: 3, 16: 3, 200: 2, 1000: 2},
)
QUICK = Plan(
    mode="quick",
    levels=(16, 200),
    ours_samples=5,
    clone_samples=3,
    migrations_samples={16: 2, 200: 2},
    noop_repeats=3,
    stock_repeats={0: 2, 16: 2, 200: 1},
    new_migration_cycles={0: 2, 16: 2, 200: 1},
)
COMMANDS = {
    "ours_noop": "migrate, nothing to do",
    "ours_new_migration": "migrate, one new migration (applies schema_probe 0002)",
    "ours_rollback": "migrate schema_probe 0001 (unapplies it; setup for the line above)",
    "stock_noop": "django-tenants migrate_schemas, nothing to do",
}


def say(message: str) -> None:
    print(message, flush=True)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "fsync", "synchronous_commit", "max_connections"):
            cur.execute(f"SHOW {name}")
            settings[name] = cur.fetchone()[0]
    meminfo = _read("/proc/meminfo").splitlines()
    mem_kb = next((int(line.split()[1]) for line in meminfo if "MemTotal" in line), 0)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "postgresql": version,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def template_shape() -> dict[str, int]:
    from registry.schema_template import template_schema

    from bench.creation import schema_shape

    tables, records = schema_shape(template_schema())
    return {"tables": tables, "migration_records": records}


def probe_columns() -> int:
    """How many schemas have tests.schema_probe's 0002 column (a check, not a measurement)."""
    from django.db import connection as default_connection

    connection: Any = default_connection
    connection.set_schema_to_public()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = "
            "'schema_probe_probething' AND column_name = 'added_later'"
        )
        return int(cur.fetchone()[0])


class Run:
    def __init__(self, plan: Plan, env: dict[str, str]) -> None:
        from bench.creation import Sequence

        self.plan = plan
        self.env = env
        self.sequence = Sequence()
        self.loads: list[float] = []
        self.results: dict[str, Any] = {
            "mode": plan.mode,
            "plan": {k: v for k, v in asdict(plan).items() if k != "mode"},
            "creation": {"ours": {}, "clone_schema": {}, "migrations": {}},
            "fill": {},
            "migrate": {name: {} for name in COMMANDS},
            "checks": {},
        }

    def _record(self, name: str, level: int, timings: list[Any]) -> None:
        self.loads += [t.load for t in timings]
        self.results["migrate"][name][str(level)] = {
            "wall": summary([t.wall for t in timings]),
            "cpu": summary([t.cpu for t in timings]),
            "tenants": summary([t.tenants for t in timings]),
            "tenants_cpu": summary([t.tenants_cpu for t in timings]),
        }
        best = min(timings, key=lambda t: t.wall)
        phase = min(t.tenants for t in timings)
        say(f"  {COMMANDS[name]}: {seconds(best.wall)} (tenants {seconds(phase)})")

    def migrate_at(self, level: int) -> None:
        from bench import commands
        from bench.creation import tenant_count

        plan = self.plan
        noop = [commands.migrate(self.env) for _ in range(plan.noop_repeats)]
        self._record("ours_noop", level, noop)
        repeats = plan.stock_repeats.get(level, 0)
        stock = [commands.migrate_schemas(self.env) for _ in range(repeats)]
        if stock:
            self._record("stock_noop", level, stock)
        back, forward = [], []
        for _ in range(plan.new_migration_cycles.get(level, 0)):
            back.append(commands.migrate(self.env, "schema_probe", "0001"))
            before = probe_columns()
            forward.append(commands.migrate(self.env))
            after = probe_columns()
            expected = tenant_count() + 1  # and the template
            self.results["checks"][f"new_migration_{level}"] = {
                "schemas_with_column_before": before,
                "schemas_with_column_after": after,
                "schemas": expected,
                "ok": before == 0 and after == expected,
            }
        if back:
            self._record("ours_rollback", level, back)
            self._record("ours_new_migration", level, forward)

    def create_at(self, level: int) -> None:
        from registry.schema_template import template_schema

        from bench import creation

        results = self.results["creation"]
        self.loads.append(os.getloadavg()[0])
        meter = creation.CpuMeter()
        ours = [creation.ours_create(self.sequence.take()) for _ in range(self.plan.ours_samples)]
        results["ours"][str(level)] = {**summary(ours), "cpu_mean": meter.per_item(len(ours))}
        say(f"  create, ours: median {seconds(statistics.median(ours))}")

        expected = creation.schema_shape(template_schema())
        made: list[str] = []
        clone = []
        meter = creation.CpuMeter()
        for _ in range(self.plan.clone_samples):
            schema = f"bench_clone_{self.sequence.take()}"
            clone.append(creation.clone_create(schema))
            made.append(schema)
        results["clone_schema"][str(level)] = {
            **summary(clone),
            "cpu_mean": meter.per_item(len(clone)),
        }
        self._check_shape(f"clone_{level}", made[-1], expected)
        say(f"  create, clone_schema: median {seconds(statistics.median(clone))}")

        replay = []
        for _ in range(self.plan.migrations_samples.get(level, 0)):
            schema = f"bench_migr_{self.sequence.take()}"
            replay.append(creation.migrations_create(schema))
            made.append(schema)
        if replay:
            results["migrations"][str(level)] = summary(replay)
            self._check_shape(f"migrations_{level}", made[-1], expected)
            say(f"  create, migrations: median {seconds(statistics.median(replay))}")
        creation.schemas_drop(made)
        self.loads.append(os.getloadavg()[0])

    def _check_shape(self, key: str, schema: str, expected: tuple[int, int]) -> None:
        from bench.creation import schema_shape

        tables, records = schema_shape(schema)
        self.results["checks"][key] = {
            "tables": tables,
            "migration_records": records,
            "template": list(expected),
            "ok": tables == expected[0],
        }

    def level(self, level: int) -> None:
        from bench.creation import fill_to, tenant_count

        say(f"{level} tenants")
        have = tenant_count()
        fill = fill_to(level, self.sequence, say)
        if fill:
            self.results["fill"][f"{have}-{level}"] = summary(fill)
            say(f"  filled {have} -> {level}: median {seconds(statistics.median(fill))} each")
        self.migrate_at(level)
        self.create_at(level)


def analyse(results: dict[str, Any], levels: tuple[int, ...]) -> None:
    """Per-tenant cost of each command at each level -- its tenant phase (best of the runs)
    divided by the number of tenants, by the wall clock and by the Django process's CPU
    time -- and the ratios between consecutive levels (1.0: linear)."""
    shares: dict[str, dict[str, dict[str, float]]] = {}
    ratios: dict[str, dict[str, dict[str, float]]] = {}
    for name, by_level in results["migrate"].items():
        shares[name] = {"wall": {}, "cpu": {}}
        ratios[name] = {"wall": {}, "cpu": {}}
        for clock, key in (("wall", "tenants"), ("cpu", "tenants_cpu")):
            share = shares[name][clock]
            for level in levels:
                if str(level) in by_level:
                    share[str(level)] = by_level[str(level)][key]["min"] / level
            for low, high in itertools.pairwise(levels):
                if str(low) in share and str(high) in share and share[str(low)] > 0:
                    ratios[name][clock][f"{high}/{low}"] = share[str(high)] / share[str(low)]
    results["per_tenant"] = shares
    results["linearity"] = ratios
    # The cost of each extra tenant between two levels: (phase at b - phase at a) / (b - a).
    # A fixed cost per run (a group's plan and states) cancels out; linear means equal.
    marginal: dict[str, dict[str, float]] = {}
    for name, by_level in results["migrate"].items():
        present = [level for level in (0, *levels) if str(level) in by_level]
        marginal[name] = {
            f"{a}-{b}": (by_level[str(b)]["tenants"]["min"] - by_level[str(a)]["tenants"]["min"])
            / (b - a)
            for a, b in itertools.pairwise(present)
        }
    results["marginal_per_tenant"] = marginal


def report(results: dict[str, Any], levels: tuple[int, ...]) -> str:
    out = [
        "Tenant creation, per new tenant: wall clock median and p95 over n, and mean CPU time "
        "(Django process + its PostgreSQL backend)"
    ]
    creation = results["creation"]
    rows = []
    for level in levels:
        row = [str(level)]
        for name in ("ours", "clone_schema", "migrations"):
            found = creation[name].get(str(level))
            if not found:
                row += ["skipped", "", "", ""] if name != "migrations" else ["skipped", "", ""]
                continue
            row += [seconds(found["median"]), seconds(found["p95"]), str(found["n"])]
            if name != "migrations":
                row.append(seconds(found.get("cpu_mean")))
        rows.append(row)
    headers = ["tenants", "ours", "p95", "n", "CPU", "clone_schema", "p95", "n", "CPU"]
    out.append(table([*headers, "migrations", "p95", "n"], rows))

    out += [
        "",
        "manage.py commands (best of n): wall time of the command; its tenant phase; that "
        "phase per tenant, by wall clock and by the Django process's CPU time",
    ]
    rows = []
    for name in COMMANDS:
        for level in (0, *levels):
            found = results["migrate"][name].get(str(level))
            if not found:
                continue
            wall = results["per_tenant"][name]["wall"].get(str(level))
            cpu = results["per_tenant"][name]["cpu"].get(str(level))
            rows.append(
                [
                    name if level == 0 else "",
                    str(level),
                    seconds(found["wall"]["min"]),
                    seconds(found["tenants"]["min"]),
                    seconds(wall) if wall is not None else "-",
                    seconds(cpu) if cpu is not None else "-",
                    str(found["wall"]["n"]),
                ]
            )
    headers = ["command", "tenants", "wall", "tenant phase", "per tenant", "CPU/tenant", "n"]
    out.append(table(headers, rows))
    out += [f"  {name}: {text}" for name, text in COMMANDS.items()]

    out += ["", "Scaling: per-tenant cost at the higher level / at the lower (1.00 = linear)"]
    for name, by_clock in results["linearity"].items():
        parts = [
            f"{ratio} {by_clock[clock][ratio]:.2f} ({clock})"
            for ratio in by_clock["wall"]
            for clock in ("wall", "cpu")
            if ratio in by_clock[clock]
        ]
        if parts:
            out.append(f"  {name}: " + ", ".join(parts))

    out += ["", "Marginal cost of one more tenant between levels (tenant phase, wall clock)"]
    for name, spans in results["marginal_per_tenant"].items():
        if spans:
            out.append(f"  {name}: " + ", ".join(f"{k}: {seconds(v)}" for k, v in spans.items()))

    if results["fill"]:
        out += ["", "Filling up with our fast path (cooperative_create), per tenant"]
        fill = results["fill"]
        rows = [[k, seconds(v["median"]), seconds(v["p95"]), str(v["n"])] for k, v in fill.items()]
        out.append(table(["tenants", "median", "p95", "n"], rows))
    load = results["load"]
    out += [
        "",
        f"Load average (1 min) while measuring: median {load['median']:.2f}, "
        f"max {load['max']:.2f} on {results['machine']['nproc']} CPUs",
    ]
    bad = [key for key, check in results["checks"].items() if not check["ok"]]
    out.append(f"Checks: {'all passed' if not bad else 'FAILED: ' + ', '.join(bad)}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="16 and 200 tenants, fewer samples")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {BENCH_DATABASE} afterwards")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.monotonic()

    urls = server_urls()
    say(f"Benchmark ({plan.mode}): database {BENCH_DATABASE}, tenants {plan.levels}")
    database_recreate(urls)
    os.environ.update(bench_environ(urls))
    env = dict(os.environ)

    from bench import commands

    setup = commands.migrate(env)
    say(f"migrate on an empty database: {seconds(setup.wall)}")

    import django

    django.setup()
    run = Run(plan, env)
    results = run.results
    results["started_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["machine"] = machine()
    results["template"] = template_shape()
    results["initial_migrate_s"] = round(setup.wall, 3)
    say("0 tenants")
    run.migrate_at(0)
    for level in plan.levels:
        run.level(level)
    analyse(results, plan.levels)
    results["load"] = summary(run.loads)
    results["duration_s"] = round(time.monotonic() - started, 1)

    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        database_drop(urls)
    output = Path(args.output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    say("")
    say(report(results, plan.levels))
    say(f"Whole run: {results['duration_s'] / 60:.1f} min; results in {output}")
    bad = [key for key, check in results["checks"].items() if not check["ok"]]
    return 1 if bad else 0
