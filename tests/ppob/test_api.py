"""PPOB's API on a cooperative's host (/api/ppob/), as the member's phone, the teller's
screen and the Android app use it: happy paths, permission failures, and bad input as a
clear 400 with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from ppob.models import Purchase
from ppob.services.purchases import purchase_submit
from tenants.memberweb.services import member_user_ensure
from tenants.models import Member
from tests.factories import PASSWORD, user_make
from tests.ppob.conftest import (
    OK_NUMBER,
    XL10_MEMBER,
    XL10_NONMEMBER,
    account_now,
    key,
    member_account,
)

pytestmark = pytest.mark.django_db
API = "/api/ppob"


def login(client_for: Callable[..., Client], coop: Any, user: Any) -> Client:
    client = client_for(coop, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def linked_user(coop: Any, account: Any) -> Any:
    with tenant_context(coop):
        member = Member.objects.get(pk=account.member_id)
        user = member_user_ensure(member=member, cooperative=coop, password=PASSWORD)
    connection.set_schema_to_public()
    return user


@pytest.fixture
def member(shop, account, client_for) -> Client:
    return login(client_for, shop, linked_user(shop, account))


@pytest.fixture
def teller(shop, client_for) -> Client:
    return login(client_for, shop, user_make("ppob-kasir", roles={shop: ["kasir"]}))


def test_a_member_sees_the_catalogue_at_member_prices(member):
    response = member.get(f"{API}/catalogue/", {"category": "pulsa"})

    assert response.status_code == 200
    body = response.json()
    products = {p["sku"]: p for p in body["products"]}
    assert body["tier"] == "member"
    assert products["xl10"]["price"] == f"{XL10_MEMBER}" and products["xl10"]["available"]
    assert "smart20" not in products  # switched off at the seller
    assert {p["category"] for p in body["products"]} == {"pulsa"}
    assert member.get(f"{API}/catalogue/", {"category": "nope"}).status_code == 400


def test_the_teller_sees_non_member_prices_on_request(teller):
    body = teller.get(f"{API}/catalogue/", {"category": "pulsa", "tier": "nonmember"}).json()
    assert {p["sku"]: p["price"] for p in body["products"]}["xl10"] == f"{XL10_NONMEMBER}"


def test_number_check(member):
    bad = member.post(f"{API}/number-check/", {"sku": "xl10", "customer_no": "0812 3456 7890"})
    good = member.post(f"{API}/number-check/", {"sku": "xl10", "customer_no": "+62 878 0000 1230"})
    pln = member.post(
        f"{API}/number-check/", {"sku": "pln20", "customer_no": "51234567890", "lookup": True}
    )

    assert bad.status_code == 400
    assert bad.json() == {"non_field_errors": ["This is a Telkomsel number, not XL."]}
    assert good.json() == {"sku": "xl10", "customer_no": "087800001230", "operator": "XL"}
    assert pln.json()["pln"]["segment_power"] == "R1 /000001300"


def test_a_member_buys_and_follows_the_purchase_to_its_receipt(member, shop, account):
    request = {
        "request_key": key(),
        "sku": "xl10",
        "customer_no": OK_NUMBER,
        "payment_method": "sukarela",
    }

    created = member.post(f"{API}/purchases/", request)
    repeated = member.post(f"{API}/purchases/", request)

    assert (created.status_code, repeated.status_code) == (201, 200)
    body = created.json()
    assert (body["status"], body["price"], body["channel"]) == (
        "pending",
        f"{XL10_MEMBER}",
        "member",
    )
    assert body["member_number"] == account.member.member_number
    assert repeated.json()["reference"] == body["reference"]

    purchase_submit(purchase_id=Purchase.objects.get(ref_id=body["reference"]).pk)
    detail = member.get(f"{API}/purchases/{body['reference']}/").json()
    assert detail["status"] == "success" and detail["receipt"]["sn"].startswith("SB")
    assert [p["reference"] for p in member.get(f"{API}/purchases/").json()["results"]] == [
        body["reference"]
    ]


def test_a_member_buys_a_pln_token_and_sees_it_on_the_receipt(member, settings):
    settings.PPOB_SANDBOX_DELAY_SECONDS = 0
    from ppob.models import Product

    Product.objects.filter(sku="pln20").update(cutoff_start=None, cutoff_end=None)
    request = {
        "request_key": key(),
        "sku": "pln20",
        "customer_no": "51234567890",
        "payment_method": "sukarela",
    }
    reference = member.post(f"{API}/purchases/", request).json()["reference"]
    purchase_submit(purchase_id=Purchase.objects.get(ref_id=reference).pk)

    receipt = member.get(f"{API}/purchases/{reference}/").json()["receipt"]
    assert len(receipt["token"].replace("-", "")) == 20
    assert receipt["sn"].startswith(receipt["token"] + "/")


def test_a_member_pays_only_from_savings_and_only_for_themselves(member, shop, account):
    other = member_account(shop)
    cash = member.post(
        f"{API}/purchases/",
        {"request_key": key(), "sku": "xl10", "customer_no": OK_NUMBER, "payment_method": "cash"},
    )
    for_other = member.post(
        f"{API}/purchases/",
        {
            "request_key": key(),
            "sku": "xl10",
            "customer_no": OK_NUMBER,
            "payment_method": "sukarela",
            "member_number": other.member.member_number,
        },
    )
    assert cash.status_code == 403
    assert for_other.status_code == 201
    assert for_other.json()["member_number"] == account.member.member_number
    assert account_now(shop, other).reserved == 0


def test_the_teller_sells_to_a_shopper_for_cash_and_to_a_member_from_savings(teller, shop, account):
    walk_in = teller.post(
        f"{API}/purchases/",
        {
            "request_key": key(),
            "sku": "xl10",
            "customer_no": OK_NUMBER,
            "payment_method": "cash",
            "shopper_name": "Bu Tini",
        },
    )
    for_member = teller.post(
        f"{API}/purchases/",
        {
            "request_key": key(),
            "sku": "xl10",
            "customer_no": OK_NUMBER,
            "payment_method": "sukarela",
            "member_number": account.member.member_number,
        },
    )
    assert walk_in.status_code == 201 and walk_in.json()["price"] == f"{XL10_NONMEMBER}"
    assert (walk_in.json()["channel"], walk_in.json()["shopper_name"]) == ("teller", "Bu Tini")
    assert for_member.status_code == 201 and for_member.json()["price"] == f"{XL10_MEMBER}"
    assert account_now(shop, account).reserved == XL10_MEMBER
    listed = teller.get(f"{API}/purchases/").json()["results"]
    assert len(listed) == 2


def test_bills_through_the_api(teller, shop):
    inquiry = teller.post(
        f"{API}/inquiries/",
        {"request_key": key(), "sku": "plnpasca", "customer_no": "512345678901"},
    )
    assert inquiry.status_code == 200 and inquiry.json()["status"] == "open"
    paid = teller.post(
        f"{API}/purchases/",
        {"request_key": key(), "inquiry": inquiry.json()["reference"], "payment_method": "cash"},
    )
    assert paid.status_code == 201
    assert paid.json()["reference"] == inquiry.json()["reference"]
    assert paid.json()["receipt"]["customer_name"] == inquiry.json()["customer_name"]


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        (
            {"sku": "xl10", "customer_no": "081234567890", "payment_method": "sukarela"},
            "non_field_errors",
        ),
        ({"sku": "xl10", "payment_method": "sukarela"}, "customer_no"),
        ({"sku": "xl10", "customer_no": OK_NUMBER, "payment_method": "gold"}, "payment_method"),
        (
            {"sku": "xl10", "customer_no": OK_NUMBER, "inquiry": "KFX", "payment_method": "cash"},
            "non_field_errors",
        ),
        (
            {"sku": "smart20", "customer_no": "088812345678", "payment_method": "sukarela"},
            "non_field_errors",
        ),
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_is_written(member, request_body, field):
    before = Purchase.objects.count()
    response = member.post(f"{API}/purchases/", {"request_key": key(), **request_body})
    assert response.status_code == 400
    assert response.json()[field]
    assert Purchase.objects.count() == before


def test_people_without_a_role_here_get_nothing(shop, client_for, beta):
    outsider = login(client_for, shop, user_make("ppob-luar"))
    other_coop = login(client_for, shop, user_make("ppob-beta", roles={beta: ["kasir", "anggota"]}))
    for client in (outsider, other_coop):
        assert client.get(f"{API}/catalogue/").status_code == 403
        assert client.post(f"{API}/purchases/", {"request_key": key()}).status_code == 403
    assert Client(HTTP_HOST=f"{shop.slug}.localhost").get(f"{API}/catalogue/").status_code in (
        401,
        403,
    )


def test_the_supervisor_reads_but_does_not_sell(shop, client_for):
    pengawas = login(client_for, shop, user_make("ppob-pengawas", roles={shop: ["pengawas"]}))
    assert pengawas.get(f"{API}/purchases/").status_code == 200
    response = pengawas.post(
        f"{API}/purchases/",
        {"request_key": key(), "sku": "xl10", "customer_no": OK_NUMBER, "payment_method": "cash"},
    )
    assert response.status_code == 403


def test_a_member_cannot_see_another_members_purchase(member, teller, shop, account):
    other = member_account(shop)
    reference = teller.post(
        f"{API}/purchases/",
        {
            "request_key": key(),
            "sku": "xl10",
            "customer_no": OK_NUMBER,
            "payment_method": "sukarela",
            "member_number": other.member.member_number,
        },
    ).json()["reference"]
    assert member.get(f"{API}/purchases/{reference}/").status_code == 404
    assert teller.get(f"{API}/purchases/{reference}/").status_code == 200


def test_the_openapi_schema_documents_ppob_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="federation.urls_tenant").get_schema(request=None, public=True)
    validate_schema(schema)
    assert {
        f"{API}/catalogue/",
        f"{API}/number-check/",
        f"{API}/inquiries/",
        f"{API}/purchases/",
        f"{API}/purchases/{{reference}}/",
    } <= set(schema["paths"])
    assert not [w for w in GENERATOR_STATS._warn_cache if "ppob" in w]
    assert not [e for e in GENERATOR_STATS._error_cache if "ppob" in e]
