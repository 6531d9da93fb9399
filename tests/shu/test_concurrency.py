"""Two final runs of the same year at once, committed for real (a transactional test in
its own cooperative, "shukonkur"): one distributes, the other is refused, and the ledger
holds one distribution."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tenants.ledger.posting import ledger_check_balances
from tenants.models import JournalEntry, ShuRun, ShuShare
from tenants.savings.selectors import savings_balances_match_ledger
from tenants.shu.exceptions import RunRefused
from tenants.shu.services import shu_run_final
from tests.factories import cooperative_ensure
from tests.rat.test_concurrency import in_threads
from tests.shu.conftest import (
    YEAR,
    account,
    business,
    capital,
    member_make,
    result_post,
    split_make,
    year_close,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_final_runs_at_once_distribute_once() -> None:
    cooperative: Any = cooperative_ensure("shukonkur")
    connection.set_tenant(cooperative)
    members = [member_make(f"Anggota {n}") for n in range(3)]
    for n, member in enumerate(members, start=1):
        capital(member, 300000 * n)
        business(member, 1000000 * n)
        account(member, "sukarela")
    result_post(50000000, 20000000)
    year_close()
    split = split_make()
    connection.set_schema_to_public()

    results = in_threads(
        cooperative, lambda n: shu_run_final(actor=None, year=YEAR, split=split), 2
    )

    connection.set_tenant(cooperative)
    runs = [r for r in results if isinstance(r, ShuRun)]
    refused = [r for r in results if isinstance(r, RunRefused)]
    assert len(runs) == 1 and len(refused) == 1, results
    assert refused[0].code == "run_exists"
    assert ShuRun.objects.count() == 1
    assert ShuShare.objects.count() == 3
    assert JournalEntry.objects.filter(kind="shu_distribution").count() == 1
    assert ledger_check_balances() == []
    assert savings_balances_match_ledger()
