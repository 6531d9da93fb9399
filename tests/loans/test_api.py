"""The member's loans in the API (/api/anggota/pinjaman/): the products, their loans with
what is due, a loan's schedule with what is paid, and an application from the app; only
the member's own, and only for members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tenants.loans.services import loan_repay
from tenants.models import Loan, LoanStatus
from tests.loans.conftest import D, key, member_make, overdue_by

pytestmark = pytest.mark.django_db

API = "/api/anggota/pinjaman/"


@pytest.fixture
def api_for(pinjam: Any, client_for: Callable[..., Client]) -> Callable[[Any], Any]:
    """A client of the cooperative's API as ``user``; the connection goes back on the
    cooperative's books after each request."""

    class Api:
        def __init__(self, user: Any) -> None:
            self.client = client_for(pinjam, user)
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            connection.set_tenant(pinjam)

        def get(self, url: str) -> Any:
            response = self.client.get(url)
            connection.set_tenant(pinjam)
            return response

        def post(self, url: str, data: dict[str, Any]) -> Any:
            response = self.client.post(url, data, content_type="application/json")
            connection.set_tenant(pinjam)
            return response

    return Api


def test_the_member_lists_their_loans_with_what_is_due(
    books, member_user, teller, active_loan, api_for
):
    me = member_make(user=member_user)
    loan = overdue_by(active_loan(who=me), 0)
    active_loan()  # someone else's
    api = api_for(member_user)

    response = api.get(API)

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body] == [loan.pk]
    item = body[0]
    assert (item["status"], item["amount"], item["principal_outstanding"]) == (
        "active",
        "1200000.00",
        "1200000.00",
    )
    assert item["dues"]["due_now"] == "112000.00"
    assert item["dues"]["next_due_amount"] == "112000.00"


def test_the_schedule_shows_what_is_paid_and_what_is_due(
    books, member_user, teller, active_loan, api_for
):
    me = member_make(user=member_user)
    loan = overdue_by(active_loan(who=me), 0)
    loan_repay(actor=teller, loan=loan, amount=D(112_000), idempotency_key=key("api"))
    api = api_for(member_user)

    body = api.get(f"{API}{loan.pk}/jadwal/").json()

    rows = body["instalments"]
    assert len(rows) == 12 and body["preview"] == []
    assert (rows[0]["state"], rows[0]["paid"], rows[0]["remaining"]) == (
        "paid",
        "112000.00",
        "0.00",
    )
    assert (rows[1]["state"], rows[1]["total"]) == ("upcoming", "112000.00")
    assert body["loan"]["dues"]["due_now"] == "0.00"


def test_the_member_applies_through_the_api_once(books, member_user, api_for, nothing_written):
    me = member_make(user=member_user)
    api = api_for(member_user)
    assert {p["code"] for p in api.get(f"{API}produk/").json()} >= {"umum", "anuitas"}
    data = {
        "product_code": "umum",
        "amount": "2000000",
        "term_months": 10,
        "purpose": "Beli mesin jahit",
        "idempotency_key": key("app"),
    }

    first = api.post(API, data)
    with nothing_written():
        again = api.post(API, data)

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    loan = Loan.objects.get(member=me)
    assert (loan.channel, loan.status, loan.amount) == ("member", LoanStatus.APPLIED, D(2_000_000))
    preview = api.get(f"{API}{loan.pk}/jadwal/").json()["preview"]
    assert len(preview) == 10 and preview[0]["total"] == "220000.00"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": "90000000"}, "amount_out_of_range"),
        ({"term_months": 99}, "term_out_of_range"),
        ({"amount": "6000000"}, "guarantor_required"),
        ({"product_code": "nope"}, "product_unknown"),
    ],
)
def test_a_bad_application_is_refused_with_its_code(
    books, member_user, api_for, nothing_written, change, code
):
    member_make(user=member_user)
    api = api_for(member_user)
    data = {
        "product_code": "umum",
        "amount": "2000000",
        "term_months": 10,
        "purpose": "Modal",
        "idempotency_key": key("bad"),
        **change,
    }
    with nothing_written():
        response = api.post(API, data)
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]


def test_a_key_used_for_another_application_is_a_conflict(
    books, member_user, api_for, nothing_written
):
    member_make(user=member_user)
    api = api_for(member_user)
    data = {
        "product_code": "umum",
        "amount": "2000000",
        "term_months": 10,
        "purpose": "Modal",
        "idempotency_key": key("same"),
    }
    assert api.post(API, data).status_code == 201
    with nothing_written():
        response = api.post(API, {**data, "amount": "3000000"})
    assert response.status_code == 409 and response.json()["code"] == "idempotency_conflict"


def test_only_members_and_only_their_own_loans(
    books, member_user, teller, active_loan, api_for, client_for, pinjam
):
    member_make(user=member_user)
    someone_else = active_loan()
    api = api_for(member_user)
    assert api.get(f"{API}{someone_else.pk}/jadwal/").status_code == 404
    assert api.get(f"{API}{someone_else.pk + 1_000_000}/jadwal/").status_code == 404

    staff = api_for(teller)  # staff, not a member here
    assert staff.get(API).status_code == 403
    assert staff.post(API, {"product_code": "umum"}).status_code == 403
    anonymous = client_for(pinjam).get(API)
    assert anonymous.status_code in (401, 403)


def test_the_schema_describes_the_loan_endpoints(pinjam, client_for, teller):
    response = client_for(pinjam, teller).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/anggota/pinjaman/",
        "/api/anggota/pinjaman/produk/",
        "/api/anggota/pinjaman/{id}/jadwal/",
    } <= set(paths)
    assert "post" in paths["/api/anggota/pinjaman/"]
