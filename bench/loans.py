"""The loans benchmark: schedule generation, the loan services step by step, and the daily
aging job over 3,000 running loans in a cooperative of 10,000 members, in the benchmark's
own database (``bench_loans``, dropped and made anew, as the other suites do with theirs).

Run with ``DJANGO_ENV=test python -m bench loans [--quick]``. See docs/performance.md,
"Loans".

How the data is made (fast, and the ledger stays consistent):
- members: members_register_many (the service the importer and the demo use);
- a few loans through every service (apply, survey, approve, disburse, repay), timed;
- the 3,000 aged loans by bulk INSERTs: per loan its disbursement entry (debit 1103,
  credit 1101, both lines in one statement so the ledger's triggers check it), the loan,
  its schedule version 1 (tenants.loans.schedule.schedule_build, dated back up to two
  years) and instalments, the ones due before today marked paid except for the loans
  meant to be late; what those payments would have booked goes into one journal entry
  through journal_post (debit cash, credit 1103 and 4101). Account balances move by the
  same totals, the bulk entries are sealed by chain_seal_pending, and the run checks
  ledger_check_balances() and loans_ledger_difference() before and after the aging.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.database import bench_environ, database_drop, database_recreate, named_urls
from bench.stats import seconds, summary, table

RESULTS = ROOT / "var" / "bench" / "loans.json"
# A database of its own (not bench_koperasi), so that a loans run never drops the
# database under another suite running at the same time on the shared server.
LOANS_DATABASE = "bench_loans"


@dataclass(frozen=True)
class Plan:
    mode: str
    members: int
    loans: int  # running loans made in bulk and aged
    service_loans: int  # loans taken through every service, timed step by step
    schedule_repeats: int


FULL = Plan(mode="full", members=10_000, loans=3_000, service_loans=30, schedule_repeats=200)
QUICK = Plan(mode="quick", members=2_000, loans=600, service_loans=10, schedule_repeats=50)
SCHEDULES = [
    ("flat", 12),
    ("effective", 36),
    ("annuity", 24),
    ("annuity", 360),
]
PRODUCTS = ("umum", "menurun", "anuitas")


def say(message: str) -> None:
    print(message, flush=True)


def part_schedules(plan: Plan, results: dict) -> None:
    from tenants.loans.schedule import schedule_build

    say("1. Schedule generation (tenants.loans.schedule.schedule_build, no database)")
    out: dict[str, Any] = {}
    for method, n in SCHEDULES:
        samples = []
        for _ in range(plan.schedule_repeats):
            t0 = time.perf_counter()
            schedule_build(
                method=method,
                principal=Decimal(10_000_000),
                annual_rate_percent=Decimal(12),
                start=date(2026, 1, 31),
                n=n,
            )
            samples.append(time.perf_counter() - t0)
        out[f"{method}-{n}"] = summary(samples)
        say(f"  {method}, {n} months: median {statistics.median(samples) * 1e6:.0f} us")
    results["schedules"] = out


def _staff(coop: Any) -> tuple[Any, Any]:
    from identity.models import CooperativeRole, User

    teller = User.objects.create(username="bench-teller", email="teller@bench.test")
    board = User.objects.create(username="bench-board", email="board@bench.test")
    CooperativeRole.objects.create(user=teller, cooperative=coop, role="kasir")
    CooperativeRole.objects.create(user=board, cooperative=coop, role="pengurus")
    return teller, board


def _members(coop: Any, count: int) -> list[int]:
    from bench.books_data import KK, MEMBER_ADDRESS, birth_date, connection, nik
    from tenants.members.services import MemberInput, members_register_many

    connection.set_tenant(coop)
    ids: list[int] = []
    for low in range(0, count, 1000):
        people = [
            MemberInput(
                full_name=f"Anggota Pinjam {n}",
                nik=nik(n),
                kk_number=KK,
                birth_place="Bandung",
                birth_date=birth_date(n),
                sex="male",
                address=MEMBER_ADDRESS,
                join_date=date(2020, 1, 2),
            )
            for n in range(low, min(low + 1000, count))
        ]
        ids += [m.pk for m in members_register_many(actor=None, people=people)]
    return ids


def _first_due_today(loan: Any) -> None:
    """Move a just-disbursed loan's dates back so that its first instalment is due today."""
    from django.db.models import F

    from tenants.ledger.periods import business_today
    from tenants.models import Loan, LoanInstalment, LoanSchedule

    first = LoanInstalment.objects.filter(loan=loan).order_by("number").first()
    assert first is not None
    delta = first.due_date - business_today()
    Loan.objects.filter(pk=loan.pk).update(
        disbursed_on=F("disbursed_on") - delta, applied_on=F("applied_on") - delta
    )
    LoanSchedule.objects.filter(loan=loan).update(start_date=F("start_date") - delta)
    LoanInstalment.objects.filter(loan=loan).update(
        due_date=F("due_date") - delta, period_start=F("period_start") - delta
    )
    loan.refresh_from_db()


def part_services(plan: Plan, coop: Any, member_ids: list[int], results: dict) -> None:
    from tenants.loans.selectors import loan_dues, loan_product_get
    from tenants.loans.services import (
        loan_apply,
        loan_approve,
        loan_disburse,
        loan_repay,
        loan_survey_note_add,
    )
    from tenants.models import Member

    say(f"3. The loan services, {plan.service_loans} loans through each step")
    teller, board = _staff(coop)
    steps: dict[str, list[float]] = {
        "apply": [],
        "survey": [],
        "approve": [],
        "disburse": [],
        "repay an instalment due": [],
        "repay with prepayment": [],
    }
    for n in range(plan.service_loans):
        member = Member.objects.get(pk=member_ids[-1 - n])
        product = loan_product_get(PRODUCTS[n % 3])
        assert product is not None
        t0 = time.perf_counter()
        loan = loan_apply(
            actor=teller,
            channel="staff",
            member=member,
            product=product,
            amount=Decimal(2_000_000),
            term_months=12,
            purpose="Modal usaha",
            idempotency_key=f"bench-apply-{n}",
        )
        t1 = time.perf_counter()
        loan_survey_note_add(actor=teller, loan=loan, note="Layak")
        t2 = time.perf_counter()
        loan_approve(actor=board, loan=loan)
        t3 = time.perf_counter()
        loan_disburse(actor=teller, loan=loan)
        t4 = time.perf_counter()
        _first_due_today(loan)  # as the tests do: the services stamp today's date
        due = loan_dues(loan).due_now
        t5 = time.perf_counter()
        loan_repay(actor=teller, loan=loan, amount=due, idempotency_key=f"bench-due-{n}")
        t6 = time.perf_counter()
        loan_repay(
            actor=teller, loan=loan, amount=Decimal(200_000), idempotency_key=f"bench-pay-{n}"
        )
        t7 = time.perf_counter()
        timings = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t6 - t5, t7 - t6)
        for name, value in zip(steps, timings, strict=True):
            steps[name].append(value)
    results["services"] = {name: summary(values) for name, values in steps.items()}
    say(
        "  median "
        + ", ".join(f"{name} {seconds(statistics.median(v))}" for name, v in steps.items())
    )


def _bulk_loans(coop: Any, member_ids: list[int], count: int) -> dict[str, Any]:
    """``count`` running loans, aged over two years, one in five late by 1 to 8 months."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from bench.books_data import connection
    from tenants.ledger.periods import business_today
    from tenants.ledger.posting import Line, journal_post
    from tenants.loans.schedule import schedule_build
    from tenants.models import (
        Account,
        AccountBalance,
        JournalEntry,
        Loan,
        LoanInstalment,
        LoanProduct,
        LoanSchedule,
        Posting,
    )

    connection.set_tenant(coop)
    today = business_today()
    now = timezone.now()
    products = {p.code: p for p in LoanProduct.objects.filter(code__in=PRODUCTS)}
    accounts = dict(Account.objects.filter(code__in=["1101", "1103"]).values_list("code", "id"))
    plans = []
    for k in range(count):
        product = products[PRODUCTS[k % 3]]
        term = (12, 24, 36)[k // 3 % 3]
        amount = Decimal(1_000_000 + (k * 7919) % 190 * 100_000)
        disbursed = today - timedelta(days=(k * 37) % (term * 30))
        rows = schedule_build(
            method=product.interest_method,
            principal=amount,
            annual_rate_percent=product.annual_rate_percent,
            start=disbursed,
            n=term,
        )
        due = [r for r in rows if r.due_date < today]
        unpaid = (1 + k % 8) if k % 5 == 0 else 0
        paid = due[: max(len(due) - unpaid, 0)]
        plans.append((k, product, term, amount, disbursed, rows, {r.number for r in paid}))
    started = time.perf_counter()
    with transaction.atomic():
        entries = JournalEntry.objects.bulk_create(
            [
                JournalEntry(
                    entry_date=today,
                    description=f"Pencairan pinjaman bench {k}",
                    kind="loan_disburse",
                    idempotency_key=f"bench-loan-{k}",
                    request_digest=f"{k:064d}",
                    created_at=now,
                )
                for k, *_ in plans
            ]
        )
        Posting.objects.bulk_create(
            [
                Posting(
                    entry=entry,
                    line_no=line_no,
                    account_id=accounts[code],
                    debit=plan[3] if line_no == 1 else Decimal(0),
                    credit=plan[3] if line_no == 2 else Decimal(0),
                    member_ref="",
                )
                for entry, plan in zip(entries, plans, strict=True)
                for line_no, code in ((1, "1103"), (2, "1101"))
            ],
            batch_size=2000,  # even: an entry's two lines always go in one statement
        )
        total = sum((plan[3] for plan in plans), Decimal(0))
        AccountBalance.objects.filter(account_id=accounts["1103"]).update(
            debit_total=F("debit_total") + total
        )
        AccountBalance.objects.filter(account_id=accounts["1101"]).update(
            credit_total=F("credit_total") + total
        )
        loans = Loan.objects.bulk_create(
            [
                Loan(
                    member_id=member_ids[k % len(member_ids)],
                    product=product,
                    channel="staff",
                    status="active",
                    route="committee",
                    amount=amount,
                    term_months=term,
                    annual_rate_percent=product.annual_rate_percent,
                    interest_method=product.interest_method,
                    penalty_percent_per_day=product.penalty_percent_per_day,
                    penalty_grace_days=product.penalty_grace_days,
                    purpose="Bench",
                    applied_on=disbursed,
                    applied_at=now,
                    decided_at=now,
                    disbursed_on=disbursed,
                    payout_to="cash",
                    disbursement_entry=entry,
                    principal_outstanding=amount
                    - sum((r.principal for r in rows if r.number in paid), Decimal(0)),
                    officer_id=k % 7 + 1,
                    idempotency_key=f"bench-loan-{k}",
                    request_digest=f"{k:064d}",
                )
                for (k, product, term, amount, disbursed, rows, paid), entry in zip(
                    plans, entries, strict=True
                )
            ],
            batch_size=1000,
        )
        schedules = LoanSchedule.objects.bulk_create(
            [
                LoanSchedule(
                    loan=loan,
                    version=1,
                    reason="original",
                    is_current=True,
                    start_date=plan[4],
                    principal=plan[3],
                    annual_rate_percent=plan[1].annual_rate_percent,
                    interest_method=plan[1].interest_method,
                    created_at=now,
                )
                for loan, plan in zip(loans, plans, strict=True)
            ],
            batch_size=1000,
        )
        instalments = []
        paid_principal = paid_interest = Decimal(0)
        for loan, schedule, plan in zip(loans, schedules, plans, strict=True):
            for row in plan[5]:
                settled = row.number in plan[6]
                if settled:
                    paid_principal += row.principal
                    paid_interest += row.interest
                instalments.append(
                    LoanInstalment(
                        schedule=schedule,
                        loan=loan,
                        number=row.number,
                        period_start=row.period_start,
                        due_date=row.due_date,
                        principal=row.principal,
                        interest=row.interest,
                        principal_paid=row.principal if settled else Decimal(0),
                        interest_paid=row.interest if settled else Decimal(0),
                        settled_on=row.due_date if settled else None,
                    )
                )
        LoanInstalment.objects.bulk_create(instalments, batch_size=5000)
        if paid_principal:
            journal_post(
                actor=None,
                entry_date=today,
                description="Angsuran pinjaman bench (terkumpul)",
                lines=[
                    Line("1101", debit=paid_principal + paid_interest),
                    Line("1103", credit=paid_principal),
                    Line("4101", credit=paid_interest),
                ],
                idempotency_key="bench-loan-repayments",
                kind="loan_repayment",
            )
    return {
        "loans": len(loans),
        "instalments": len(instalments),
        "insert_s": round(time.perf_counter() - started, 2),
    }


def part_aging(plan: Plan, results: dict) -> None:
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    from bench import books_data
    from tenants.ledger.chain import chain_seal_pending
    from tenants.ledger.posting import ledger_check_balances
    from tenants.loans.aging import allowance_booked, loan_aging_run
    from tenants.loans.selectors import loans_ledger_difference, portfolio_report

    connection: Any = default_connection
    say(f"2. Members: {plan.members:,}, then loans")
    coop = books_data.cooperative_make("bench-loans")
    t0 = time.perf_counter()
    member_ids = _members(coop, plan.members)
    members_s = time.perf_counter() - t0
    say(f"  members_register_many: {seconds(members_s)}")
    part_services(plan, coop, member_ids, results)
    say(f"4. The daily aging, {plan.loans:,} running loans")
    made = _bulk_loans(coop, member_ids, plan.loans)
    connection.set_tenant(coop)
    t0 = time.perf_counter()
    chain_seal_pending()
    sealing = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    before = {"balances": ledger_check_balances() == [], "loans": loans_ledger_difference() == 0}
    say(
        f"  setup: {made['loans']:,} loans, {made['instalments']:,} instalments inserted in "
        f"{seconds(made['insert_s'])}, sealed in {seconds(sealing)}"
    )
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        run = loan_aging_run(actor=None)
        aging_s = time.perf_counter() - t0
    queries = len(captured.captured_queries)
    t0 = time.perf_counter()
    again = loan_aging_run(actor=None)
    again_s = time.perf_counter() - t0
    reports = []
    for _ in range(5):
        t0 = time.perf_counter()
        report = portfolio_report()
        reports.append(time.perf_counter() - t0)
    after = {
        "balances": ledger_check_balances() == [],
        "loans": loans_ledger_difference() == 0,
        "allowance": allowance_booked() == run.required_total,
        "once": again.pk == run.pk,
    }
    connection.set_schema_to_public()
    results["aging"] = {
        "members": plan.members,
        "loans_bulk": made["loans"],
        "loans_aged": run.loans_count,
        "instalments": made["instalments"],
        "members_register_s": round(members_s, 2),
        "insert_s": made["insert_s"],
        "seal_s": round(sealing, 2),
        "aging_s": round(aging_s, 3),
        "aging_queries": queries,
        "second_run_s": round(again_s, 4),
        "portfolio_report": summary(reports),
        "required": str(run.required_total),
        "delta": str(run.delta),
        "classes": run.class_totals,
        "par30_percent": str(report.total.par30_percent),
        "npl_percent": str(report.total.npl_percent),
        "health": report.health,
        "checks_before": before,
        "checks_after": after,
    }
    say(
        f"  loan_aging_run: {seconds(aging_s)} for {run.loans_count:,} loans in {queries} "
        f"queries; again the same day {seconds(again_s)}; portfolio_report median "
        f"{seconds(statistics.median(reports))}"
    )


def report(results: dict) -> str:
    out: list[str] = []
    if "schedules" in results:
        rows = [
            [name, f"{found['median'] * 1e6:.0f} us", f"{found['p95'] * 1e6:.0f} us"]
            for name, found in results["schedules"].items()
        ]
        out += ["Schedule generation (schedule_build)", table(["schedule", "median", "p95"], rows)]
    if "services" in results:
        rows = [
            [name, seconds(found["median"]), seconds(found["p95"])]
            for name, found in results["services"].items()
        ]
        out += ["", "Loan services, one loan at a time", table(["step", "median", "p95"], rows)]
    if "aging" in results:
        aging = results["aging"]
        bank = aging["classes"]["bank"]
        out += [
            "",
            f"Daily aging: {aging['loans_aged']:,} running loans, {aging['instalments']:,} "
            f"instalments, {aging['members']:,} members",
            f"  loan_aging_run {seconds(aging['aging_s'])} in {aging['aging_queries']} queries; "
            f"the same day again {seconds(aging['second_run_s'])}; portfolio_report median "
            f"{seconds(aging['portfolio_report']['median'])}",
            "  classes (count): "
            + ", ".join(f"{name} {found['count']}" for name, found in bank.items()),
            f"  PAR30 {aging['par30_percent']} %, NPL {aging['npl_percent']} % "
            f"({aging['health']}); allowance required Rp {aging['required']}",
            f"  setup: members {seconds(aging['members_register_s'])}, bulk loans "
            f"{seconds(aging['insert_s'])}, sealing {seconds(aging['seal_s'])}",
        ]
    return "\n".join(out)


def checks(results: dict) -> dict[str, bool]:
    found: dict[str, bool] = {}
    if "aging" in results:
        for when in ("checks_before", "checks_after"):
            found.update({f"{when}_{k}": v for k, v in results["aging"][when].items()})
        found["aged_every_loan"] = results["aging"]["loans_aged"] >= results["aging"]["loans_bulk"]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench loans", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {LOANS_DATABASE} afterwards")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.monotonic()

    urls = named_urls(LOANS_DATABASE)
    say(f"Loans benchmark ({plan.mode}): database {LOANS_DATABASE}")
    database_recreate(urls, LOANS_DATABASE)
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
    part_schedules(plan, results)
    part_aging(plan, results)
    results["load_after"] = os.getloadavg()
    results["checks"] = checks(results)
    results["duration_s"] = round(time.monotonic() - started, 1)

    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        database_drop(urls, LOANS_DATABASE)
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
