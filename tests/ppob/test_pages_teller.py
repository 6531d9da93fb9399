"""The teller's PPOB counter (/staf/kasir/ppob/): a walk-in shopper pays cash at the
non-member price, a member pays at the member price in cash or from savings, bills are
looked up then paid; receipts print (A4 and 58 mm PDFs); bad input shows the service's
message and writes nothing; read-only staff cannot sell; another cooperative's purchase
is 404."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from django.test import Client

from ppob.models import Inquiry, Product, Purchase
from ppob.services.purchases import purchase_submit
from tests.factories import cooperative_ensure, user_make
from tests.memberweb.conftest import pdf_text
from tests.ppob.conftest import (
    OK_NUMBER,
    XL10_MEMBER,
    XL10_NONMEMBER,
    account_now,
    member_account,
)
from tests.ppob.helpers import buy
from tests.ppob.test_api import login
from tests.teller.conftest import media_box_mm

pytestmark = pytest.mark.django_db
BASE = "/staf/kasir/ppob"
METER = "51234567890"


@pytest.fixture
def teller(shop: Any, client_for: Any) -> Client:
    return login(client_for, shop, user_make("ppob-counter", roles={shop: ["kasir"]}))


def text(response: Any) -> str:
    return htmllib.unescape(response.content.decode())


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"(?: value="([^"]*)")?', page)
    assert found, f"the form carries {name}"
    return found.group(1) or ""


def confirmed(teller: Client, sku: str, **fields: str) -> dict[str, str]:
    """The sale's form sent; returns the confirmation's hidden fields."""
    data = {"customer_no": OK_NUMBER, "payment_method": "cash", **fields}
    page = teller.post(f"{BASE}/jual/{sku}/", data)
    assert page.status_code == 200, text(page)[-1500:]
    body = text(page)
    names = ("customer_no", "member_number", "shopper_name", "payment_method", "key")
    return {name: hidden(body, name) for name in names}


def test_the_counter_lists_both_prices(teller):
    index = teller.get(f"{BASE}/")
    category = text(teller.get(f"{BASE}/kategori/pulsa/"))

    assert index.status_code == 200 and 'data-category="pulsa"' in text(index)
    row = re.search(r'data-sku="xl10">(.*?)</tr>', category, re.S)
    assert row and "Rp 12.300" in row.group(1) and "Rp 13.300" in row.group(1)


def test_a_walk_in_shopper_pays_cash_at_the_non_member_price(teller, shop):
    fields = confirmed(teller, "xl10", shopper_name="Bu Tini")

    sold = teller.post(f"{BASE}/jual/xl10/bayar/", fields)
    again = teller.post(f"{BASE}/jual/xl10/bayar/", fields)

    assert sold.status_code == 302 and again["Location"] == sold["Location"]
    purchase = Purchase.objects.get()
    assert (purchase.price, purchase.payment_method, purchase.channel, purchase.shopper_name) == (
        XL10_NONMEMBER,
        "cash",
        "teller",
        "Bu Tini",
    )
    assert purchase.member_number == ""


def test_a_member_pays_from_savings_at_the_member_price(teller, shop, account):
    number = account.member.member_number
    fields = confirmed(teller, "xl10", member_number=number, payment_method="sukarela")

    sold = teller.post(f"{BASE}/jual/xl10/bayar/", fields)

    assert sold.status_code == 302
    purchase = Purchase.objects.get()
    assert (purchase.price, purchase.member_number, purchase.payment_method) == (
        XL10_MEMBER,
        number,
        "sukarela",
    )
    assert account_now(shop, account).reserved == XL10_MEMBER


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"customer_no": "0812 3456 7890"}, "This is a Telkomsel number, not XL."),
        ({"payment_method": "sukarela"}, "Only a member can pay from simpanan sukarela"),
        ({"member_number": "99999999"}, "There is no such member in this cooperative."),
        ({"customer_no": ""}, "This field is required."),
    ],
)
def test_bad_input_shows_the_message_and_writes_nothing(
    teller, shop, nothing_written, fields, message
):
    data = {"customer_no": OK_NUMBER, "payment_method": "cash", **fields}
    with nothing_written(shop):
        page = teller.post(f"{BASE}/jual/xl10/", data)
        sold = teller.post(f"{BASE}/jual/xl10/bayar/", {**data, "key": "web-bad-sale-01"})
    assert page.status_code == 400 and message in text(page)
    assert sold.status_code == 400


def test_savings_short_of_the_price_are_refused_at_the_counter(teller, shop, nothing_written):
    poor = member_account(shop, "1000")
    fields = confirmed(
        teller, "xl10", member_number=poor.member.member_number, payment_method="sukarela"
    )
    with nothing_written(shop):
        sold = teller.post(f"{BASE}/jual/xl10/bayar/", fields)
    assert sold.status_code == 400
    assert "The member's available sukarela balance is not enough." in text(sold)


def test_the_receipt_prints_on_a4_and_on_a_58_mm_roll_with_the_token(teller, shop):
    Product.objects.filter(sku="pln20").update(cutoff_start=None, cutoff_end=None)
    fields = confirmed(teller, "pln20", customer_no=METER)
    sold = teller.post(f"{BASE}/jual/pln20/bayar/", fields)
    purchase = Purchase.objects.get()
    pending = text(teller.get(sold["Location"]))
    assert 'http-equiv="refresh"' in pending

    purchase_submit(purchase_id=purchase.pk)
    page = text(teller.get(sold["Location"]))
    token = re.search(r"data-token>([^<]+)<", page)
    a4 = teller.get(f"{BASE}/struk/{purchase.ref_id}/a4.pdf")
    roll = teller.get(f"{BASE}/struk/{purchase.ref_id}/58mm.pdf")

    assert token and 'http-equiv="refresh"' not in page
    assert a4["Content-Type"] == roll["Content-Type"] == "application/pdf"
    assert round(media_box_mm(a4.content)[0][0]) == 210
    assert round(media_box_mm(roll.content)[0][0]) == 58
    assert token.group(1) in pdf_text(a4.content)
    assert "TOKEN PLN" in pdf_text(roll.content)
    assert teller.get(f"{BASE}/struk/{purchase.ref_id}/a5.pdf").status_code == 404


def test_a_bill_is_looked_up_then_paid_in_cash(teller, shop):
    looked_up = teller.post(
        f"{BASE}/jual/plnpasca/",
        {"customer_no": "512345678901", "payment_method": "cash", "key": "web-counter-bill-1"},
    )
    assert looked_up.status_code == 302
    inquiry = Inquiry.objects.get()
    bill = text(teller.get(looked_up["Location"]))
    assert inquiry.customer_name in bill and inquiry.period in bill

    paid = teller.post(
        f"{BASE}/tagihan/{inquiry.ref_id}/bayar/",
        {"payment_method": "cash", "shopper_name": "Pak Joko", "key": hidden(bill, "key")},
    )

    assert paid.status_code == 302
    purchase = Purchase.objects.get()
    assert (purchase.ref_id, purchase.price, purchase.payment_method) == (
        inquiry.ref_id,
        inquiry.price,
        "cash",
    )
    purchase_submit(purchase_id=purchase.pk)
    receipt = text(teller.get(paid["Location"]))
    assert inquiry.customer_name in receipt and 'data-status="success"' in receipt


def test_read_only_staff_see_but_cannot_sell(shop, client_for, nothing_written):
    supervisor = login(client_for, shop, user_make("ppob-pengawas", roles={shop: ["pengawas"]}))
    with nothing_written(shop):
        assert supervisor.get(f"{BASE}/").status_code == 200
        assert supervisor.post(f"{BASE}/jual/xl10/", {"customer_no": OK_NUMBER}).status_code == 403
        refused = supervisor.post(
            f"{BASE}/jual/xl10/bayar/",
            {"customer_no": OK_NUMBER, "payment_method": "cash", "key": "web-pengawas-01"},
        )
    assert refused.status_code == 403


def test_members_and_strangers_cannot_reach_the_counter(shop, account, client_for):
    from tests.ppob.test_api import linked_user

    member = login(client_for, shop, linked_user(shop, account))
    assert member.get(f"{BASE}/").status_code == 403
    assert client_for(shop).get(f"{BASE}/").status_code == 302


def test_another_cooperatives_purchase_is_not_found(teller, shop):
    alpha = cooperative_ensure("alpha")
    elsewhere = buy(alpha, None, payment="cash").purchase
    here = buy(shop, None, payment="cash").purchase

    assert teller.get(f"{BASE}/struk/{here.ref_id}/").status_code == 200
    assert teller.get(f"{BASE}/struk/{elsewhere.ref_id}/").status_code == 404
    assert teller.get(f"{BASE}/struk/{elsewhere.ref_id}/a4.pdf").status_code == 404
    history = text(teller.get(f"{BASE}/transaksi/"))
    assert here.product_name in history and elsewhere.ref_id not in history


def test_the_desk_links_to_the_counter(teller):
    assert f'href="{BASE}/"' in teller.get("/staf/kasir/").content.decode()
