"""The books benchmark: postings per second, month-end jasa, member statements and
full-chain verification, in the benchmark's own database (``bench_koperasi``, dropped and
made anew, as the tenant suite does).

Run with ``DJANGO_ENV=test python -m bench books [--quick]``. See docs/performance.md,
"The books".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import threading
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
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

RESULTS = ROOT / "var" / "bench" / "books.json"


@dataclass(frozen=True)
class Plan:
    mode: str
    clients: tuple[int, ...]  # concurrent tellers for the postings-per-second runs
    post_seconds: int  # each postings run, and each pgbench run, lasts this long
    throughput_accounts: int  # sukarela accounts the tellers deposit into
    jasa_accounts: int  # sukarela accounts with a month of history, for jasa_post_month
    statement_months: int
    statement_per_month: int
    statement_repeats: int
    verify_levels: tuple[int, ...]  # journal entries in the verified cooperative
    verify_target: int  # extrapolated to
    setup_clients: int  # threads that make the data


FULL = Plan(
    mode="full",
    clients=(1, 8),
    post_seconds=10,
    throughput_accounts=64,
    jasa_accounts=10_000,
    statement_months=60,
    statement_per_month=10,
    statement_repeats=20,
    verify_levels=(10_000, 100_000, 1_000_000),
    verify_target=1_000_000,
    setup_clients=8,
)
QUICK = Plan(
    mode="quick",
    clients=(1, 8),
    post_seconds=4,
    throughput_accounts=16,
    jasa_accounts=500,
    statement_months=60,
    statement_per_month=10,
    statement_repeats=5,
    verify_levels=(2_000, 20_000),
    verify_target=1_000_000,
    setup_clients=8,
)


PARTS = ("postings", "verify", "statement", "jasa")


def say(message: str) -> None:
    print(message, flush=True)


def postings_per_second(coop: Any, account_ids: list[int], clients: int, span: float) -> dict:
    """savings_deposit in ``clients`` threads for ``span`` seconds; each thread deposits
    into its own accounts in turn (the ledger's cash and savings balance rows are shared
    by all, as at a real counter)."""
    from bench.books_data import in_threads
    from tenants.models import SavingsAccount
    from tenants.savings.services import savings_deposit

    latencies: list[float] = []
    lock = threading.Lock()
    started = [0.0]
    run = time.monotonic_ns()

    def work(client: int) -> None:
        mine = [SavingsAccount.objects.get(pk=pk) for pk in account_ids[client::clients]] or [
            SavingsAccount.objects.get(pk=account_ids[client % len(account_ids)])
        ]
        local: list[float] = []
        if client == 0:
            started[0] = time.perf_counter()
        deadline = time.perf_counter() + span
        n = 0
        while time.perf_counter() < deadline:
            account = mine[n % len(mine)]
            t0 = time.perf_counter()
            savings_deposit(
                actor=None,
                account=account,
                amount=Decimal(10_000 + n % 90 * 1_000),
                idempotency_key=f"tp-{run}-{clients}-{client}-{n}",
            )
            local.append(time.perf_counter() - t0)
            n += 1
        with lock:
            latencies.extend(local)

    errors = in_threads(coop, clients, work)
    if errors:
        raise errors[0]
    elapsed = time.perf_counter() - started[0]
    return {
        "clients": clients,
        "postings": len(latencies),
        "seconds": round(elapsed, 2),
        "per_second": len(latencies) / elapsed,
        "latency": {k: v for k, v in summary(latencies).items() if k != "samples"},
    }


def part_postings(plan: Plan, results: dict, database_url: str) -> None:
    from bench import books_data, pgbench

    say("1. Postings per second")
    coop = books_data.cooperative_make("bench-teller")
    accounts = books_data.accounts_make(coop, plan.throughput_accounts, 0, 1)
    out: dict[str, Any] = {"service": {}, "pgbench": {}}
    for clients in plan.clients:
        found = postings_per_second(coop, accounts, clients, plan.post_seconds)
        out["service"][str(clients)] = found
        say(
            f"  savings_deposit, {clients} client(s): {found['per_second']:.0f}/s, "
            f"median {seconds(found['latency']['median'])}"
        )
    pgbench.prepare(database_url)
    for clients in plan.clients:
        tps = pgbench.transfers(database_url, clients, plan.post_seconds)
        out["pgbench"][str(clients)] = tps
        say(f"  pgbench transfer, {clients} client(s): {tps:.0f}/s")
    out["balances_match_ledger"] = _balances_match(coop)
    results["postings"] = out


def _balances_match(coop: Any) -> bool:
    from bench.books_data import connection
    from tenants.savings.selectors import savings_balances_match_ledger

    connection.set_tenant(coop)
    try:
        return savings_balances_match_ledger()
    finally:
        connection.set_schema_to_public()


def _last_month() -> tuple[int, int]:
    from tenants.ledger.periods import business_today

    today = business_today()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def part_jasa(plan: Plan, results: dict) -> None:
    from bench import books_data
    from bench.books_data import connection
    from tenants.interest.jasa import jasa_post_month

    say(f"2. Month-end jasa, {plan.jasa_accounts:,} sukarela accounts")
    coop = books_data.cooperative_make("bench-jasa")
    year, month = _last_month()
    t0 = time.perf_counter()
    accounts = books_data.accounts_make(coop, plan.jasa_accounts, 0, plan.setup_clients)
    t1 = time.perf_counter()
    moves = books_data.month_of_history(coop, accounts, year, month, plan.setup_clients)
    t2 = time.perf_counter()
    say(
        f"  setup: members and accounts {seconds(t1 - t0)}, "
        f"{moves:,} transactions {seconds(t2 - t1)}"
    )
    before = _balances_match(coop)
    connection.set_tenant(coop)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    started = time.perf_counter()
    run = jasa_post_month(actor=None, year=year, month=month)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    after = _balances_match(coop)
    results["jasa"] = {
        "accounts": plan.jasa_accounts,
        "transactions": moves,
        "month": f"{year}-{month:02d}",
        "setup_accounts_s": round(t1 - t0, 2),
        "setup_transactions_s": round(t2 - t1, 2),
        "post_month_s": round(elapsed, 3),
        "accounts_credited": run.accounts_count,
        "total": str(run.total_amount),
        "balances_match_before": before,
        "balances_match_after": after,
    }
    say(f"  jasa_post_month: {seconds(elapsed)} ({run.accounts_count:,} accounts credited)")


def part_statement(plan: Plan, results: dict) -> None:
    from django.core.paginator import Paginator

    from bench import books_data
    from bench.books_data import connection
    from tenants.memberweb import selectors
    from tenants.memberweb.statement_pdf import statement_pdf

    months, per = plan.statement_months, plan.statement_per_month
    say(f"3. Member statement, {months} months x {per} transactions")
    coop = books_data.cooperative_make("bench-statement")
    connection.set_tenant(coop)
    member = books_data.member_make(0)
    account = books_data.sukarela_open(member)
    t0 = time.perf_counter()
    made = books_data.years_of_history(account, months, per)
    setup = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    year, month = _last_month()
    timings: dict[str, list[float]] = {"overview": [], "history": [], "statement": [], "pdf": []}
    size = 0
    for _ in range(plan.statement_repeats):
        a = time.perf_counter()
        selectors.member_balances(member)
        selectors.wajib_arrears(member)
        b = time.perf_counter()
        page = Paginator(selectors.member_transactions(member), 20).get_page(1)
        selectors.entry_statuses(list(page), coop)
        c = time.perf_counter()
        accounts = selectors.member_statement(member, year, month)
        d = time.perf_counter()
        pdf = statement_pdf(
            cooperative=coop, member=member, year=year, month=month, accounts=accounts
        )
        size = len(pdf)
        e = time.perf_counter()
        for name, value in zip(timings, (b - a, c - b, d - c, e - d), strict=True):
            timings[name].append(value)
    connection.set_schema_to_public()
    results["statement"] = {
        "transactions": made,
        "setup_s": round(setup, 2),
        "pdf_bytes": size,
        **{name: summary(values) for name, values in timings.items()},
    }
    total = [sum(parts) for parts in zip(*timings.values(), strict=True)]
    results["statement"]["total"] = summary(total)
    say(
        f"  {made} transactions in {seconds(setup)}; statement + PDF median "
        f"{seconds(statistics.median(total))}"
    )


def part_verify(plan: Plan, results: dict) -> None:
    """Full-chain verification at each of plan.verify_levels entries, in one cooperative
    that grows from level to level. Each step: make the new entries in SQL (books_data.
    ledger_make, triggers on), seal them with chain_seal_pending with the clock set to
    their day (SealClock), publish each new day through chain_publish_day as the daily task
    does, then time ledger_verify over the whole chain."""
    from unittest import mock

    from bench import books_data
    from bench.books_data import connection
    from tenants.ledger import chain
    from tenants.ledger.posting import ledger_check_balances
    from tenants.ledger.verify import ledger_verify

    levels = plan.verify_levels
    calendar = books_data.LedgerCalendar.ending_yesterday(max(levels))
    say(
        f"4. Full-chain verification, {calendar.per_day:,} entries a day from "
        f"{calendar.first_day} to {calendar.day_of(max(levels) - 1)}"
    )
    coop = books_data.cooperative_make("bench-verify")
    have = 0
    out: dict[str, Any] = {"per_day": calendar.per_day, "levels": {}}
    for level in levels:
        count = level - have
        load = os.getloadavg()
        build = books_data.ledger_make(coop, calendar, have, count)
        connection.set_tenant(coop)
        vacuum = _vacuum_analyze()
        clock = books_data.SealClock(calendar, have, count, chain.SEAL_BATCH)
        t0 = time.perf_counter()
        with mock.patch.object(chain, "seal_clock", clock):
            sealed = chain.chain_seal_pending(batch_size=chain.SEAL_BATCH)
        sealing = time.perf_counter() - t0
        vacuum += _vacuum_analyze()
        connection.set_schema_to_public()
        rss_built = _rss_mb()
        t0 = time.perf_counter()
        days = _publish_days(coop, calendar, have, level)
        publishing = time.perf_counter() - t0
        rss_before = _rss_mb()
        peak_before = _peak_rss_mb()
        started = time.perf_counter()
        cpu = time.process_time()
        report = ledger_verify(coop)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak_after = _peak_rss_mb()
        connection.set_tenant(coop)
        t0 = time.perf_counter()
        balances_ok = not ledger_check_balances()
        balances = time.perf_counter() - t0
        connection.set_schema_to_public()
        have = level
        out["levels"][str(level)] = {
            "build_s": round(build, 2),
            "vacuum_s": round(vacuum, 2),
            "sealed": sealed,
            "seal_s": round(sealing, 2),
            "seal_per_entry_us": sealing / max(count, 1) * 1e6,
            "days_published": days,
            "publish_s": round(publishing, 2),
            "verify_s": round(elapsed, 3),
            "verify_cpu_s": round(cpu, 3),
            "per_entry_us": elapsed / max(report.entries_checked, 1) * 1e6,
            "balance_check_s": round(balances, 3),
            "entries_checked": report.entries_checked,
            "unsealed": report.unsealed,
            "days_checked": report.days_checked,
            "days_unpublished": report.days_unpublished,
            "ok": report.ok and balances_ok and sealed == count,
            "problems": report.lines()[3:][:10],
            "rss_after_build_mb": rss_built,
            "rss_before_verify_mb": rss_before,
            "peak_rss_before_verify_mb": peak_before,
            "peak_rss_after_verify_mb": peak_after,
            "load_before": load,
            "load_after": os.getloadavg(),
        }
        say(
            f"  {level:,} entries: made {seconds(build)}, sealed {seconds(sealing)}, "
            f"{days} days published {seconds(publishing)}; ledger_verify {seconds(elapsed)} "
            f"({elapsed / max(report.entries_checked, 1) * 1e6:.0f} us/entry), "
            f"{'ok' if out['levels'][str(level)]['ok'] else 'PROBLEMS'}; peak RSS "
            f"{peak_after:.0f} MB; load {load[0]:.1f} -> {os.getloadavg()[0]:.1f}"
        )
    top = str(levels[-1])
    per_entry = out["levels"][top]["verify_s"] / levels[-1]
    out["extrapolated"] = {
        "entries": plan.verify_target,
        "verify_s": round(per_entry * plan.verify_target, 1),
        "method": f"linear from {int(top):,} entries",
    }
    if len(levels) > 1:
        low = str(levels[0])
        low_per = out["levels"][low]["verify_s"] / levels[0]
        out["per_entry_ratio"] = per_entry / low_per if low_per else None
    if plan.verify_target not in levels:
        say(f"  extrapolated to {plan.verify_target:,}: {seconds(out['extrapolated']['verify_s'])}")
    results["verify"] = out


def _vacuum_analyze() -> float:
    """What autovacuum would have done by then (the current schema's tables); seconds."""
    from bench.books_data import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _publish_days(coop: Any, calendar: Any, first: int, end: int) -> int:
    """Publish the days of entries ``first`` to ``end - 1`` one at a time, oldest first,
    as the daily task (ledger_publish_yesterday) does; how many days."""
    from tenants.ledger.chain import chain_publish_day

    day, last = calendar.day_of(first), calendar.day_of(end - 1)
    published = 0
    while day <= last:
        chain_publish_day(cooperative=coop, day=day)
        day += dt.timedelta(days=1)
        published += 1
    return published


def _rss_mb() -> float:
    """The process's resident memory now (Linux), MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far (getrusage ru_maxrss, KB on Linux), MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(results: dict) -> str:
    out: list[str] = []
    if "postings" in results:
        out += _report_postings(results["postings"])
    if "jasa" in results:
        jasa = results["jasa"]
        out += [
            "",
            f"Month-end jasa ({jasa['month']}): {jasa['accounts']:,} accounts, "
            f"{jasa['transactions']:,} transactions in the month",
            f"  jasa_post_month: {seconds(jasa['post_month_s'])}; setup through the services: "
            f"accounts {seconds(jasa['setup_accounts_s'])}, transactions "
            f"{seconds(jasa['setup_transactions_s'])}",
        ]
    if "statement" in results:
        st = results["statement"]
        out += [
            "",
            f"Member statement, {st['transactions']} transactions over five years "
            f"(median / p95 of {st['total']['n']})",
        ]
        rows = [
            [name, seconds(st[name]["median"]), seconds(st[name]["p95"])]
            for name in ("overview", "history", "statement", "pdf", "total")
        ]
        out.append(table(["step", "median", "p95"], rows))
    if "verify" in results:
        out += _report_verify(results["verify"])
    return "\n".join(out).lstrip("\n")


def _report_postings(postings: dict) -> list[str]:
    rows = []
    for clients, found in postings["service"].items():
        lat = found["latency"]
        ceiling = postings["pgbench"].get(clients)
        rows.append(
            [
                clients,
                f"{found['per_second']:.0f}",
                seconds(lat["median"]),
                seconds(lat["p95"]),
                f"{ceiling:.0f}" if ceiling else "-",
                f"{found['per_second'] / ceiling * 100:.1f} %" if ceiling else "-",
            ]
        )
    headers = ["clients", "deposits/s", "median", "p95", "pgbench tps", "share"]
    return [
        "Postings per second (savings_deposit through journal_post) vs pgbench transfer",
        table(headers, rows),
    ]


def _report_verify(verify: dict) -> list[str]:
    rows = [
        [
            f"{int(level):,}",
            seconds(found["build_s"]),
            seconds(found["seal_s"]),
            f"{found['days_published']} in {seconds(found['publish_s'])}",
            seconds(found["verify_s"]),
            f"{found['per_entry_us']:.0f} us",
            f"{found['peak_rss_after_verify_mb']:.0f} MB",
            f"{found['load_before'][0]:.1f}-{found['load_after'][0]:.1f}",
            "ok" if found["ok"] else "PROBLEMS",
        ]
        for level, found in verify["levels"].items()
    ]
    extra = verify["extrapolated"]
    if str(extra["entries"]) not in verify["levels"]:
        blank = [""] * 3
        rows.append(
            [f"{extra['entries']:,} (extrap.)", *blank, seconds(extra["verify_s"]), *blank, ""]
        )
    headers = [
        "entries",
        "made (new)",
        "sealed (new)",
        "days published",
        "verify",
        "per entry",
        "peak RSS",
        "load",
        "result",
    ]
    return ["", "Full-chain verification (ledger_verify)", table(headers, rows)]


def checks(results: dict) -> dict[str, bool]:
    found: dict[str, bool] = {}
    if "postings" in results:
        found["postings_balances_match_ledger"] = results["postings"]["balances_match_ledger"]
    if "jasa" in results:
        found["jasa_balances_match_before"] = results["jasa"]["balances_match_before"]
        found["jasa_balances_match_after"] = results["jasa"]["balances_match_after"]
    if "verify" in results:
        found.update({f"verify_{k}": v["ok"] for k, v in results["verify"]["levels"].items()})
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench books", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about 3 minutes")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {BENCH_DATABASE} afterwards")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated subset of {', '.join(PARTS)} (default: all)",
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    started = time.monotonic()

    urls = server_urls()
    say(f"Books benchmark ({plan.mode}): database {BENCH_DATABASE}")
    database_recreate(urls)
    os.environ.update(bench_environ(urls))
    env = dict(os.environ)

    from bench import commands

    setup = commands.migrate(env)
    say(f"migrate on an empty database: {seconds(setup.wall)}")

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
    if "postings" in parts:
        part_postings(plan, results, urls.database_url)
    if "verify" in parts:
        part_verify(plan, results)
    if "statement" in parts:
        part_statement(plan, results)
    if "jasa" in parts:
        part_jasa(plan, results)
    results["load_after"] = os.getloadavg()
    results["checks"] = checks(results)
    results["duration_s"] = round(time.monotonic() - started, 1)

    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        database_drop(urls)
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
