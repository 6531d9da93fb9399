"""Alpha's members are not beta's; member numbers stay unique under concurrent registration."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.members.selectors import member_find_by_nik, member_search
from tenants.models import Member, MemberStatusChange
from tests.members.conftest import make_nik

THREADS = 6
PER_THREAD = 4


@pytest.mark.django_db
def test_alphas_members_are_invisible_from_betas_schema(alpha, beta, register):
    nik = make_nik(date(1980, 5, 17))
    connection.set_tenant(alpha)
    member = register(nik=nik, full_name="Hanya Di Alpha")
    connection.set_tenant(beta)
    assert not Member.objects.filter(full_name="Hanya Di Alpha").exists()
    assert member_find_by_nik(nik) is None
    assert list(member_search("Hanya Di Alpha")) == []
    assert not Member.objects.filter(pk=member.pk, full_name=member.full_name).exists()


@pytest.mark.django_db(transaction=True)
def test_member_numbers_are_unique_under_concurrent_registration(alpha, register):
    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    niks = [[make_nik(date(1980, 5, 17)) for _ in range(PER_THREAD)] for _ in range(THREADS)]

    def worker(n: int) -> None:
        try:
            connection.set_tenant(alpha)  # each thread has its own connection
            barrier.wait()
            for nik in niks[n]:
                numbers.append(register(nik=nik).member_number)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert not errors, errors
        assert len(numbers) == THREADS * PER_THREAD
        assert len(set(numbers)) == len(numbers)
        values = sorted(int(n) for n in numbers)
        assert values == list(range(values[0], values[0] + len(values)))  # no gap
    finally:
        _remove(alpha, numbers)


def _remove(alpha: Any, numbers: list[str]) -> None:
    """A transactional test's rows in a tenant schema are not flushed: remove them (audit
    entries are append-only and stay; they hold no personal data)."""
    with tenant_context(alpha):
        members = Member.objects.filter(member_number__in=numbers)
        MemberStatusChange.objects.filter(member__in=members).delete()
        members.delete()
