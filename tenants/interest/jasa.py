"""Monthly jasa on simpanan sukarela: rate a year on the average daily balance, posted at
the end of the month (docs: domain/koperasi.md).

An account's balance history is its savings transactions (by their Asia/Jakarta day) plus
the jasa lines of earlier runs (on the last day of their month): a jasa run credits every
account under one journal entry, and the run's JasaLine rows (with each month's
breakdown) are the credits' record; the member's history shows them as movements
(tenants.interest.selectors).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from money.rupiah import round_rupiah

from tenants.interest.exceptions import JasaRefused
from tenants.ledger.actors import actor_id
from tenants.ledger.periods import business_today, day_bounds, period_is_closed, period_label
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import (
    JasaLine,
    JasaRun,
    JasaRunStatus,
    SavingsAccount,
    SavingsKind,
    SavingsProduct,
    SavingsTransaction,
    SavingsTransactionKind,
)

EXPENSE_ACCOUNT = "5101"  # Beban Jasa Simpanan, in the default chart
DAYS_IN_YEAR = Decimal(365)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
EXACT = Decimal("0.00000001")  # numeric(24, 8) of the run's exact total and remainder
ZERO = Decimal("0.00")

# End-of-day balances of every open sukarela account over the month, collapsed into runs
# of equal balance (gaps and islands). One statement for all accounts.
_RUNS_SQL = """
WITH accts AS (
    SELECT a.id, p.annual_rate_percent AS rate, p.account_code
    FROM {account} a JOIN {product} p ON p.id = a.product_id
    WHERE a.kind = %(kind)s AND a.closed_at IS NULL AND a.id = ANY(%(ids)s)
), moves AS (
    SELECT t.account_id,
           (t.created_at AT TIME ZONE 'Asia/Jakarta')::date AS day,
           CASE WHEN t.kind = %(deposit)s THEN t.amount ELSE -t.amount END AS delta
    FROM {txn} t JOIN accts ON accts.id = t.account_id
    WHERE t.created_at < %(end_ts)s
    UNION ALL
    SELECT l.account_id, r.entry_date, l.amount
    FROM {line} l JOIN {run} r ON r.id = l.run_id JOIN accts ON accts.id = l.account_id
    WHERE r.entry_date < %(start)s
), opening AS (
    SELECT account_id, sum(delta) AS balance FROM moves WHERE day < %(start)s
    GROUP BY account_id
), daily AS (
    SELECT account_id, day, sum(delta) AS delta FROM moves WHERE day >= %(start)s
    GROUP BY account_id, day
), eod AS (
    SELECT g.id, g.day,
           coalesce(o.balance, 0) + sum(coalesce(d.delta, 0))
               OVER (PARTITION BY g.id ORDER BY g.day) AS balance
    FROM (
        SELECT accts.id, s.day::date AS day
        FROM accts CROSS JOIN generate_series(%(start)s::date, %(end)s::date, '1 day') s(day)
    ) g
    LEFT JOIN opening o ON o.account_id = g.id
    LEFT JOIN daily d ON d.account_id = g.id AND d.day = g.day
), islands AS (
    SELECT id, day, balance,
           day - (row_number() OVER (PARTITION BY id, balance ORDER BY day))::int AS grp
    FROM eod
)
SELECT i.id, min(i.day), max(i.day), count(*), i.balance, accts.rate, accts.account_code
FROM islands i JOIN accts ON accts.id = i.id
GROUP BY i.id, i.grp, i.balance, accts.rate, accts.account_code
ORDER BY i.id, min(i.day)
"""


@dataclass
class _Accrual:
    account_id: int
    rate: Decimal
    account_code: str
    breakdown: list[dict[str, Any]]
    balance_days: Decimal = ZERO

    def exact(self) -> Decimal:
        return self.balance_days * self.rate / HUNDRED / DAYS_IN_YEAR


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of the month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _accruals(account_ids: list[int], year: int, month: int) -> list[_Accrual]:
    start, end = month_bounds(year, month)
    end_ts = day_bounds(end)[1]
    sql = _RUNS_SQL.format(
        account=SavingsAccount._meta.db_table,
        product=SavingsProduct._meta.db_table,
        txn=SavingsTransaction._meta.db_table,
        line=JasaLine._meta.db_table,
        run=JasaRun._meta.db_table,
    )
    params: dict[str, Any] = {
        "kind": SavingsKind.SUKARELA,
        "ids": account_ids,
        "deposit": SavingsTransactionKind.DEPOSIT,
        "start": start,
        "end": end,
        "end_ts": end_ts,
    }
    found: dict[int, _Accrual] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for account_id, first, last, days, balance, rate, code in cur.fetchall():
            accrual = found.get(account_id)
            if accrual is None:
                accrual = found[account_id] = _Accrual(account_id, rate, code, [])
            days = Decimal(days)
            accrual.balance_days += balance * days
            jasa = balance * days * rate / HUNDRED / DAYS_IN_YEAR
            accrual.breakdown.append(
                {
                    "from": first.isoformat(),
                    "to": last.isoformat(),
                    "days": int(days),
                    "balance": f"{balance:.2f}",
                    "jasa": f"{jasa.quantize(EXACT, rounding=ROUND_DOWN)}",
                }
            )
    return [a for a in found.values() if a.balance_days > 0]


def _month_check(year: object, month: object) -> tuple[int, int]:
    if (
        not isinstance(year, int)
        or not isinstance(month, int)
        or not (1 <= month <= 12 and 1900 <= year <= 9999)
    ):
        raise JasaRefused(_("Choose a valid month."), code="month_invalid")
    _start, end = month_bounds(year, month)
    if end >= business_today():
        raise JasaRefused(
            _("Jasa for %(period)s can be posted only after the month has ended.")
            % {"period": period_label(year, month)},
            code="month_not_ended",
        )
    if period_is_closed(end):
        raise JasaRefused(
            _("The period %(period)s is closed; jasa can no longer be posted into it.")
            % {"period": period_label(year, month)},
            code="period_closed",
        )
    if JasaRun.objects.filter(Q(year__gt=year) | Q(year=year, month__gt=month)).exists():
        raise JasaRefused(
            _("Jasa for a later month has been posted already; months are posted in order."),
            code="later_run",
        )
    return year, month


def jasa_post_month(*, actor: Any, year: int, month: int) -> JasaRun:
    """Post the month's jasa on every open simpanan sukarela account, once.

    Per account: jasa = sum(end-of-day balance x days) x rate / 365, rounded down to the
    rupiah; the sum of what rounding left over is recorded on the run. One journal entry
    (debit Beban Jasa Simpanan, credit each product's savings account) dated the month's
    last day; each account's balance is credited in the same transaction, so the savings
    balances keep matching the ledger.

    Locks every open sukarela account row FOR UPDATE in id order (as the savings services
    lock one), then the ledger's rows (journal_post): deposits and withdrawals during the
    run wait for it. Running the month again returns the first run; a closed period or a
    month that has not ended is refused (JasaRefused, nothing written).
    """
    require_cooperative()
    year, month = _month_check(year, month)
    existing = JasaRun.objects.filter(year=year, month=month).first()
    if existing is not None:
        return existing
    _start, end = month_bounds(year, month)
    label = period_label(year, month)
    try:
        with transaction.atomic():
            account_ids = list(
                SavingsAccount.objects.select_for_update(of=("self",))
                .filter(kind=SavingsKind.SUKARELA, closed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            # A twin run committed while we waited for the locks.
            existing = JasaRun.objects.filter(year=year, month=month).first()
            if existing is not None:
                return existing
            accruals = _accruals(account_ids, year, month)
            amounts = {a.account_id: round_rupiah(a.exact(), down=True) for a in accruals}
            total_exact = sum((a.exact() for a in accruals), Decimal(0))
            total = sum(amounts.values(), ZERO)
            credits: dict[str, Decimal] = {}
            for accrual in accruals:
                if amounts[accrual.account_id] > 0:
                    credits[accrual.account_code] = (
                        credits.get(accrual.account_code, ZERO) + amounts[accrual.account_id]
                    )
            entry = None
            if total > 0:
                entry = journal_post(
                    actor=actor,
                    entry_date=end,
                    description=f"Jasa simpanan sukarela {label}",
                    lines=[Line(EXPENSE_ACCOUNT, debit=total)]
                    + [Line(code, credit=amount) for code, amount in sorted(credits.items())],
                    idempotency_key=f"jasa:{label}",
                    kind="savings_jasa",
                )
            run = JasaRun.objects.create(
                year=year,
                month=month,
                status=JasaRunStatus.POSTED if entry else JasaRunStatus.EMPTY,
                entry_date=end,
                journal_entry=entry,
                accounts_count=sum(1 for amount in amounts.values() if amount > 0),
                total_amount=total,
                total_exact=total_exact.quantize(EXACT, rounding=ROUND_DOWN),
                remainder=(total_exact - total).quantize(EXACT, rounding=ROUND_DOWN),
                created_by_id=actor_id(actor),
                created_at=timezone.now(),
            )
            days = end.day
            JasaLine.objects.bulk_create(
                [
                    JasaLine(
                        run=run,
                        account_id=a.account_id,
                        average_balance=(a.balance_days / days).quantize(CENT, ROUND_DOWN),
                        days=days,
                        rate_percent=a.rate,
                        balance_days=a.balance_days,
                        amount=amounts[a.account_id],
                        breakdown=a.breakdown,
                    )
                    for a in accruals
                ],
                batch_size=1000,
            )
            _balances_credit({k: v for k, v in amounts.items() if v > 0})
            audit_record(
                actor=actor,
                action="savings.jasa.post",
                obj=run,
                summary=f"Jasa {label}",
                data={
                    "period": label,
                    "accounts": run.accounts_count,
                    "total": f"{total:.2f}",
                    "remainder": f"{run.remainder}",
                    "journal_entry": entry.pk if entry else None,
                },
            )
    except IntegrityError:
        # A twin run committed first (unique month); it is visible now.
        existing = JasaRun.objects.filter(year=year, month=month).first()
        if existing is not None:
            return existing
        raise
    return run


def _balances_credit(amounts: dict[int, Decimal]) -> None:
    """Add each account's jasa to its (locked) balance, in one statement."""
    if not amounts:
        return
    ids = sorted(amounts)
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {SavingsAccount._meta.db_table} a SET balance = a.balance + v.amount "
            "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, amount) WHERE a.id = v.id",
            [ids, [amounts[i] for i in ids]],
        )


def jasa_lines_of(account: SavingsAccount) -> list[JasaLine]:
    """An account's jasa, newest month first, with the runs it was worked out from."""
    return list(
        JasaLine.objects.filter(account=account)
        .select_related("run")
        .order_by("-run__year", "-run__month")
    )
