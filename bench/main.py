"""The benchmark run: levels of 16, 200 and 1,000 tenants; creation and `migrate` at each."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench import ROOT
from bench.database import bench_environ, database_drop, database_recreate, server_urls
from bench.stats import seconds, summary, table

RESULTS = ROOT / "var" / "bench" / "results.json"


@dataclass(frozen=True)
class Plan:
    mode: str
    levels: tuple[int, ...]
    ours_samples: int
    clone_samples: int
    migrations_samples: dict[int, int]  # level -> samples (0 or absent: skipped)
    noop_repeats: int
    stock_levels: tuple[int, ...]  # django-tenants' migrate_schemas, nothing to do
    new_migration_levels: tuple[int, ...]
    notes: list[str] = field(default_factory=list)


FULL = Plan(
    mode="full",
    levels=(16, 200, 1000),
    ours_samples=10,
    clone_samples=5,
    migrations_samples={16: 3, 200: 3, 1000: 3},
    noop_repeats=5,
    stock_levels=(0, 16, 200),
    new_migration_levels=(0, 16, 200, 1000),
)
QUICK = Plan(
    mode="quick",
    levels=(16, 200),
    ours_samples=5,
    clone_samples=3,
    migrations_samples={16: 2, 200: 2},
    noop_repeats=3,
    stock_levels=(0, 16, 200),
    new_migration_levels=(0, 16, 200),
)


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
        cur.execute("SHOW fsync")
        fsync = cur.fetchone()[0]
    mem_kb = 0
    cpu = platform.processor()
    try:
        for line in open("/proc/meminfo").read().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
        for line in open("/proc/cpuinfo").read().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import django_tenants

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "postgresql": version,
        "postgresql_shared_buffers": shared_buffers,
        "postgresql_fsync": fsync,
        "python": platform.python_version(),
        "django": django.get_version(),
        "django_tenants": getattr(django_tenants, "__version__", "4.0.1"),
    }


def probe_columns() -> int:
    """How many schemas have tests.schema_probe's 0002 column (a check, not a measurement)."""
    from django.db import connection

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
        self.results: dict[str, Any] = {
            "mode": plan.mode,
            "plan": asdict(plan),
            "creation": {"ours": {}, "clone_schema": {}, "migrations": {}},
            "fill": {},
            "migrate": {"ours_noop": {}, "stock_noop": {}, "ours_new_migration": {}},
            "rollback": {},
            "checks": {},
            "notes": list(plan.notes),
        }

    def migrate_at(self, level: int) -> None:
        from bench import commands

        migrate = self.results["migrate"]
        noop = [commands.migrate(self.env) for _ in range(self.plan.noop_repeats)]
        migrate["ours_noop"][str(level)] = summary(noop)
        say(f"  migrate, nothing to do: {seconds(statistics.median(noop))}")
        if level in self.plan.stock_levels:
            stock = commands.migrate_schemas(self.env)
            migrate["stock_noop"][str(level)] = summary([stock])
            say(f"  django-tenants migrate_schemas, nothing to do: {seconds(stock)}")
        if level in self.plan.new_migration_levels:
            back = commands.migrate(self.env, "schema_probe", "0001")
            self.results["rollback"][str(level)] = summary([back])
            before = probe_columns()
            forward = commands.migrate(self.env)
            after = probe_columns()
            migrate["ours_new_migration"][str(level)] = summary([forward])
            from bench.creation import tenant_count

            expected = tenant_count() + 1  # and the template
            self.results["checks"][f"new_migration_{level}"] = {
                "columns_before": before,
                "columns_after": after,
                "schemas": expected,
                "ok": before == 0 and after == expected,
            }
            say(
                f"  migrate schema_probe 0001: {seconds(back)}; migrate (applies 0002): "
                f"{seconds(forward)}; column in {after}/{expected} schemas"
            )

    def create_at(self, level: int) -> None:
        from bench import creation

        results = self.results["creation"]
        ours = [creation.ours_create(self.sequence.take()) for _ in range(self.plan.ours_samples)]
        results["ours"][str(level)] = summary(ours)
        say(f"  create (ours): median {seconds(statistics.median(ours))}")

        template_shape = creation.schema_shape(_template())
        made: list[str] = []
        clone = []
        for _ in range(self.plan.clone_samples):
            schema = f"bench_clone_{self.sequence.take()}"
            clone.append(creation.clone_create(schema))
            made.append(schema)
        results["clone_schema"][str(level)] = summary(clone)
        self._check_shape(f"clone_{level}", made[-1], template_shape)
        say(f"  create (clone_schema): median {seconds(statistics.median(clone))}")

        samples = self.plan.migrations_samples.get(level, 0)
        if samples:
            replay = []
            for _ in range(samples):
                schema = f"bench_migr_{self.sequence.take()}"
                replay.append(creation.migrations_create(schema))
                made.append(schema)
            results["migrations"][str(level)] = summary(replay)
            self._check_shape(f"migrations_{level}", made[-1], template_shape)
            say(f"  create (migrations): median {seconds(statistics.median(replay))}")
        creation.schemas_drop(made)

    def _check_shape(self, key: str, schema: str, expected: tuple[int, int]) -> None:
        from bench.creation import schema_shape

        shape = schema_shape(schema)
        self.results["checks"][key] = {
            "tables": shape[0],
            "migration_records": shape[1],
            "template": list(expected),
            "ok": shape[0] == expected[0],
        }

    def level(self, level: int) -> None:
        from bench.creation import fill_to

        say(f"{level} tenants")
        have = _tenants()
        fill = fill_to(level, self.sequence, say)
        if fill:
            self.results["fill"][f"{have}-{level}"] = summary(fill)
            say(f"  filled {have}->{level}: median {seconds(statistics.median(fill))} each")
        self.migrate_at(level)
        self.create_at(level)


def _template() -> str:
    from registry.schema_template import template_schema

    return template_schema()


def _tenants() -> int:
    from bench.creation import tenant_count

    return tenant_count()


def per_tenant(walls: dict[str, Any], level: int) -> float | None:
    """The share of one tenant: (wall at `level` - wall at 0 tenants) / level."""
    if str(level) not in walls or "0" not in walls or level == 0:
        return None
    value: float = (walls[str(level)]["median"] - walls["0"]["median"]) / level
    return value


def analyse(results: dict[str, Any], levels: tuple[int, ...]) -> None:
    shares: dict[str, dict[str, float | None]] = {}
    ratios: dict[str, dict[str, float | None]] = {}
    for name, walls in results["migrate"].items():
        shares[name] = {str(level): per_tenant(walls, level) for level in levels}
        ratios[name] = {}
        for low, high in zip(levels, levels[1:], strict=False):
            a, b = shares[name][str(low)], shares[name][str(high)]
            ratios[name][f"{high}/{low}"] = (b / a) if a and b else None
    results["per_tenant"] = shares
    results["linearity"] = ratios


def report(results: dict[str, Any], levels: tuple[int, ...]) -> str:
    out = []
    creation = results["creation"]
    rows = []
    for level in levels:
        row = [str(level)]
        for name in ("ours", "clone_schema", "migrations"):
            found = creation[name].get(str(level))
            if found:
                row += [seconds(found["median"]), seconds(found["p95"]), str(found["n"])]
            else:
                row += ["-", "-", "0"]
        rows.append(row)
    out.append("Tenant creation, seconds per tenant")
    out.append(
        table(
            [
                "existing",
                "ours med",
                "ours p95",
                "n",
                "clone med",
                "clone p95",
                "n",
                "migr med",
                "migr p95",
                "n",
            ],
            rows,
        )
    )
    migrate = results["migrate"]
    shares = results["per_tenant"]
    rows = []
    for level in (0, *levels):
        row = [str(level)]
        for name in ("ours_noop", "ours_new_migration", "stock_noop"):
            found = migrate[name].get(str(level))
            share = shares[name].get(str(level))
            row += [seconds(found["median"]) if found else "-", seconds(share)]
        back = results["rollback"].get(str(level))
        row.append(seconds(back["median"]) if back else "-")
        rows.append(row)
    out.append("")
    out.append("manage.py migrate, wall time of the command (per tenant: (wall - wall at 0) / n)")
    out.append(
        table(
            [
                "tenants",
                "ours no-op",
                "/tenant",
                "ours +1 migr",
                "/tenant",
                "stock no-op",
                "/tenant",
                "rollback",
            ],
            rows,
        )
    )
    out.append("")
    out.append("Linearity (per-tenant share at the higher level / at the lower; 1.0 = linear)")
    for name, ratios in results["linearity"].items():
        text = ", ".join(f"{k}: {v:.2f}" for k, v in ratios.items() if v is not None) or "-"
        out.append(f"  {name}: {text}")
    if results["fill"]:
        out.append("")
        out.append("Filling with our fast path (cooperative_create), per tenant")
        out.append(
            table(
                ["range", "median", "p95", "n"],
                [
                    [key, seconds(v["median"]), seconds(v["p95"]), str(v["n"])]
                    for key, v in results["fill"].items()
                ],
            )
        )
    bad = [key for key, check in results["checks"].items() if not check["ok"]]
    out.append("")
    out.append(f"Checks: {'all passed' if not bad else 'FAILED: ' + ', '.join(bad)}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="16 and 200 tenants, few samples")
    parser.add_argument("--keep-db", action="store_true", help="keep bench_koperasi afterwards")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.monotonic()

    urls = server_urls()
    say(f"Benchmark ({plan.mode}): database bench_koperasi, levels {plan.levels}")
    database_recreate(urls)
    env = {**os.environ, **bench_environ(urls)}
    os.environ.update(bench_environ(urls))

    from bench import commands

    setup = commands.migrate(env)
    say(f"migrate on an empty database: {seconds(setup)}")

    import django

    django.setup()
    run = Run(plan, env)
    run.results["machine"] = machine()
    run.results["started_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    run.results["initial_migrate_s"] = setup
    say("0 tenants")
    run.migrate_at(0)
    for level in plan.levels:
        run.level(level)
    analyse(run.results, plan.levels)
    run.results["duration_s"] = round(time.monotonic() - started, 1)

    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        database_drop(urls)
    output = os.path.abspath(args.output)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as fh:
        json.dump(run.results, fh, indent=2)
    say("")
    say(report(run.results, plan.levels))
    say("")
    say(f"Whole run: {run.results['duration_s'] / 60:.1f} min; results in {output}")
    bad = [key for key, check in run.results["checks"].items() if not check["ok"]]
    return 1 if bad else 0
