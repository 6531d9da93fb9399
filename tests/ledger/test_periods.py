"""Fiscal periods: a closed month takes no postings; the board can reopen it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from audit.models import AuditEntry
from django.utils import translation

from tenants.ledger.exceptions import LedgerError, PeriodClosed
from tenants.ledger.periods import (
    business_today,
    period_close,
    period_is_closed,
    period_reopen,
)
from tenants.ledger.posting import journal_reverse
from tenants.models import JournalEntry, PeriodStatus
from tests.factories import user_make


def last_month() -> date:
    return business_today().replace(day=1) - timedelta(days=1)


def test_posting_into_a_closed_month_is_refused_with_a_clear_message(books, post):
    # given
    board = user_make("alpha-board", roles={books: ["pengurus"]})
    day = last_month()
    post("100", entry_date=day)
    period = period_close(actor=board, year=day.year, month=day.month)
    assert period.status == PeriodStatus.CLOSED
    assert period.changed_by_id == board.pk
    count = JournalEntry.objects.count()
    # when / then
    with translation.override("en"), pytest.raises(PeriodClosed) as refused:
        post("100", entry_date=day)
    assert refused.value.messages == [
        f"The period {day:%Y-%m} is closed; post the correction in an open period."
    ]
    assert JournalEntry.objects.count() == count
    assert period_is_closed(day)
    assert AuditEntry.objects.filter(action="ledger.period.close").count() == 1


def test_a_reopened_month_takes_postings_again(books, post):
    day = last_month()
    period_close(actor=None, year=day.year, month=day.month)
    with pytest.raises(LedgerError) as no_reason:
        period_reopen(actor=None, year=day.year, month=day.month, reason=" ")
    assert no_reason.value.code == "period_reason_required"
    period_reopen(actor=None, year=day.year, month=day.month, reason="Koreksi auditor")
    assert post("100", entry_date=day).entry_date == day
    audit = AuditEntry.objects.get(action="ledger.period.reopen")
    assert audit.data == {"reason": "Koreksi auditor"}


def test_an_entry_of_a_closed_month_is_reversed_today(books, post):
    day = last_month()
    entry = post("100", entry_date=day)
    period_close(actor=None, year=day.year, month=day.month)
    reversal = journal_reverse(actor=None, entry=entry)
    assert reversal.entry_date == business_today()
    with pytest.raises(PeriodClosed):
        journal_reverse(actor=None, entry=post("5"), entry_date=day)


@pytest.mark.parametrize(
    "when,code",
    [
        ("this month", "period_not_ended"),
        ("twice", "period_already_closed"),
        ("month 13", "period_invalid"),
    ],
)
def test_close_refusals(books, when, code):
    today = business_today()
    if when == "twice":
        day = last_month()
        period_close(actor=None, year=day.year, month=day.month)
        year, month = day.year, day.month
    elif when == "month 13":
        year, month = today.year - 1, 13
    else:
        year, month = today.year, today.month
    with pytest.raises(LedgerError) as refused:
        period_close(actor=None, year=year, month=month)
    assert refused.value.code == code


def test_reopening_an_open_month_is_refused(books):
    day = last_month()
    with pytest.raises(LedgerError) as refused:
        period_reopen(actor=None, year=day.year, month=day.month, reason="x")
    assert refused.value.code == "period_not_closed"
    assert not period_is_closed(day)
