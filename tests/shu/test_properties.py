"""Properties: the sum of the shares plus the remainder is the pool, exactly, whatever the
pool and the members' weights; the split's parts add up to the SHU exactly; and a final
run through the database keeps both, with the ledger balanced."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tenants.ledger.posting import ledger_check_balances
from tenants.models import ShuPayout, ShuShare, ShuSplitVersion
from tenants.shu.calculation import shares_divide, split_allocate
from tenants.shu.services import shu_run_final
from tests.shu.conftest import (
    YEAR,
    business,
    capital,
    member_make,
    result_post,
    split_make,
    year_close,
)

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=0, max_value=10**15).map(lambda c: Decimal(c).scaleb(-2))
pools = st.integers(min_value=0, max_value=10**13).map(Decimal)


@settings(max_examples=500, deadline=None, database=None)
@given(pool=pools, weights=st.lists(cents, min_size=1, max_size=60))
def test_shares_plus_remainder_is_the_pool(pool: Decimal, weights: list[Decimal]) -> None:
    shares, remainder = shares_divide(pool, weights)
    assert sum(shares, Decimal(0)) + remainder == pool
    assert all(s >= 0 and s == s.to_integral_value() for s in shares)
    assert remainder >= 0
    total = sum(weights, Decimal(0))
    if total > 0:
        # each share loses less than one rupiah to rounding down
        assert remainder < len([w for w in weights if w > 0]) or remainder == 0
        for share, weight in zip(shares, weights, strict=True):
            assert share * total <= pool * weight < (share + 1) * total


def split_percents() -> st.SearchStrategy[dict[str, Decimal]]:
    """Seven parts in hundredths of a percent, the reserves taking the rest of 100."""
    parts = ("jasa_usaha", "jasa_modal", "board", "staff", "education", "social", "other")
    return st.lists(
        st.integers(min_value=0, max_value=2000), min_size=len(parts), max_size=len(parts)
    ).map(
        lambda values: {
            **{p: Decimal(v).scaleb(-2) for p, v in zip(parts, values, strict=True)},
            "reserves": Decimal(10000 - sum(values)).scaleb(-2),
        }
    )


@settings(max_examples=300, deadline=None, database=None)
@given(percents=split_percents(), shu=cents, outside_share=st.integers(0, 100))
def test_the_parts_add_up_to_the_shu(
    percents: dict[str, Decimal], shu: Decimal, outside_share: int
) -> None:
    assume(shu > 0)
    split = ShuSplitVersion(**{f"{p}_percent": v for p, v in percents.items()})
    outside = (shu * outside_share / 100).quantize(Decimal(1), rounding="ROUND_DOWN")
    parts = split_allocate(shu=shu, non_member_part=outside, split=split)
    assert sum((a.total for a in parts.values()), Decimal(0)) == shu
    assert sum((a.non_member_amount for a in parts.values()), Decimal(0)) == outside
    assert parts["jasa_usaha"].non_member_amount == parts["jasa_modal"].non_member_amount == 0
    assert all(a.member_amount >= 0 and a.non_member_amount >= 0 for a in parts.values())
    for part in ("jasa_usaha", "jasa_modal", "board"):
        assert parts[part].member_amount == parts[part].member_amount.to_integral_value()


class Rollback(Exception):
    pass


members_data = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5_000_000_00).map(lambda c: Decimal(c).scaleb(-2)),
        st.integers(min_value=0, max_value=400),  # wajib months of 25.000 on top of pokok
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(members=members_data, income=st.integers(min_value=1, max_value=10**11))
def test_a_final_run_keeps_every_rupiah(books: Any, members: Any, income: int) -> None:
    assume(any(biz > 0 for biz, _months in members))
    try:
        with transaction.atomic():
            for n, (biz, months) in enumerate(members):
                member = member_make(f"Anggota {n}")
                capital(member, 300000 + 25000 * months)
                if biz > 0:
                    business(member, biz)
            result_post(Decimal(income).scaleb(-2), 0)
            year_close()
            run = shu_run_final(actor=None, year=YEAR, split=split_make(), payout=ShuPayout.PAYABLE)
            shares = list(ShuShare.objects.filter(run=run))
            assert sum((s.jasa_usaha for s in shares), Decimal(0)) + run.remainder_usaha == (
                run.jasa_usaha_pool
            )
            assert sum((s.jasa_modal for s in shares), Decimal(0)) + run.remainder_modal == (
                run.jasa_modal_pool
            )
            assert (
                run.reserves
                + run.board
                + run.staff
                + run.education
                + run.social
                + run.other
                + run.jasa_usaha_pool
                + run.jasa_modal_pool
                == run.shu
            )
            assert ledger_check_balances() == []
            raise Rollback
    except Rollback:
        pass
