"""The daily aging of every running loan: days past due, kolektibilitas in the banks' 5
classes and the ministry's 4, the loss allowance each needs (PPAP wajib dibentuk), and
the change in the booked allowance posted once per day.

Set-based: one statement ages and classifies every loan into the day's aging lines, one
updates the loans whose class changed, one adds up the classes; a run costs the same
handful of queries for 30 loans or 30,000. Days past due: from the due date of the oldest
instalment of the current schedule still unpaid on ``as_of`` (0 when none is overdue; an
instalment falling due on ``as_of`` is not yet overdue).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.ledger.actors import actor_id
from tenants.ledger.lock_objects import balances_lock
from tenants.ledger.periods import business_today, period_lock_for_posting
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.loans.exceptions import AgingRefused
from tenants.models import (
    AccountBalance,
    BankClass,
    Loan,
    LoanAgingLine,
    LoanAgingRun,
    LoanInstalment,
    LoanSchedule,
    LoanSettings,
    LoanStatus,
    MinistryClass,
)

ALLOWANCE_ACCOUNT = "1105"  # Cadangan Kerugian Piutang
PROVISION_EXPENSE_ACCOUNT = "5103"  # Beban Penyisihan Kerugian Piutang
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def loan_settings() -> LoanSettings:
    """The cooperative's loan settings (the defaults if the row is missing)."""
    return LoanSettings.objects.filter(pk=1).first() or LoanSettings(pk=1)


def bank_class_for(days: int, settings: LoanSettings) -> str:
    if days >= settings.macet_from_days:
        return BankClass.MACET
    if days >= settings.diragukan_from_days:
        return BankClass.DIRAGUKAN
    if days >= settings.kurang_lancar_from_days:
        return BankClass.KURANG_LANCAR
    if days >= settings.dpk_from_days:
        return BankClass.DPK
    return BankClass.LANCAR


def ministry_class_for(days: int, settings: LoanSettings) -> str:
    if days >= settings.ministry_macet_from_days:
        return MinistryClass.MACET
    if days >= settings.ministry_diragukan_from_days:
        return MinistryClass.DIRAGUKAN
    if days >= settings.ministry_kurang_lancar_from_days:
        return MinistryClass.KURANG_LANCAR
    return MinistryClass.LANCAR


def ppap_percent_for(bank_class: str, settings: LoanSettings) -> Decimal:
    """The allowance rate of a bank class (percent of the principal outstanding)."""
    rates: dict[str, Decimal] = {
        BankClass.LANCAR: settings.ppap_lancar_percent,
        BankClass.DPK: settings.ppap_dpk_percent,
        BankClass.KURANG_LANCAR: settings.ppap_kurang_lancar_percent,
        BankClass.DIRAGUKAN: settings.ppap_diragukan_percent,
        BankClass.MACET: settings.ppap_macet_percent,
    }
    return rates[bank_class]


# Every running loan on %(as_of)s with its days past due, both classes and the allowance
# it needs (principal outstanding x the class's rate, rounded half-up to the rupiah as
# money.rupiah.round_rupiah does for positive amounts). One statement for all loans.
_AGED_SQL = """
SELECT a.loan_id, a.officer_id, a.outstanding, a.days,
       CASE WHEN a.days >= %(macet)s THEN 'macet'
            WHEN a.days >= %(diragukan)s THEN 'diragukan'
            WHEN a.days >= %(kurang_lancar)s THEN 'kurang_lancar'
            WHEN a.days >= %(dpk)s THEN 'dpk'
            ELSE 'lancar' END AS bank_class,
       CASE WHEN a.days >= %(m_macet)s THEN 'macet'
            WHEN a.days >= %(m_diragukan)s THEN 'diragukan'
            WHEN a.days >= %(m_kurang_lancar)s THEN 'kurang_lancar'
            ELSE 'lancar' END AS ministry_class,
       round(a.outstanding * (
           CASE WHEN a.days >= %(macet)s THEN %(r_macet)s
                WHEN a.days >= %(diragukan)s THEN %(r_diragukan)s
                WHEN a.days >= %(kurang_lancar)s THEN %(r_kurang_lancar)s
                WHEN a.days >= %(dpk)s THEN %(r_dpk)s
                ELSE %(r_lancar)s END) / 100, 0) AS required
FROM (
    SELECT l.id AS loan_id, l.officer_id, l.principal_outstanding AS outstanding,
           coalesce(%(as_of)s::date - o.oldest, 0) AS days
    FROM {loan} l
    LEFT JOIN (
        SELECT i.loan_id, min(i.due_date) AS oldest
        FROM {instalment} i
        JOIN {schedule} s ON s.id = i.schedule_id AND s.is_current
        WHERE i.settled_on IS NULL AND i.due_date < %(as_of)s
        GROUP BY i.loan_id
    ) o ON o.loan_id = l.id
    WHERE l.status = %(active)s
) a
"""


def aged_sql(settings: LoanSettings, as_of: date) -> tuple[str, dict[str, Any]]:
    """The aging statement and its parameters (shared with the portfolio report)."""
    sql = _AGED_SQL.format(
        loan=Loan._meta.db_table,
        instalment=LoanInstalment._meta.db_table,
        schedule=LoanSchedule._meta.db_table,
    )
    params: dict[str, Any] = {
        "as_of": as_of,
        "active": LoanStatus.ACTIVE,
        "dpk": settings.dpk_from_days,
        "kurang_lancar": settings.kurang_lancar_from_days,
        "diragukan": settings.diragukan_from_days,
        "macet": settings.macet_from_days,
        "m_kurang_lancar": settings.ministry_kurang_lancar_from_days,
        "m_diragukan": settings.ministry_diragukan_from_days,
        "m_macet": settings.ministry_macet_from_days,
        "r_lancar": settings.ppap_lancar_percent,
        "r_dpk": settings.ppap_dpk_percent,
        "r_kurang_lancar": settings.ppap_kurang_lancar_percent,
        "r_diragukan": settings.ppap_diragukan_percent,
        "r_macet": settings.ppap_macet_percent,
    }
    return sql, params


def allowance_booked() -> Decimal:
    """The allowance on the books: account 1105's credit balance."""
    row = (
        AccountBalance.objects.filter(account__code=ALLOWANCE_ACCOUNT)
        .values_list("credit_total", "debit_total")
        .first()
    )
    return (row[0] - row[1]) if row else ZERO


def _as_of_check(as_of: object) -> date:
    today = business_today()
    day = today if as_of is None else as_of
    if not isinstance(day, date) or isinstance(day, datetime):
        raise AgingRefused(_("Enter a date."), code="date_invalid")
    if day > today:
        raise AgingRefused(_("Loans cannot be aged in the future."), code="date_future")
    return day


def loan_aging_run(*, actor: Any = None, as_of: date | None = None) -> LoanAgingRun:
    """Age every running loan as of ``as_of`` (today, Asia/Jakarta, by default) and post
    the change in the loss allowance: debit Beban Penyisihan (5103) / credit Cadangan
    Kerugian Piutang (1105) when more is required than is booked, the reverse when less.

    Once per day: a second run for the same day returns the first (the run's date is
    unique in the database, and the entry's key is the date). A day before the latest
    run is refused. Locks the month's period row (shared) and the balance rows of 1105
    and 5103 before reading the allowance booked; the UPDATE of changed loans waits for
    payments in flight on those loans.
    """
    require_cooperative()
    day = _as_of_check(as_of)
    existing = LoanAgingRun.objects.filter(as_of=day).first()
    if existing is not None:
        return existing
    latest = LoanAgingRun.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    if latest is not None and day < latest:
        raise AgingRefused(
            _("Loans were already aged as of %(date)s; a run cannot go back before it.")
            % {"date": latest.isoformat()},
            code="aging_out_of_order",
        )
    settings = loan_settings()
    try:
        with transaction.atomic():
            # First the run's row: a concurrent run of the same day waits here on the
            # unique date, then fails and returns this one.
            run = LoanAgingRun.objects.create(
                as_of=day,
                loans_count=0,
                outstanding_total=ZERO,
                required_total=ZERO,
                booked_before=ZERO,
                delta=ZERO,
                created_by_id=actor_id(actor),
                created_at=timezone.now(),
            )
            period_lock_for_posting(day)
            balances_lock([ALLOWANCE_ACCOUNT, PROVISION_EXPENSE_ACCOUNT])
            totals = _age(run, settings, day)
            booked = allowance_booked()
            required = totals["required"]
            delta = required - booked
            entry = None
            if delta != 0:
                lines = (
                    [
                        Line(PROVISION_EXPENSE_ACCOUNT, debit=delta),
                        Line(ALLOWANCE_ACCOUNT, credit=delta),
                    ]
                    if delta > 0
                    else [
                        Line(ALLOWANCE_ACCOUNT, debit=-delta),
                        Line(PROVISION_EXPENSE_ACCOUNT, credit=-delta),
                    ]
                )
                entry = journal_post(
                    actor=actor,
                    entry_date=day,
                    description=f"Penyisihan kerugian piutang pinjaman {day.isoformat()}",
                    lines=lines,
                    idempotency_key=f"loans:ppap:{day.isoformat()}",
                    kind="loan_ppap",
                )
            run.loans_count = totals["count"]
            run.outstanding_total = totals["outstanding"]
            run.required_total = required
            run.booked_before = booked
            run.delta = delta
            run.class_totals = totals["classes"]
            run.journal_entry = entry
            run.save(
                update_fields=[
                    "loans_count",
                    "outstanding_total",
                    "required_total",
                    "booked_before",
                    "delta",
                    "class_totals",
                    "journal_entry",
                ]
            )
            audit_record(
                actor=actor,
                action="loans.aging.run",
                obj=run,
                summary=f"aging {day.isoformat()}: {run.loans_count} loans",
                data={
                    "as_of": day.isoformat(),
                    "loans": run.loans_count,
                    "outstanding": f"{run.outstanding_total:.2f}",
                    "required": f"{required:.2f}",
                    "booked_before": f"{booked:.2f}",
                    "delta": f"{delta:.2f}",
                    "journal_entry": entry.pk if entry else None,
                },
            )
    except IntegrityError:
        existing = LoanAgingRun.objects.filter(as_of=day).first()
        if existing is not None:
            return existing
        raise
    return run


def _age(run: LoanAgingRun, settings: LoanSettings, day: date) -> dict[str, Any]:
    """Write the run's lines, update the loans whose aging changed, add up the classes."""
    sql, params = aged_sql(settings, day)
    params["run"] = run.pk
    line = LoanAgingLine._meta.db_table
    loan = Loan._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {line} (run_id, loan_id, days_past_due, bank_class, ministry_class, "
            f"outstanding, required) SELECT %(run)s, loan_id, days, bank_class, ministry_class, "
            f"outstanding, required FROM ({sql}) aged",
            params,
        )
        cur.execute(
            f"UPDATE {loan} l SET days_past_due = x.days_past_due, bank_class = x.bank_class, "
            f"ministry_class = x.ministry_class FROM {line} x WHERE x.run_id = %s "
            "AND x.loan_id = l.id AND (l.days_past_due, l.bank_class, l.ministry_class) "
            "IS DISTINCT FROM (x.days_past_due, x.bank_class, x.ministry_class)",
            [run.pk],
        )
        cur.execute(
            f"SELECT bank_class, ministry_class, count(*), sum(outstanding), sum(required) "
            f"FROM {line} WHERE run_id = %s GROUP BY bank_class, ministry_class",
            [run.pk],
        )
        rows = cur.fetchall()
    classes: dict[str, dict[str, dict[str, Any]]] = {
        "bank": {c: _zero_class() for c in BankClass.values},
        "ministry": {c: _zero_class() for c in MinistryClass.values},
    }
    count, outstanding, required = 0, ZERO, ZERO
    for bank, ministry, n, out, req in rows:
        count += n
        outstanding += out
        required += req
        for scale, name in (("bank", bank), ("ministry", ministry)):
            bucket = classes[scale][name]
            bucket["count"] += n
            bucket["outstanding"] = str(Decimal(bucket["outstanding"]) + out)
            bucket["required"] = str(Decimal(bucket["required"]) + req)
    return {
        "count": count,
        "outstanding": outstanding,
        "required": required.quantize(Decimal("0.01")),
        "classes": classes,
    }


def _zero_class() -> dict[str, Any]:
    return {"count": 0, "outstanding": "0.00", "required": "0.00"}
