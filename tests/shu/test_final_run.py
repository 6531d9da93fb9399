"""The final run: one transaction that posts the distribution and pays the shares; every
refusal clear and with nothing written; the database guards of the split and the run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from audit.models import AuditEntry
from django.db import DatabaseError, connection, transaction

from tenants.ledger.periods import business_today, period_reopen
from tenants.ledger.posting import ledger_check_balances
from tenants.models import (
    AccountBalance,
    CapitalBasis,
    JournalEntry,
    Posting,
    SavingsAccount,
    SavingsTransaction,
    ShuPayout,
    ShuRun,
    ShuShare,
    ShuSplitVersion,
)
from tenants.savings.selectors import savings_balances_match_ledger
from tenants.shu.calculation import shu_simulate
from tenants.shu.exceptions import RunRefused, ShuError, SplitInvalid, SplitLocked, YearNotReady
from tenants.shu.services import shu_run_final
from tenants.shu.splits import shu_split_update
from tests.shu.conftest import (
    YEAR,
    D,
    account,
    business,
    capital,
    member_make,
    result_post,
    split_make,
    year_close,
)

MODELS = (JournalEntry, Posting, ShuRun, ShuShare, SavingsTransaction, AuditEntry)


@contextmanager
def nothing_written() -> Iterator[None]:
    before = [m.objects.count() for m in MODELS]  # type: ignore[attr-defined]
    balances = list(SavingsAccount.objects.order_by("pk").values_list("pk", "balance"))
    yield
    assert [m.objects.count() for m in MODELS] == before  # type: ignore[attr-defined]
    assert list(SavingsAccount.objects.order_by("pk").values_list("pk", "balance")) == balances


def balance(code: str) -> D:
    row = AccountBalance.objects.get(account__code=code)
    return row.credit_total - row.debit_total


def test_final_run_posts_the_distribution_and_pays_into_sukarela(domain_case):
    # given A has a sukarela account, B has none
    sukarela = account(domain_case["a"], "sukarela")
    split = split_make()
    digest = shu_simulate(year=YEAR, split=split).digest
    before = {code: balance(code) for code in ("3106", "3103", "2104", "2105", "2101")}
    # when
    run = shu_run_final(actor=None, year=YEAR, split=split, expected_digest=digest)
    # then the run records the split, the pools and the payout
    assert (run.shu, run.jasa_usaha_pool, run.jasa_modal_pool) == (
        D(60000000),
        D(15000000),
        D(12000000),
    )
    assert run.members_count == 2
    assert run.to_sukarela == D(1240000) and run.to_payable == D(25760000)
    assert run.remainder == 0
    shares = {s.member_id: s for s in ShuShare.objects.filter(run=run)}
    a = shares[domain_case["a"].pk]
    assert (a.business, a.capital, a.jasa_usaha, a.jasa_modal, a.total) == (
        D(5000000),
        D(2000000),
        D(1000000),
        D(240000),
        D(1240000),
    )
    assert a.paid_to == ShuPayout.SUKARELA
    assert shares[domain_case["b"].pk].paid_to == ShuPayout.PAYABLE
    # the distribution entry: debit 3106 with the SHU, credit reserves, funds and 2104
    lines = {
        (p.account.code, p.debit, p.credit)
        for p in Posting.objects.filter(entry=run.journal_entry).select_related("account")
    }
    assert lines == {
        ("3106", D(60000000), 0),
        ("3103", 0, D(24000000)),
        ("2105", 0, D(3000000)),
        ("2106", 0, D(3000000)),
        ("2107", 0, D(1500000)),
        ("2108", 0, D(1500000)),
        ("2104", 0, D(27000000)),
    }
    after = {code: balance(code) for code in before}
    assert after["3106"] - before["3106"] == D(-60000000)
    assert after["3103"] - before["3103"] == D(24000000)
    # A's share moved on from 2104 into A's sukarela; B's stays payable
    assert after["2104"] - before["2104"] == D(25760000)
    assert after["2101"] - before["2101"] == D(1240000)
    sukarela.refresh_from_db()
    assert sukarela.balance == D(1240000)
    assert ledger_check_balances() == []
    assert savings_balances_match_ledger()
    assert AuditEntry.objects.filter(action="shu.run.final", object_id=str(run.pk)).exists()


def test_final_run_to_payable_keeps_every_share_in_2104(domain_case):
    account(domain_case["a"], "sukarela")
    before = balance("2104")
    run = shu_run_final(actor=None, year=YEAR, split=split_make(), payout=ShuPayout.PAYABLE)
    assert run.to_sukarela == 0 and run.to_payable == D(27000000)
    assert balance("2104") - before == D(27000000)
    assert not SavingsTransaction.objects.filter(idempotency_key__startswith="shu-").exists()


def test_remainder_is_booked_to_the_reserves(books):
    members = [member_make(f"Anggota {n}") for n in range(3)]
    for m in members:
        capital(m, 300000)
        business(m, 100000)
    result_post("1000001.50", 0)
    year_close()
    before = balance("3103")
    run = shu_run_final(actor=None, year=YEAR, split=split_make(), payout=ShuPayout.PAYABLE)
    assert run.remainder == D(3)
    assert balance("3103") - before == run.reserves + D(3)
    assert run.jasa_usaha_paid + run.remainder_usaha == run.jasa_usaha_pool


def test_a_second_final_run_is_refused(domain_case):
    split = split_make()
    shu_run_final(actor=None, year=YEAR, split=split)
    with nothing_written(), pytest.raises(RunRefused) as refused:
        shu_run_final(actor=None, year=YEAR, split=split)
    assert refused.value.code == "run_exists"
    assert "already been distributed" in refused.value.messages[0]


def test_a_split_not_approved_is_refused(domain_case):
    split = split_make(approved=False)
    with nothing_written(), pytest.raises(SplitLocked) as refused:
        shu_run_final(actor=None, year=YEAR, split=split)
    assert refused.value.code == "split_not_approved"


def test_a_year_not_closed_is_refused(books):
    a = member_make()
    capital(a, 300000)
    business(a, 1000)
    result_post(1000000, 0)
    year_close(months=range(1, 12))  # December still open
    split = split_make()
    with nothing_written(), pytest.raises(YearNotReady) as refused:
        shu_run_final(actor=None, year=YEAR, split=split)
    assert refused.value.code == "year_not_closed"
    assert "2025-12" in refused.value.messages[0]
    with pytest.raises(YearNotReady):
        shu_simulate(year=YEAR, split=split)


def test_a_reopened_month_is_refused(domain_case):
    split = split_make()
    period_reopen(actor=None, year=YEAR, month=3, reason="Koreksi")
    with nothing_written(), pytest.raises(YearNotReady) as refused:
        shu_run_final(actor=None, year=YEAR, split=split)
    assert "2025-03" in refused.value.messages[0]


def test_a_year_not_over_is_refused(books):
    split = split_make()
    with nothing_written(), pytest.raises(YearNotReady) as refused:
        shu_run_final(actor=None, year=business_today().year, split=split)
    assert refused.value.code == "year_not_over"


def test_a_loss_is_not_distributed(books):
    result_post(1000000, 1500000)
    year_close()
    split = split_make()
    with nothing_written(), pytest.raises(YearNotReady) as refused:
        shu_run_final(actor=None, year=YEAR, split=split)
    assert refused.value.code == "no_shu"


def test_no_member_business_is_refused(books):
    a = member_make()
    capital(a, 300000)
    result_post(1000000, 0)
    year_close()
    split = split_make()
    assert any(
        "jasa usaha pool cannot be divided" in w
        for w in shu_simulate(year=YEAR, split=split).warnings
    )
    with nothing_written(), pytest.raises(RunRefused) as refused:
        shu_run_final(actor=None, year=YEAR, split=split)
    assert refused.value.code == "no_business"


def test_figures_changed_since_the_simulation_are_refused(domain_case):
    split = split_make()
    digest = shu_simulate(year=YEAR, split=split).digest
    business(domain_case["a"], 1000)  # recorded late, dated in the year
    with nothing_written(), pytest.raises(RunRefused) as refused:
        shu_run_final(actor=None, year=YEAR, split=split, expected_digest=digest)
    assert refused.value.code == "digest_changed"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"non_member_income": D(-1)}, "amount_negative"),
        ({"non_member_income": D("0.001")}, "amount_precision"),
        ({"non_member_income": D(100000001)}, "non_member_income_too_large"),
        ({"capital_basis": "median"}, "capital_basis_invalid"),
        ({"payout": "cash"}, "payout_invalid"),
        ({"year": "2025"}, "year_invalid"),
    ],
)
def test_bad_inputs_are_refused(domain_case, changes, code):
    arguments = {"actor": None, "year": YEAR, "split": split_make(), **changes}
    with nothing_written(), pytest.raises(ShuError) as refused:
        shu_run_final(**arguments)
    assert refused.value.code == code
    assert refused.value.messages[0]


@pytest.mark.parametrize(
    ("percents", "code"),
    [
        ({"reserves": D(41)}, "split_not_100"),
        ({"reserves": D(-5), "board": D(50)}, "split_percent_range"),
        ({"reserves": D("40.001"), "social": D("2.499")}, "split_percent_precision"),
        ({"reserves": 40.0}, "split_percent_invalid"),
        ({"bonus": D(1)}, "split_part_unknown"),
    ],
)
def test_a_split_not_adding_to_100_or_malformed_is_refused(books, percents, code):
    from tenants.shu.splits import DEFAULT_SPLIT, shu_split_create

    count = ShuSplitVersion.objects.count()
    with pytest.raises(SplitInvalid) as refused:
        shu_split_create(actor=None, percents={**DEFAULT_SPLIT, **percents})
    assert refused.value.code == code
    assert ShuSplitVersion.objects.count() == count


def test_the_database_refuses_a_split_that_does_not_add_up(books):
    with pytest.raises(DatabaseError, match="shu_split_adds_to_100"), transaction.atomic():
        ShuSplitVersion.objects.create(
            number=999, reserves_percent=D(50), created_at="2026-01-01T00:00Z"
        )


def test_a_used_or_approved_split_is_never_edited_or_deleted(domain_case):
    from tenants.shu.splits import DEFAULT_SPLIT

    split = split_make()
    # approved: the service refuses, and so does the database
    with pytest.raises(SplitLocked):
        shu_split_update(actor=None, version=split, percents=DEFAULT_SPLIT)
    with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
        ShuSplitVersion.objects.filter(pk=split.pk).update(
            reserves_percent=D(30), board_percent=D(15)
        )
    shu_run_final(actor=None, year=YEAR, split=split)
    # past Django's PROTECT: the database itself
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("DELETE FROM shu_split_version WHERE id = %s", [split.pk])
    with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
        ShuSplitVersion.objects.filter(pk=split.pk).update(note="diubah")


def test_a_draft_split_can_be_corrected(books):
    from tenants.shu.splits import DEFAULT_SPLIT

    split = split_make(approved=False)
    changed = shu_split_update(
        actor=None, version=split, percents={**DEFAULT_SPLIT, "reserves": D(35), "social": D("7.5")}
    )
    assert changed.reserves_percent == D(35) and changed.social_percent == D("7.50")


def test_a_final_run_and_its_shares_never_change(domain_case):
    run = shu_run_final(
        actor=None, year=YEAR, split=split_make(), capital_basis=CapitalBasis.AVERAGE
    )
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        ShuShare.objects.filter(run=run).update(paid_to="payable")
    with (
        pytest.raises(DatabaseError, match="never changed"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("DELETE FROM shu_run WHERE id = %s", [run.pk])
