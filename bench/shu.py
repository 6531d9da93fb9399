"""The SHU benchmark: the year-end simulation and the final run for a cooperative of
10,000 members, in the benchmark's own database (``bench_shu``, dropped and made anew, as
the other suites do with theirs).

Run with ``DJANGO_ENV=test python -m bench shu [--quick]``. See docs/performance.md, "SHU".

How the data is made (through the services, except the business rows):
- members: members_register_many (one in twenty an anggota luar biasa);
- pokok, wajib and sukarela accounts: savings_accounts_open_many;
- pokok (Rp 300.000 on 2 January) and wajib (quarterly, Rp 75.000 or Rp 150.000) by
  savings_deposit_collective dated in the book year, so year-end and average balances
  differ; a sukarela opening deposit for every member;
- five MemberBusiness rows per member (store, marketplace, PPOB, loan interest) by
  bulk_create, spread over the year;
- the year's income and expenses by journal_post; the twelve months closed; a split
  version approved at a meeting.
Then shu_simulate (year-end and average basis) and shu_run_final (into sukarela) are
timed with their query counts, and the ledger, savings and SHU totals are checked.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.database import bench_environ, database_drop, database_recreate, named_urls
from bench.stats import seconds, summary

RESULTS = ROOT / "var" / "bench" / "shu.json"
SHU_DATABASE = "bench_shu"  # its own database: never dropped under another suite
YEAR = 2025


@dataclass(frozen=True)
class Plan:
    mode: str
    members: int
    business_per_member: int
    simulate_repeats: int


FULL = Plan(mode="full", members=10_000, business_per_member=5, simulate_repeats=3)
QUICK = Plan(mode="quick", members=2_000, business_per_member=5, simulate_repeats=3)


def say(message: str) -> None:
    print(message, flush=True)


def _members(count: int) -> list[Any]:
    from bench.books_data import KK, MEMBER_ADDRESS, birth_date, nik
    from tenants.members.services import MemberInput, members_register_many

    made: list[Any] = []
    for low in range(0, count, 1000):
        people = [
            MemberInput(
                full_name=f"Anggota SHU {n}",
                nik=nik(n),
                kk_number=KK,
                birth_place="Bandung",
                birth_date=birth_date(n),
                sex="male",  # bench_data.nik makes the NIK of a man
                address=MEMBER_ADDRESS,
                kind="luar_biasa" if n % 20 == 19 else "biasa",
                join_date=date(2020, 1, 2),
            )
            for n in range(low, min(low + 1000, count))
        ]
        made += members_register_many(actor=None, people=people)
    return made


def _deposit(accounts: list[Any], amounts: list[Decimal], day: date, key: str) -> None:
    from bench.books_data import wib
    from tenants.savings.collective import CollectiveItem, savings_deposit_collective

    savings_deposit_collective(
        actor=None,
        items=[CollectiveItem(account=a, amount=m) for a, m in zip(accounts, amounts, strict=True)],
        idempotency_key=key,
        description="Setoran kolektif (bench SHU)",
        occurred_at=wib(day),
    )


def _business(members: list[Any], per_member: int) -> int:
    from django.utils import timezone

    from bench.books_data import wib
    from tenants.models import MemberBusiness

    kinds = ("store", "marketplace", "ppob", "loan_interest", "store")
    now = timezone.now()
    rows = [
        MemberBusiness(
            member_id=member.pk,
            amount=Decimal(25_000 + (n * 7919 + k * 104_729) % 2_000_000),
            kind=kinds[k % len(kinds)],
            reference=f"bench {n}-{k}",
            caller="bench",
            idempotency_key=f"bench-business-{n}-{k}",
            request_digest="0" * 64,
            occurred_at=wib(date(YEAR, 1 + (n + k * 3) % 12, 1 + (n * 13 + k) % 28)),
            created_at=now,
        )
        for n, member in enumerate(members)
        for k in range(per_member)
    ]
    MemberBusiness.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def setup(plan: Plan) -> dict[str, Any]:
    from bench.books_data import connection, cooperative_make
    from tenants.ledger.periods import period_close
    from tenants.ledger.posting import Line, journal_post
    from tenants.rat.services import rat_meeting_create
    from tenants.savings.collective import savings_accounts_open_many
    from tenants.savings.selectors import savings_product_get
    from tenants.shu.splits import DEFAULT_SPLIT, shu_split_approve, shu_split_create

    timings: dict[str, float] = {}
    coop = cooperative_make("bench-shu")
    connection.set_tenant(coop)
    t0 = time.perf_counter()
    members = _members(plan.members)
    timings["members_register_many"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    accounts: dict[str, list[Any]] = {}
    for code in ("pokok", "wajib", "sukarela"):
        product = savings_product_get(code)
        assert product is not None
        accounts[code] = savings_accounts_open_many(actor=None, members=members, product=product)
    timings["accounts_open"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    count = len(members)
    _deposit(accounts["pokok"], [Decimal(300_000)] * count, date(YEAR, 1, 2), "bench-pokok")
    for quarter in range(4):
        _deposit(
            accounts["wajib"],
            [Decimal(150_000 if n % 4 == 0 else 75_000) for n in range(count)],
            date(YEAR, 3 * quarter + 1, 25),
            f"bench-wajib-{quarter}",
        )
    _deposit(
        accounts["sukarela"],
        [Decimal(100_000 + n % 50 * 10_000) for n in range(count)],
        date(YEAR, 2, 1),
        "bench-sukarela",
    )
    timings["deposits"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    business_rows = _business(members, plan.business_per_member)
    timings["business_bulk_create"] = time.perf_counter() - t0
    income = Decimal(250_000) * count
    expense = Decimal(150_000) * count
    journal_post(
        actor=None,
        entry_date=date(YEAR, 12, 31),
        description="Pendapatan dan beban tahun buku (bench SHU)",
        lines=[
            Line("1101", debit=income - expense),
            Line("5202", debit=expense),
            Line("4101", credit=income),
        ],
        idempotency_key="bench-shu-result",
    )
    for month in range(1, 13):
        period_close(actor=None, year=YEAR, month=month)
    version = shu_split_create(actor=None, percents=DEFAULT_SPLIT)
    meeting = rat_meeting_create(
        actor=None, title="RAT bench", book_year=YEAR, held_on=date(YEAR + 1, 3, 1)
    )
    shu_split_approve(actor=None, version=version, meeting=meeting)
    from tenants.ledger.chain import chain_seal_pending

    chain_seal_pending()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {
        "coop": coop,
        "split": version,
        "members": count,
        "business_rows": business_rows,
        "setup": {name: round(value, 2) for name, value in timings.items()},
    }


def measure(plan: Plan, made: dict[str, Any], results: dict[str, Any]) -> None:
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    from tenants.ledger.posting import ledger_check_balances
    from tenants.models import ShuShare
    from tenants.savings.selectors import savings_balances_match_ledger
    from tenants.shu.calculation import shu_simulate
    from tenants.shu.documents import distribution_xlsx
    from tenants.shu.selectors import run_distribution
    from tenants.shu.services import shu_run_final

    connection: Any = default_connection
    connection.set_tenant(made["coop"])
    split = made["split"]
    out: dict[str, Any] = {}
    for basis in ("year_end", "average"):
        samples = []
        queries = 0
        for _ in range(plan.simulate_repeats):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                dist = shu_simulate(year=YEAR, split=split, capital_basis=basis)
                samples.append(time.perf_counter() - t0)
            queries = len(captured.captured_queries)
        out[f"simulate_{basis}"] = {**summary(samples), "queries": queries, "rows": len(dist.rows)}
        say(
            f"  shu_simulate ({basis}): median {seconds(statistics.median(samples))} for "
            f"{len(dist.rows):,} members in {queries} queries"
        )
    dist = shu_simulate(year=YEAR, split=split)
    profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        run = shu_run_final(actor=None, year=YEAR, split=split, expected_digest=dist.digest)
        final_s = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    queries = len(captured.captured_queries)
    say(
        f"  shu_run_final (into sukarela): {seconds(final_s)} for {run.members_count:,} "
        f"members in {queries} queries (the after-commit sealing included)"
    )
    t0 = time.perf_counter()
    read = run_distribution(run)
    read_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    workbook = distribution_xlsx(read)
    xlsx_s = time.perf_counter() - t0
    say(f"  the distribution read back {seconds(read_s)}; its Excel {seconds(xlsx_s)}")
    shares = ShuShare.objects.filter(run=run)
    usaha = sum((s.jasa_usaha for s in shares), Decimal(0))
    modal = sum((s.jasa_modal for s in shares), Decimal(0))
    checks = {
        "balances": ledger_check_balances() == [],
        "savings_match_ledger": savings_balances_match_ledger(),
        "usaha_pool_exact": usaha + run.remainder_usaha == run.jasa_usaha_pool,
        "modal_pool_exact": modal + run.remainder_modal == run.jasa_modal_pool,
        "every_member": run.members_count == made["members"],
    }
    out["final"] = {
        "seconds": round(final_s, 3),
        "queries": queries,
        "members": run.members_count,
        "shu": str(run.shu),
        "to_sukarela": str(run.to_sukarela),
        "to_payable": str(run.to_payable),
        "remainder": str(run.remainder),
        "read_back_s": round(read_s, 3),
        "xlsx_s": round(xlsx_s, 3),
        "xlsx_bytes": len(workbook),
    }
    results["shu"] = out
    results["checks"] = checks
    connection.set_schema_to_public()


def report(results: dict[str, Any]) -> str:
    shu = results["shu"]
    lines = [
        f"SHU of a cooperative of {results['members']:,} members "
        f"({results['business_rows']:,} business rows)"
    ]
    for basis in ("year_end", "average"):
        found = shu[f"simulate_{basis}"]
        lines.append(
            f"  simulation, {basis.replace('_', '-')} basis: median {seconds(found['median'])}, "
            f"{found['queries']} queries"
        )
    final = shu["final"]
    lines += [
        f"  final run into sukarela: {seconds(final['seconds'])}, {final['queries']} queries; "
        f"SHU Rp {final['shu']}, remainder Rp {final['remainder']}",
        f"  read back {seconds(final['read_back_s'])}; Excel of every member "
        f"{seconds(final['xlsx_s'])} ({final['xlsx_bytes'] // 1024} KiB)",
        "  setup: "
        + ", ".join(f"{name} {seconds(value)}" for name, value in results["setup"].items()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench shu", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 members instead of 10,000")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {SHU_DATABASE} afterwards")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.monotonic()
    urls = named_urls(SHU_DATABASE)
    say(f"SHU benchmark ({plan.mode}): database {SHU_DATABASE}")
    database_recreate(urls, SHU_DATABASE)
    os.environ.update(bench_environ(urls))
    env = dict(os.environ)

    from bench import commands

    migrated = commands.migrate(env)
    say(f"migrate on an empty database: {seconds(migrated.wall)}")

    import django

    django.setup()
    from bench.main import machine

    results: dict[str, Any] = {
        "mode": plan.mode,
        "plan": asdict(plan),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": os.getloadavg(),
    }
    say(f"1. Data: {plan.members:,} members, their savings and business in {YEAR}")
    made = setup(plan)
    results.update(
        members=made["members"], business_rows=made["business_rows"], setup=made["setup"]
    )
    say("  setup: " + ", ".join(f"{k} {seconds(v)}" for k, v in made["setup"].items()))
    say("2. Simulation and final run")
    measure(plan, made, results)
    results["load_after"] = os.getloadavg()
    results["duration_s"] = round(time.monotonic() - started, 1)

    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        database_drop(urls, SHU_DATABASE)
    output = Path(args.output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    say("")
    say(report(results))
    load = results["load_before"], results["load_after"]
    say(
        f"Load average (1/5/15 min) before {'/'.join(f'{x:.1f}' for x in load[0])}, "
        f"after {'/'.join(f'{x:.1f}' for x in load[1])} on {results['machine']['nproc']} CPUs"
    )
    bad = [name for name, ok in results["checks"].items() if not ok]
    say(f"Checks: {'all passed' if not bad else 'FAILED: ' + ', '.join(bad)}")
    say(f"Whole run: {results['duration_s'] / 60:.1f} min; results in {output}")
    return 1 if bad else 0
