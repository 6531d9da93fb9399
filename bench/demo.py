"""`python -m bench demo [--members N] [--months M]`: how long `make run`'s first demo load
takes (migrate, then `manage.py demo_load`: 17 cooperatives, ~10,000 members, a year of
savings history), on a fresh database of its own (bench_demo), then checks that every
cooperative's savings add up to its ledger. Prints the numbers and writes
var/bench/demo.json."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.database import bench_environ, database_drop, database_recreate, named_urls

DATABASE = "bench_demo"
RESULTS = Path(ROOT) / "var" / "bench" / "demo.json"


def _check() -> dict[str, Any]:
    from django_tenants.utils import tenant_context
    from registry.models import Cooperative

    from tenants.ledger.posting import ledger_check_balances
    from tenants.models import JasaRun, Member, SavingsTransaction
    from tenants.savings.selectors import savings_balances_match_ledger

    found: dict[str, Any] = {"members": 0, "transactions": 0, "jasa_runs": 0, "all_match": True}
    for coop in Cooperative.objects.exclude(schema_name="public").order_by("pk"):
        with tenant_context(coop):
            found["members"] += Member.objects.count()
            found["transactions"] += SavingsTransaction.objects.count()
            found["jasa_runs"] += JasaRun.objects.count()
            found["all_match"] &= savings_balances_match_ledger() and not ledger_check_balances()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench demo", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    urls = named_urls(DATABASE)
    database_recreate(urls, DATABASE)
    os.environ.update(bench_environ(urls))
    env = dict(os.environ)
    from bench import commands

    migrate = commands.migrate(env)
    print(f"migrate (empty database): {migrate.wall:.1f} s", flush=True)
    started = time.perf_counter()
    load = commands.manage(
        ["demo_load", "--members", str(args.members), "--months", str(args.months)], env
    )
    print(f"demo_load: {load.wall:.1f} s wall, {load.cpu:.1f} s CPU (Django process)")
    import django

    django.setup()
    found = _check()
    found.update(
        {
            "members_asked": args.members,
            "months": args.months,
            "migrate_s": round(migrate.wall, 1),
            "demo_load_s": round(load.wall, 1),
            "demo_load_cpu_s": round(load.cpu, 1),
            "check_s": round(time.perf_counter() - started - load.wall, 1),
            "load_average": os.getloadavg(),
        }
    )
    print(json.dumps(found, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(found, indent=2))
    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        database_drop(urls, DATABASE)
    return 0 if found["all_match"] else 1
