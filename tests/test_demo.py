"""The demo federation that `make run` loads: 17 cooperatives, their people, members with
savings booked through the real services."""

from __future__ import annotations

from demo.federation import PRIMARIES, demo_is_loaded, demo_load
from django_tenants.utils import tenant_context
from identity.models import CooperativeRole
from registry.models import Cooperative

from tenants.models import Member
from tenants.savings.selectors import savings_balances_match_ledger


def test_demo_federation_loads_once_with_members_whose_savings_match_the_ledger(db):
    made = demo_load()
    assert len(made) == 1 + len(PRIMARIES) == 17
    assert demo_is_loaded(with_members=True)
    berbah = Cooperative.objects.get(slug="berbah")
    assert set(
        CooperativeRole.objects.filter(cooperative=berbah).values_list("role", flat=True)
    ) >= {"pengurus", "kasir", "anggota"}
    with tenant_context(berbah):
        assert Member.objects.count() == 10
        assert Member.objects.exclude(user_id=None).count() == 1
        assert savings_balances_match_ledger()
    # loading again changes nothing
    demo_load()
    with tenant_context(berbah):
        assert Member.objects.count() == 10
