"""Each cooperative's ledger is its own: alpha never sees, reverses or chains beta's rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context
from notary.models import PublishedRoot
from notary.services import GENESIS_ROOT

from tenants.ledger.chain import chain_publish_day, chain_seal_pending
from tenants.ledger.exceptions import LedgerError
from tenants.ledger.periods import business_today, period_close
from tenants.ledger.posting import journal_reverse
from tenants.ledger.reports import trial_balance
from tenants.ledger.verify import ledger_verify
from tenants.models import AccountBalance, JournalEntry
from tests.ledger.conftest import KAS, wib


def test_alphas_ledger_never_sees_betas_rows(alpha, beta, post, seal_at):
    # given: beta posts three entries, alpha one, each sealed and published yesterday
    yesterday = business_today() - timedelta(days=1)
    seal_at(wib(yesterday))
    with tenant_context(beta):
        beta_entries = [post("999000", description=f"Beta {i}") for i in range(3)]
        chain_seal_pending()
        chain_publish_day(cooperative=beta, day=yesterday)
        last_month = business_today().replace(day=1) - timedelta(days=1)
        period_close(actor=None, year=last_month.year, month=last_month.month)
    with tenant_context(alpha):
        mine = post("1000", description="Alpha")
        chain_seal_pending()
        chain_publish_day(cooperative=alpha, day=yesterday)

        # then: alpha's books hold alpha's entry only
        assert list(JournalEntry.objects.values_list("description", flat=True)) == ["Alpha"]
        assert AccountBalance.objects.get(account__code=KAS).debit_total == 1000
        assert trial_balance().total_debit == 1000
        mine.refresh_from_db()
        assert mine.seq == 1  # its own chain, not continuing beta's
        # beta's closed month is not alpha's
        post("1", entry_date=last_month)
        # an entry object of beta's books means nothing here
        with pytest.raises(LedgerError) as foreign:
            journal_reverse(actor=None, entry=beta_entries[0])
        assert foreign.value.code == "entry_foreign"

    # and each has its own chain of published roots
    alpha_root = PublishedRoot.objects.get(cooperative=alpha, day=yesterday)
    beta_root = PublishedRoot.objects.get(cooperative=beta, day=yesterday)
    assert (alpha_root.entries_count, beta_root.entries_count) == (1, 3)
    assert alpha_root.previous_root == beta_root.previous_root == GENESIS_ROOT
    assert alpha_root.merkle_root != beta_root.merkle_root
    assert ledger_verify(alpha).entries_checked == 1
    assert ledger_verify(beta).entries_checked == 3
    assert ledger_verify(alpha).ok and ledger_verify(beta).ok
    with tenant_context(beta):
        assert JournalEntry.objects.count() == 3
        assert AccountBalance.objects.get(account__code=KAS).debit_total == 3 * 999000
