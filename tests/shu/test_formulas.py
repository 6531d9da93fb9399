"""Every SHU formula against hand-computed cases (docs/decisions/0011-shu.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from tenants.models import CapitalBasis, ShuPayout
from tenants.shu.calculation import mul_div_floor, shares_divide, shu_simulate, split_allocate
from tests.shu.conftest import (
    YEAR,
    D,
    business,
    capital,
    member_make,
    result_post,
    save,
    split_make,
    year_close,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the services' messages in English (the msgids); the catalog
    would give Indonesian, the site's default."""
    with translation.override("en"):
        yield


def rows_by_name(dist):
    return {r.full_name: r for r in dist.rows}


def test_the_domain_notes_check(domain_case):
    # given SHU 60m, JUA 25%, JMA 20%; A: 5m of 75m business, 2m of 100m capital
    split = split_make()
    # when
    dist = shu_simulate(year=YEAR, split=split)
    # then
    assert dist.shu == D(60000000)
    assert dist.jasa_usaha_pool == D(15000000)  # 60m x 25%
    assert dist.jasa_modal_pool == D(12000000)  # 60m x 20%
    a = rows_by_name(dist)["Ani"]
    assert (a.business, a.capital) == (D(5000000), D(2000000))
    assert a.jasa_usaha == D(1000000)  # 15m x 5m / 75m
    assert a.jasa_modal == D(240000)  # 12m x 2m / 100m
    assert a.total == D(1240000)
    b = rows_by_name(dist)["Bambang"]
    assert (b.jasa_usaha, b.jasa_modal) == (D(14000000), D(11760000))
    assert dist.remainder == 0
    assert dist.business_total == D(75000000) and dist.capital_total == D(100000000)


def test_the_split_of_the_shu(domain_case):
    dist = shu_simulate(year=YEAR, split=split_make())
    expected = {
        "reserves": D(24000000),  # 40%
        "jasa_usaha": D(15000000),
        "jasa_modal": D(12000000),
        "board": D(3000000),  # 5%
        "staff": D(3000000),
        "education": D(1500000),  # 2.5%
        "social": D(1500000),
        "other": D(0),
    }
    assert {part: a.total for part, a in dist.allocations.items()} == expected
    assert sum(a.total for a in dist.allocations.values()) == dist.shu


def test_shares_are_rounded_down_and_the_remainder_kept(books):
    # given 100 to share between three equal weights
    shares, remainder = shares_divide(D(100), [D(1), D(1), D(1)])
    # then 33 each and 1 left
    assert shares == [D(33), D(33), D(33)]
    assert remainder == D(1)


def test_mul_div_floor_is_exact_where_decimal_would_round():
    # 10^15 x 999999999999999.99 / 3 has 33 digits: beyond Decimal's 28-digit context
    a, b, c = D("1000000000000000"), D("999999999999999.99"), D(3)
    assert mul_div_floor(a, b, c) == D("333333333333333330000000000000")
    assert mul_div_floor(D(7), D(1), D(2)) == D(3)
    assert mul_div_floor(D("0.99"), D(1), D(1)) == D(0)


def test_rounding_remainders_go_to_the_reserves_and_add_up(books):
    # given SHU 1.000.001,50 and three members with equal business and capital
    members = [member_make(f"Anggota {n}") for n in range(3)]
    for m in members:
        capital(m, 300000)
        business(m, 100000)
    result_post("1000001.50", 0)
    year_close()
    # when
    dist = shu_simulate(year=YEAR, split=split_make())
    # then jasa usaha pool = floor(1.000.001,50 x 25%) = 250.000; each 83.333, 1 left
    assert dist.jasa_usaha_pool == D(250000)
    assert {r.jasa_usaha for r in dist.rows} == {D(83333)}
    assert dist.remainder_usaha == D(1)
    # jasa modal pool = floor(1.000.001,50 x 20%) = 200.000; each 66.666, 2 left
    assert {r.jasa_modal for r in dist.rows} == {D(66666)}
    assert dist.remainder_modal == D(2)
    # the reserves absorb the parts' rounding and the cents: 40% + what the others left
    parts = {p: a.total for p, a in dist.allocations.items()}
    assert parts["board"] == D(50000) and parts["education"] == D(25000)
    assert parts["reserves"] == D("1000001.50") - sum(
        v for p, v in parts.items() if p != "reserves"
    )
    assert parts["reserves"] == D("400001.50")


def test_average_balance_basis(books):
    # given C: pokok 300.000 before the year and wajib 1.825.000 on 2 July (183 days);
    # D: pokok 300.000 on 31 December (1 day)
    c, d = member_make("Citra"), member_make("Dewi", sex="female")
    save(c, "pokok", 300000, date(YEAR - 1, 12, 1))
    save(c, "wajib", 1825000, date(YEAR, 7, 2))
    save(d, "pokok", 300000, date(YEAR, 12, 31))
    business(c, 100000)
    result_post(10000000, 0)
    year_close()
    # when
    dist = shu_simulate(year=YEAR, split=split_make(), capital_basis=CapitalBasis.AVERAGE)
    year_end = shu_simulate(year=YEAR, split=split_make(), capital_basis=CapitalBasis.YEAR_END)
    # then averages: 300.000 + 1.825.000 x 183 / 365 = 1.215.000; 300.000 / 365 = 821,92
    rows = rows_by_name(dist)
    assert rows["Citra"].capital == D(1215000)
    assert rows["Dewi"].capital == D("821.92")
    assert dist.capital_total == D("1215821.92")
    # jasa modal pool 2.000.000: 2.000.000 x 1.215.000 / 1.215.821,92 = 1.998.647,96
    assert rows["Citra"].jasa_modal == D(1998647)
    assert rows["Dewi"].jasa_modal == D(1352)  # 2.000.000 x 821,92 / 1.215.821,92 = 1.352,04
    assert dist.remainder_modal == D(1)
    assert rows["Citra"].jasa_modal + rows["Dewi"].jasa_modal + dist.remainder_modal == D(2000000)
    # the year-end basis counts the full balances instead
    rows = rows_by_name(year_end)
    assert (rows["Citra"].capital, rows["Dewi"].capital) == (D(2125000), D(300000))


def test_business_outside_the_year_and_applicants_are_not_counted(books):
    a, b = member_make("Ani"), member_make("Bambang")
    applicant = member_make("Calon", status="applicant")
    capital(a, 300000)
    business(a, 1000, day=date(YEAR, 1, 1))
    business(a, 2000, day=date(YEAR, 12, 31))
    business(b, 5000, day=date(YEAR - 1, 12, 31))  # last year: not counted
    business(b, 7000, day=date(YEAR + 1, 1, 1))  # next year: not counted
    del applicant
    result_post(1000000, 0)
    year_close()
    dist = shu_simulate(year=YEAR, split=split_make())
    assert [r.full_name for r in dist.rows] == ["Ani"]
    assert dist.business_total == D(3000)


def test_the_non_member_part_goes_to_reserves_and_funds_only(domain_case):
    # given a quarter of the year's income (25.000.000 of 100.000.000) from non-members
    dist = shu_simulate(year=YEAR, split=split_make(), non_member_income=D(25000000))
    # then 15.000.000 of the 60.000.000 SHU is the non-members' part
    assert dist.non_member_part == D(15000000)
    assert dist.member_part == D(45000000)
    # members' pools come from the members' part only: 45m x 25% and 45m x 20%
    assert dist.jasa_usaha_pool == D(11250000)
    assert dist.jasa_modal_pool == D(9000000)
    # the non-members' part goes to reserves and funds in their proportions (40:5:5:2.5:2.5)
    outside = {p: a.non_member_amount for p, a in dist.allocations.items()}
    assert outside["jasa_usaha"] == outside["jasa_modal"] == 0
    assert outside["board"] == D(1363636)  # 15m x 5 / 55, rounded down
    assert outside["education"] == D(681818)  # 15m x 2,5 / 55
    assert sum(outside.values()) == D(15000000)
    assert sum(a.total for a in dist.allocations.values()) == dist.shu
    a = rows_by_name(dist)["Ani"]
    assert a.jasa_usaha == D(750000)  # 11.25m x 5 / 75
    assert a.jasa_modal == D(180000)  # 9m x 2 / 100


def test_members_who_left_or_have_no_sukarela_are_paid_as_payable(domain_case):
    from tests.shu.conftest import account

    account(domain_case["a"], "sukarela")
    dist = shu_simulate(year=YEAR, split=split_make(), payout=ShuPayout.SUKARELA)
    rows = rows_by_name(dist)
    assert rows["Ani"].paid_to == ShuPayout.SUKARELA
    assert rows["Bambang"].paid_to == ShuPayout.PAYABLE  # no sukarela account
    assert any("no open simpanan sukarela" in w for w in dist.warnings)
    payable = shu_simulate(year=YEAR, split=split_make(), payout=ShuPayout.PAYABLE)
    assert {r.paid_to for r in payable.rows} == {ShuPayout.PAYABLE}


def test_split_allocate_with_no_fund_percentages_puts_the_outside_part_in_reserves(books):
    split = split_make(
        approved=False,
        reserves=0,
        jasa_usaha=60,
        jasa_modal=40,
        board=0,
        staff=0,
        education=0,
        social=0,
    )
    parts = split_allocate(shu=D(1000), non_member_part=D(100), split=split)
    assert parts["reserves"].non_member_amount == D(100)
    assert parts["jasa_usaha"].member_amount == D(540)
    assert parts["jasa_modal"].member_amount == D(360)


@pytest.mark.parametrize("basis", [CapitalBasis.YEAR_END, CapitalBasis.AVERAGE])
def test_the_simulation_writes_nothing(domain_case, basis):
    from audit.models import AuditEntry

    from tenants.models import JournalEntry, ShuRun, ShuShare

    before = [m.objects.count() for m in (JournalEntry, ShuRun, ShuShare, AuditEntry)]
    split = split_make()
    before = [m.objects.count() for m in (JournalEntry, ShuRun, ShuShare, AuditEntry)]
    shu_simulate(year=YEAR, split=split, capital_basis=basis)
    assert [m.objects.count() for m in (JournalEntry, ShuRun, ShuShare, AuditEntry)] == before


def test_decimal_only():
    with pytest.raises(ValueError):
        mul_div_floor(D(1), D(1), D(0))
    assert isinstance(shares_divide(D(10), [D(1)])[0][0], Decimal)
