"""The demo federation that `make run` loads: 17 cooperatives, their people, members with
savings booked through the real services."""

from __future__ import annotations

from demo.federation import PRIMARIES, demo_is_loaded, demo_load
from django_tenants.utils import tenant_context
from identity.models import CooperativeRole
from registry.models import Cooperative

from tenants.ledger.posting import ledger_check_balances
from tenants.models import JasaRun, Member, SavingsTransaction
from tenants.savings.selectors import savings_balances_match_ledger


def test_demo_federation_loads_once_with_members_whose_savings_match_the_ledger(db):
    made = demo_load(members=16 * 12, months=2)
    assert len(made) == 1 + len(PRIMARIES) == 17
    assert demo_is_loaded(with_members=True)
    berbah = Cooperative.objects.get(slug="berbah")
    assert set(
        CooperativeRole.objects.filter(cooperative=berbah).values_list("role", flat=True)
    ) >= {"pengurus", "kasir", "anggota"}
    with tenant_context(berbah):
        count = Member.objects.count()
        assert count >= 10
        assert Member.objects.exclude(user_id=None).count() == 1
        assert savings_balances_match_ledger()
        assert ledger_check_balances() == []
        # two months of history: opening balances, then each month's wajib and jasa
        assert JasaRun.objects.count() == 2
        assert SavingsTransaction.objects.filter(account__kind="wajib").count() > count * 2
    # loading again changes nothing
    demo_load(members=16 * 12, months=2)
    with tenant_context(berbah):
        assert Member.objects.count() == count
