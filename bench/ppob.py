"""The PPOB benchmark: purchases per second end to end, and the latency from confirm to
receipt for an immediate success, with the sandbox provider and a real Celery worker, in a
database of its own (``bench_ppob``, dropped and made anew) and a Redis of its own.

End to end means: purchase_create in the client (checks, the purchase row and the hold in
the member's cooperative, one transaction), the Celery task on a real worker (claim, the
provider call, the result by compare-and-swap), and the money steps (capture of the hold,
member business, the secondary cooperative's entry, the settlement line).

Run with ``DJANGO_ENV=test python -m bench ppob [--quick]``. See docs/performance.md, "PPOB".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.database import bench_environ, database_drop, database_recreate, named_urls
from bench.stats import seconds, summary, table

RESULTS = ROOT / "var" / "bench" / "ppob.json"
# A database of its own, so a PPOB run never drops another suite's database.
PPOB_DATABASE = "bench_ppob"
QUEUE = "bench-ppob"
SHOP, INDUK = "bench-ppob", "bench-induk"
NUMBER = "087800001230"  # the sandbox's immediate success (an XL number)
FUNDS = Decimal("50000000")


@dataclass(frozen=True)
class Plan:
    mode: str
    members: int
    latency_samples: int
    clients: tuple[int, ...]
    run_seconds: int
    worker_concurrency: int
    settle_timeout: int


FULL = Plan("full", 32, 50, (1, 4, 8), 15, 2, 300)
QUICK = Plan("quick", 16, 20, (1, 4), 6, 2, 180)


def say(message: str) -> None:
    print(message, flush=True)


class Worker:
    """A `celery worker` process on the benchmark's database and Redis."""

    def __init__(self, env: dict[str, str], concurrency: int, log: Path) -> None:
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "federation",
                "worker",
                "--loglevel",
                "WARNING",
                "--queues",
                QUEUE,
                "--hostname",
                f"{QUEUE}@%h",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from federation.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the worker died:\n{self.log_path.read_text()[-3000:]}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError("the worker did not answer")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def data_make(plan: Plan) -> tuple[Any, list[str]]:
    """The selling cooperative with ``plan.members`` funded members, the secondary
    cooperative, the margins, the sandbox's catalogue and the deposit."""
    from django_tenants.utils import tenant_context
    from registry.services import CooperativeAddress, cooperative_create

    from bench import books_data
    from bench.books_data import connection
    from ppob.services.catalogue import catalogue_sync
    from ppob.services.deposit import deposit_refresh
    from ppob.services.pricing import margin_rule_set
    from tenants.models import SavingsAccount
    from tenants.savings.services import savings_deposit

    shop = books_data.cooperative_make(SHOP)
    cooperative_create(
        actor=None,
        name="Koperasi Sekunder Bench",
        slug=INDUK,
        kind="sekunder",
        legal_entity_number="AHU-BENCH-INDUK",
        address=CooperativeAddress(desa="Sukamaju", kecamatan="Cibeunying", kabupaten="Bandung"),
    )
    connection.set_schema_to_public()
    account_ids = books_data.accounts_make(shop, plan.members, 0, 4)
    numbers: list[str] = []
    with tenant_context(shop):
        for n, pk in enumerate(account_ids):
            account = SavingsAccount.objects.select_related("member").get(pk=pk)
            savings_deposit(actor=None, account=account, amount=FUNDS, idempotency_key=f"fund-{n}")
            numbers.append(account.member.member_number)
    connection.set_schema_to_public()
    margin_rule_set(
        actor=None, kind="flat", member_value=Decimal("1500"), nonmember_value=Decimal("2500")
    )
    catalogue_sync()
    deposit_refresh(source="bench")
    return shop, numbers


def _buy(shop: Any, member_number: str, key: str) -> int:
    from ppob.services.purchases import purchase_create

    return purchase_create(
        actor=None,
        cooperative=shop,
        request_key=key,
        sku="xl10",
        customer_no=NUMBER,
        payment_method="sukarela",
        member_number=member_number,
    ).purchase.pk


def part_latency(plan: Plan, shop: Any, numbers: list[str], results: dict) -> None:
    """One purchase at a time: confirm (purchase_create returns), receipt (the status is
    success, with the SN: what the member's screen waits for), money (every book done)."""
    from ppob.models import Purchase

    say(f"1. Latency from confirm to receipt, {plan.latency_samples} purchases one at a time")
    confirm: list[float] = []
    receipt: list[float] = []
    money: list[float] = []
    for n in range(plan.latency_samples + 3):
        started = time.perf_counter()
        pk = _buy(shop, numbers[n % len(numbers)], f"bench-lat-{n:05d}")
        confirmed = time.perf_counter()
        received = 0.0
        deadline = started + 30
        while time.perf_counter() < deadline:
            row = Purchase.objects.filter(pk=pk).values("status", "money_settled_at").get()
            if row["status"] == "success" and not received:
                received = time.perf_counter()
            if row["money_settled_at"] is not None:
                break
            time.sleep(0.002)
        else:
            raise RuntimeError(f"purchase {pk} not settled in 30 s")
        if n >= 3:  # the first ones warm the worker's connections and imports
            confirm.append(confirmed - started)
            receipt.append(received - started)
            money.append(time.perf_counter() - started)
    results["latency"] = {
        "confirm": summary(confirm),
        "receipt": summary(receipt),
        "money_settled": summary(money),
    }
    say(
        f"  confirm median {seconds(summary(confirm)['median'])}, receipt median "
        f"{seconds(summary(receipt)['median'])} (p95 {seconds(summary(receipt)['p95'])}), "
        f"all books done median {seconds(summary(money)['median'])}"
    )


def throughput(plan: Plan, shop: Any, numbers: list[str], clients: int) -> dict[str, Any]:
    """``clients`` threads confirm purchases as fast as they can for ``run_seconds``; the
    rate is purchases whose money steps are all done, from the first confirm to the last
    settlement (database clock)."""
    from django.db.models import Max, Min

    from bench.books_data import connection
    from ppob.models import Purchase
    from ppob.services.deposit import deposit_refresh

    deposit_refresh(source="bench")
    made: list[int] = []
    confirm: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    run = time.monotonic_ns()

    def client(c: int) -> None:
        try:
            barrier.wait()
            deadline = time.perf_counter() + plan.run_seconds
            n = 0
            mine: list[int] = []
            times: list[float] = []
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                mine.append(
                    _buy(shop, numbers[(c + n * clients) % len(numbers)], f"tp-{run}-{c}-{n}")
                )
                times.append(time.perf_counter() - t0)
                n += 1
            with lock:
                made.extend(mine)
                confirm.extend(times)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    deadline = time.monotonic() + plan.settle_timeout
    while time.monotonic() < deadline:
        left = Purchase.objects.filter(pk__in=made, money_settled_at__isnull=True).count()
        if not left:
            break
        time.sleep(0.25)
    rows = Purchase.objects.filter(pk__in=made)
    span = rows.aggregate(first=Min("created_at"), last=Max("money_settled_at"))
    settled = rows.filter(money_settled_at__isnull=False).count()
    elapsed = (span["last"] - span["first"]).total_seconds() if span["last"] else float("nan")
    statuses = sorted(set(rows.values_list("status", flat=True)))
    return {
        "clients": clients,
        "confirmed": len(made),
        "settled": settled,
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "per_second": settled / elapsed if elapsed else 0.0,
        "confirm_per_second": len(made) / plan.run_seconds,
        "confirm_latency": {k: v for k, v in summary(confirm).items() if k != "samples"},
    }


def part_throughput(plan: Plan, shop: Any, numbers: list[str], results: dict) -> None:
    say("2. Purchases per second, end to end")
    out: dict[str, Any] = {}
    for clients in plan.clients:
        found = throughput(plan, shop, numbers, clients)
        out[str(clients)] = found
        say(
            f"  {clients} client(s): {found['confirmed']} confirmed "
            f"({found['confirm_per_second']:.1f}/s), {found['settled']} settled in "
            f"{found['seconds']} s = {found['per_second']:.1f}/s end to end"
        )
    results["throughput"] = out


def checks_run(shop: Any, results: dict) -> dict[str, bool]:
    from django.db.models import Sum
    from django_tenants.utils import tenant_context

    from bench.books_data import connection
    from ppob.models import Purchase, SettlementLine
    from tenants.models.books import ReservationStatus, SavingsReservation
    from tenants.savings.selectors import savings_balances_match_ledger

    purchases = Purchase.objects.all()
    success = purchases.filter(status="success")
    with tenant_context(shop):
        match = savings_balances_match_ledger()
        captured = SavingsReservation.objects.filter(status=ReservationStatus.CAPTURED).aggregate(
            total=Sum("amount")
        )["total"]
    connection.set_schema_to_public()
    return {
        "all_succeeded": purchases.count() == success.count(),
        "all_money_settled": not purchases.filter(money_settled_at__isnull=True).exists(),
        "captured_equals_sales": captured == success.aggregate(total=Sum("price"))["total"],
        "one_settlement_line_each": SettlementLine.objects.count() == success.count(),
        "balances_match_ledger": match,
    }


def report(results: dict) -> str:
    out: list[str] = []
    if "latency" in results:
        lat = results["latency"]
        rows = [
            [name, seconds(lat[key]["median"]), seconds(lat[key]["p95"]), seconds(lat[key]["max"])]
            for name, key in (
                ("confirm (purchase_create)", "confirm"),
                ("confirm to receipt (SN shown)", "receipt"),
                ("confirm to all books done", "money_settled"),
            )
        ]
        out += [
            f"Latency, one purchase at a time (n={lat['receipt']['n']})",
            table(["step", "median", "p95", "max"], rows),
        ]
    if "throughput" in results:
        rows = [
            [
                clients,
                str(found["confirmed"]),
                f"{found['confirm_per_second']:.1f}",
                seconds(found["confirm_latency"]["median"]),
                f"{found['per_second']:.1f}",
            ]
            for clients, found in results["throughput"].items()
        ]
        out += [
            "",
            "Purchases per second, end to end (sandbox, worker concurrency "
            f"{results['plan']['worker_concurrency']})",
            table(["clients", "purchases", "confirmed/s", "confirm median", "settled/s"], rows),
        ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ppob", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about 3 minutes")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {PPOB_DATABASE} afterwards")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.monotonic()

    urls = named_urls(PPOB_DATABASE)
    say(f"PPOB benchmark ({plan.mode}): database {PPOB_DATABASE}")
    database_recreate(urls, PPOB_DATABASE)
    from embedded.services import ensure_redis, stop_redis

    redis_dir = Path(tempfile.mkdtemp(prefix="kopr-bench-ppob-"))
    redis_url = ensure_redis(redis_dir)
    env = {
        **os.environ,
        **bench_environ(urls),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": "redis+socket://" + redis_url.removeprefix("unix://").split("?")[0],
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "PPOB_PROVIDER": "sandbox",
        "PPOB_SANDBOX_DELAY_SECONDS": "0",
        "PPOB_SANDBOX_DEPOSIT": "1000000000000",
        "PPOB_SECONDARY_SLUG": INDUK,
        "SENTRY_DSN": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
    }
    os.environ.update(env)
    worker: Worker | None = None
    results: dict[str, Any] = {}
    try:
        from bench import commands

        setup = commands.migrate(env)
        say(f"migrate on an empty database: {seconds(setup.wall)}")
        import django

        django.setup()
        from bench.main import machine

        results.update(
            {
                "mode": plan.mode,
                "plan": asdict(plan),
                "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "load_before": os.getloadavg(),
            }
        )
        t0 = time.perf_counter()
        shop, numbers = data_make(plan)
        say(
            f"data: {plan.members} members with savings, catalogue, deposit in "
            f"{seconds(time.perf_counter() - t0)}"
        )
        from django.db import connections

        connections.close_all()
        worker = Worker(env, plan.worker_concurrency, Path(redis_dir) / "worker.log")
        worker.wait_ready()
        part_latency(plan, shop, numbers, results)
        part_throughput(plan, shop, numbers, results)
        results["checks"] = checks_run(shop, results)
        results["load_after"] = os.getloadavg()
    finally:
        if worker is not None:
            worker.stop()
        stop_redis(redis_dir)
        time.sleep(0.5)
        shutil.rmtree(redis_dir, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            database_drop(urls, PPOB_DATABASE)
    results["duration_s"] = round(time.monotonic() - started, 1)
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
