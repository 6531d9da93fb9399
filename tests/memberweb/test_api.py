"""The member's API: the same numbers as the pages, and only the member's own."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from notary.services import root_publish

from tenants.ledger.chain import chain_seal_pending, day_leaves
from tenants.ledger.hashing import merkle_root, proof_verify
from tenants.ledger.periods import business_today
from tests.memberweb.conftest import account_open, deposit, member_make, wib

API = "/api/anggota/"


def test_balances_history_and_arrears(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        sukarela = account_open(member, "sukarela")
        for _i in range(21):
            deposit(sukarela, "10000")
        deposit(account_open(member, "wajib"), "25000")
    client = member_client()

    balances = client.get(f"{API}saldo/").json()
    history = client.get(f"{API}riwayat/").json()
    page_two = client.get(f"{API}riwayat/?page=2").json()
    arrears = client.get(f"{API}tunggakan-wajib/").json()

    assert {b["kind"]: b["balance"] for b in balances} == {
        "sukarela": "210000.00",
        "wajib": "25000.00",
    }
    assert history["count"] == 22 and len(history["results"]) == 20
    assert len(page_two["results"]) == 2
    assert history["results"][0]["verification"] == "pending"
    assert arrears["paid"] == "25000.00" and arrears["monthly_amount"] == "25000.00"


def test_jasa_for_a_month(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        sukarela = account_open(member, "sukarela")
        deposit(sukarela, "1000000", wib(date(2025, 5, 20)))
        deposit(sukarela, "500000", wib(date(2025, 6, 11), hour=8))
    client = member_client()

    body = client.get(f"{API}jasa/?bulan=2025-06").json()

    assert [(ln["first_day"], ln["days"], ln["balance"]) for ln in body["lines"]] == [
        ("2025-06-01", 10, "1000000.00"),
        ("2025-06-11", 20, "1500000.00"),
    ]
    assert body["total"] == "3287.00"
    assert client.get(f"{API}jasa/?bulan=2025-13").status_code == 400


def test_proof_of_own_entry_verifies_and_another_member_s_is_404(mweb, linked, member_client):
    member, _user = linked
    with tenant_context(mweb):
        mine = deposit(account_open(member, "sukarela"), "100000")
        theirs = deposit(account_open(member_make(), "sukarela"), "200000")
        chain_seal_pending()
        leaves = [digest for _seq, digest in day_leaves(business_today())]
    connection.set_schema_to_public()
    root_publish(
        cooperative=mweb,
        day=business_today(),
        entries_count=len(leaves),
        merkle_root=merkle_root(leaves),
    )
    client = member_client()

    body = client.get(f"{API}bukti/{mine.journal_entry_id}/").json()

    assert body["status"] == "published" and body["verified"] is True
    assert proof_verify(body["entry_hash"], body["path"], body["merkle_root"])
    assert client.get(f"{API}bukti/{theirs.journal_entry_id}/").status_code == 404


@pytest.mark.parametrize("path", ["saldo/", "riwayat/", "tunggakan-wajib/", "jasa/", "bukti/1/"])
def test_staff_only_and_anonymous_are_refused(mweb, alpha_teller, client_for, path):
    from identity.models import CooperativeRole

    CooperativeRole.objects.create(user=alpha_teller, cooperative=mweb, role="kasir")
    assert client_for(mweb, alpha_teller).get(f"{API}{path}").status_code == 403
    assert client_for(mweb).get(f"{API}{path}").status_code in {401, 403}


def test_the_schema_documents_the_movements_and_the_statement():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="federation.urls_tenant").get_schema(request=None, public=True)
    validate_schema(schema)

    assert not [w for w in GENERATOR_STATS._warn_cache if "memberweb" in w]
    history = schema["paths"]["/api/anggota/riwayat/"]["get"]["responses"]["200"]
    assert history["content"]["application/json"]["schema"]["$ref"].endswith("/MovementsPage")
    assert "/api/anggota/laporan/" in schema["paths"]
    movement = schema["components"]["schemas"]["Movement"]["properties"]
    assert {"kind", "description", "amount", "balance_after", "verification", "jasa_month"} <= set(
        movement
    )
