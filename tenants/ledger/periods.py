"""Monthly fiscal periods: a closed month accepts no postings (corrections go into an open
month as new entries). A month without a row is open."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from audit.services import audit_record
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.ledger.actors import actor_id
from tenants.ledger.exceptions import LedgerError, PeriodClosed
from tenants.models import FiscalPeriod, PeriodStatus

BUSINESS_TZ = ZoneInfo("Asia/Jakarta")


def business_today() -> date:
    """Today in Asia/Jakarta (WIB), the cooperative's business calendar."""
    return timezone.now().astimezone(BUSINESS_TZ).date()


def business_day_of(instant: datetime) -> date:
    return instant.astimezone(BUSINESS_TZ).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a business day as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=BUSINESS_TZ)


def period_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def period_is_closed(day: date) -> bool:
    """For display; posting re-checks under a lock (period_lock_for_posting)."""
    return FiscalPeriod.objects.filter(
        year=day.year, month=day.month, status=PeriodStatus.CLOSED
    ).exists()


def period_lock_for_posting(day: date) -> None:
    """Hold the month's row FOR SHARE until the posting commits, or refuse a closed month.

    Concurrent postings share the lock; period_close's FOR UPDATE waits for them, and
    postings that come after it see the month closed. The row is made on first use, so a
    close can never slip in between the check and the commit.
    """
    table = FiscalPeriod._meta.db_table
    select = f"SELECT status FROM {table} WHERE year = %s AND month = %s FOR SHARE"
    with connection.cursor() as cur:
        cur.execute(select, [day.year, day.month])
        row = cur.fetchone()
        if row is None:
            cur.execute(
                f"INSERT INTO {table} (year, month, status) VALUES (%s, %s, %s) "
                "ON CONFLICT (year, month) DO NOTHING",
                [day.year, day.month, PeriodStatus.OPEN],
            )
            cur.execute(select, [day.year, day.month])
            row = cur.fetchone()
    if row is None or row[0] != PeriodStatus.OPEN:
        raise PeriodClosed(
            _("The period %(period)s is closed; post the correction in an open period.")
            % {"period": period_label(day.year, day.month)}
        )


def _period_for_update(year: int, month: int) -> FiscalPeriod:
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise LedgerError(_("Choose a valid month."), code="period_invalid")
    period, _created = FiscalPeriod.objects.get_or_create(year=year, month=month)
    return FiscalPeriod.objects.select_for_update().get(pk=period.pk)


def period_close(*, actor: Any, year: int, month: int) -> FiscalPeriod:
    """Close a month that has ended: from now on nothing can be posted into it.

    Takes the month's row FOR UPDATE, so it waits for postings in flight into that month.
    Who may close (the board, pengurus) is checked by the caller's access helper.
    """
    with transaction.atomic():
        period = _period_for_update(year, month)
        label = period_label(year, month)
        if period.status == PeriodStatus.CLOSED:
            raise LedgerError(
                _("The period %(period)s is already closed.") % {"period": label},
                code="period_already_closed",
            )
        next_month = date(year + month // 12, month % 12 + 1, 1)
        if next_month > business_today():
            raise LedgerError(
                _("The period %(period)s has not ended yet.") % {"period": label},
                code="period_not_ended",
            )
        period.status = PeriodStatus.CLOSED
        period.changed_at = timezone.now()
        period.changed_by_id = actor_id(actor)
        period.save(update_fields=["status", "changed_at", "changed_by_id"])
        audit_record(actor=actor, action="ledger.period.close", obj=period, summary=label)
    return period


def period_reopen(*, actor: Any, year: int, month: int, reason: str) -> FiscalPeriod:
    """Reopen a closed month (a board decision, with its reason in the audit log)."""
    if not reason.strip():
        raise LedgerError(
            _("Give a reason for reopening the period."), code="period_reason_required"
        )
    with transaction.atomic():
        period = _period_for_update(year, month)
        label = period_label(year, month)
        if period.status != PeriodStatus.CLOSED:
            raise LedgerError(
                _("The period %(period)s is not closed.") % {"period": label},
                code="period_not_closed",
            )
        period.status = PeriodStatus.OPEN
        period.changed_at = timezone.now()
        period.changed_by_id = actor_id(actor)
        period.save(update_fields=["status", "changed_at", "changed_by_id"])
        audit_record(
            actor=actor,
            action="ledger.period.reopen",
            obj=period,
            summary=f"{label}: {reason.strip()}"[:500],
            data={"reason": reason.strip()},
        )
    return period
