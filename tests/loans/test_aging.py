"""The daily aging: classes at the bucket edges (both scales), the allowance by hand,
posted once per day and back down when less is needed, a constant number of queries, the
portfolio report and the Celery task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.loans.aging import (
    allowance_booked,
    bank_class_for,
    loan_aging_run,
    loan_settings,
    ministry_class_for,
)
from tenants.loans.exceptions import LoanError
from tenants.loans.selectors import npl_health, portfolio_report
from tenants.models import JournalEntry, Loan, LoanAgingLine, LoanAgingRun, LoanSettings
from tenants.tasks_loans import loans_age_today
from tests.interest.conftest import postings
from tests.loans.conftest import D, books_balanced, key, overdue_by

pytestmark = pytest.mark.django_db

EDGES = [
    # days past due, bank class, ministry class, allowance on 1,200,000
    (0, "lancar", "lancar", D(6_000)),  # 0.5 %
    (1, "dpk", "lancar", D(6_000)),  # 0.5 %
    (90, "dpk", "lancar", D(6_000)),
    (91, "kurang_lancar", "kurang_lancar", D(120_000)),  # 10 %
    (120, "kurang_lancar", "kurang_lancar", D(120_000)),
    (121, "diragukan", "diragukan", D(600_000)),  # 50 %
    (180, "diragukan", "diragukan", D(600_000)),
    (181, "macet", "macet", D(1_200_000)),  # 100 %
]


@pytest.mark.parametrize(("days", "bank", "ministry", "required"), EDGES)
def test_classes_by_days_past_due(days, bank, ministry, required):
    settings = LoanSettings()  # the defaults
    assert (bank_class_for(days, settings), ministry_class_for(days, settings)) == (bank, ministry)


def test_aging_at_the_bucket_edges_posts_the_allowance(books, active_loan):
    loans = {days: overdue_by(active_loan(), days) for days, *_ in EDGES}

    run = loan_aging_run(actor=None)

    lines = {line.loan_id: line for line in LoanAgingLine.objects.filter(run=run)}
    for days, bank, ministry, required in EDGES:
        line = lines[loans[days].pk]
        assert (line.days_past_due, line.bank_class, line.ministry_class, line.required) == (
            days,
            bank,
            ministry,
            required,
        ), days
        loan = Loan.objects.get(pk=loans[days].pk)
        assert (loan.days_past_due, loan.bank_class, loan.ministry_class) == (days, bank, ministry)
    total = sum((required for *_, required in EDGES), D(0))
    assert total == D(2_658_000)
    assert (run.loans_count, run.outstanding_total, run.required_total, run.delta) == (
        8,
        D(9_600_000),
        total,
        total,
    )
    assert run.class_totals["bank"]["dpk"] == {
        "count": 2,
        "outstanding": "2400000.00",
        "required": "12000.00",
    }
    assert run.journal_entry is not None
    assert postings(run.journal_entry) == [("5103", total, D(0)), ("1105", D(0), total)]
    assert allowance_booked() == total
    books_balanced()


def test_one_run_a_day(books, active_loan, nothing_written):
    overdue_by(active_loan(), 100)
    first = loan_aging_run(actor=None)
    with nothing_written():
        again = loan_aging_run(actor=None)
    assert again.pk == first.pk
    assert JournalEntry.objects.filter(kind="loan_ppap").count() == 1
    for day, code in (
        (business_today() - timedelta(days=1), "aging_out_of_order"),
        (business_today() + timedelta(days=1), "date_future"),
    ):
        with nothing_written(), pytest.raises(LoanError) as caught:
            loan_aging_run(actor=None, as_of=day)
        assert caught.value.code == code


def test_less_needed_than_booked_releases_the_allowance(books, active_loan):
    active_loan()  # lancar: 6,000 needed
    journal_post(
        actor=None,
        entry_date=business_today(),
        description="Cadangan awal",
        lines=[Line("5103", debit=D(1_000_000)), Line("1105", credit=D(1_000_000))],
        idempotency_key=key("ppap"),
    )

    run = loan_aging_run(actor=None)

    assert (run.booked_before, run.required_total, run.delta) == (
        D(1_000_000),
        D(6_000),
        D(-994_000),
    )
    assert run.journal_entry is not None
    assert postings(run.journal_entry) == [("1105", D(994_000), D(0)), ("5103", D(0), D(994_000))]
    assert allowance_booked() == D(6_000)
    books_balanced()


def test_nothing_to_post_when_booked_equals_required(books):
    run = loan_aging_run(actor=None)  # no loans, nothing booked
    assert (run.loans_count, run.delta, run.journal_entry) == (0, 0, None)


def test_the_buckets_and_rates_are_settings(books, active_loan):
    LoanSettings.objects.filter(pk=1).update(
        dpk_from_days=8,
        kurang_lancar_from_days=31,
        diragukan_from_days=61,
        macet_from_days=91,
        ministry_kurang_lancar_from_days=31,
        ministry_diragukan_from_days=61,
        ministry_macet_from_days=91,
        ppap_lancar_percent=D(1),
        ppap_kurang_lancar_percent=D(15),
    )
    loans = [overdue_by(active_loan(), days) for days in (7, 31, 95)]
    run = loan_aging_run(actor=None)
    classes = dict(LoanAgingLine.objects.filter(run=run).values_list("loan_id", "bank_class"))
    assert [classes[loan.pk] for loan in loans] == ["lancar", "kurang_lancar", "macet"]
    # 1 % of 1,200,000 + 15 % + 100 %
    assert run.required_total == D(12_000) + D(180_000) + D(1_200_000)
    assert loan_settings().macet_from_days == 91


def test_aging_costs_the_same_queries_for_two_loans_or_six(books, active_loan):
    class Undo(Exception):
        pass

    def queries_for_a_run() -> int:
        """A run's queries, then the run undone (one run a day)."""
        with pytest.raises(Undo), transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                loan_aging_run(actor=None)
            raise Undo
        return len(captured.captured_queries)

    for days in (0, 95):
        overdue_by(active_loan(), days)
    two = queries_for_a_run()
    for days in (1, 40, 130, 200):
        overdue_by(active_loan(), days)
    six = queries_for_a_run()
    assert two == six


def test_portfolio_par_npl_and_health_per_officer(books, active_loan, manager):
    for days in (0, 45):
        overdue_by(active_loan(), days)
    for days in (75, 100):
        overdue_by(active_loan(officer_id=manager.pk), days)

    report = portfolio_report()

    total = report.total
    assert (total.loans, total.outstanding) == (4, D(4_800_000))
    assert (total.par30, total.par60, total.par90) == (D(3_600_000), D(2_400_000), D(1_200_000))
    assert (total.par30_percent, total.par60_percent, total.par90_percent) == (
        D(75),
        D(50),
        D(25),
    )
    assert (total.problem, total.npl_percent) == (D(1_200_000), D(25))
    assert report.health == "tidak_sehat"
    # 45 and 75 days are DPK (0.5 %), 100 days kurang lancar (10 %)
    assert total.required_allowance == D(6_000) * 3 + D(120_000)
    assert total.bank_classes["dpk"] == D(2_400_000)
    by_officer = {line.officer_id: line for line in report.officers}
    assert by_officer[manager.pk].loans == 2
    assert by_officer[manager.pk].par90 == D(1_200_000)
    assert sum(line.outstanding for line in report.officers) == total.outstanding


@pytest.mark.parametrize(
    ("npl", "band"),
    [
        ("0", "sehat"),
        ("5", "sehat"),
        ("5.01", "cukup_sehat"),
        ("10", "cukup_sehat"),
        ("15", "kurang_sehat"),
        ("15.01", "tidak_sehat"),
    ],
)
def test_the_ministrys_health_bands(npl, band):
    assert npl_health(D(npl), LoanSettings()) == band


def test_the_daily_task_ages_the_current_cooperative(books, active_loan):
    overdue_by(active_loan(), 100)
    run_id = loans_age_today()
    assert LoanAgingRun.objects.get(pk=run_id).loans_count == 1
    assert loans_age_today() == run_id  # a second delivery changes nothing
    connection.set_schema_to_public()
    assert loans_age_today() is None


def test_beat_runs_the_aging_in_every_cooperative_daily():
    from django.conf import settings
    from federation import celery_app

    import tenants.tasks  # noqa: F401  (registers the books' tasks)

    entry = settings.CELERY_BEAT_SCHEDULE["loans-age-today"]
    assert entry["task"] == "scheduling.tasks.for_each_cooperative"
    assert entry["kwargs"] == {"task_name": "tenants.tasks.loans_age_today"}
    assert "tenants.tasks.loans_age_today" in celery_app.tasks
