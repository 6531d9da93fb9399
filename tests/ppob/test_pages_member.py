"""A member's PPOB pages on the phone (/anggota/ppob/ on their cooperative's host):
category, product, number, confirmation, payment from sukarela, the receipt (a pending
one refreshes itself), bills, the history; bad input shows the service's message and
writes nothing; other people's and other cooperatives' purchases are 404."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from django.test import Client

from ppob.models import Inquiry, Product, Purchase, PurchaseStatus
from ppob.services.purchases import purchase_submit
from tests.factories import cooperative_ensure, user_make
from tests.ppob.conftest import (
    FAIL_NUMBER,
    OK_NUMBER,
    PENDING_OK_NUMBER,
    XL10_MEMBER,
    D,
    account_now,
    member_account,
)
from tests.ppob.helpers import buy, fresh
from tests.ppob.test_api import linked_user, login

pytestmark = pytest.mark.django_db
BASE = "/anggota/ppob"
METER = "51234567890"  # a PLN meter number the sandbox sells to at once
PLN_ID = "512345678901"


@pytest.fixture
def member(shop: Any, account: Any, client_for: Any) -> Client:
    return login(client_for, shop, linked_user(shop, account))


@pytest.fixture
def saver(shop: Any) -> Any:
    """A member with enough for a bill (the sandbox's bills run to Rp 300.000)."""
    return member_account(shop, "1000000")


@pytest.fixture
def payer(shop: Any, saver: Any, client_for: Any) -> Client:
    return login(client_for, shop, linked_user(shop, saver))


def text(response: Any) -> str:
    """The page as the reader sees it (entities unescaped)."""
    return htmllib.unescape(response.content.decode())


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"the form carries {name}"
    return found.group(1)


def confirm(member: Client, sku: str, number: str) -> tuple[Any, str]:
    """The number step; returns the confirmation page and its request key."""
    page = member.post(f"{BASE}/beli/{sku}/", {"customer_no": number})
    assert page.status_code == 200, page.content.decode()[-2000:]
    return page, hidden(page.content.decode(), "key")


def test_the_member_chooses_a_category_and_sees_member_prices(member):
    index = member.get(f"{BASE}/")
    category = member.get(f"{BASE}/kategori/pulsa/")

    assert index.status_code == 200
    assert 'data-category="pulsa"' in index.content.decode()
    assert 'data-category="pln_token"' in index.content.decode()
    html = category.content.decode()
    assert category.status_code == 200
    assert 'data-sku="xl10"' in html and "Rp 12.300" in html
    assert 'data-sku="smart20"' not in html  # switched off at the seller
    assert member.get(f"{BASE}/kategori/nope/").status_code == 404


def test_the_member_buys_pulsa_from_savings_and_follows_it_to_the_receipt(member, shop, account):
    # given the number step and the confirmation
    page, request_key = confirm(member, "xl10", "+62 878 0000 1230")
    html = page.content.decode()
    assert "087800001230" in html and "Rp 12.300" in html and "XL" in html

    # when the member pays, twice (a double tap)
    first = member.post(f"{BASE}/beli/xl10/bayar/", {"customer_no": OK_NUMBER, "key": request_key})
    again = member.post(f"{BASE}/beli/xl10/bayar/", {"customer_no": OK_NUMBER, "key": request_key})

    # then one purchase, held, and its receipt refreshes itself while pending
    assert first.status_code == 302 and again.status_code == 302
    assert first["Location"] == again["Location"]
    purchase = Purchase.objects.get()
    assert (purchase.member_number, purchase.price, purchase.channel) == (
        account.member.member_number,
        XL10_MEMBER,
        "member",
    )
    assert account_now(shop, account).reserved == XL10_MEMBER
    pending = member.get(first["Location"])
    assert pending.status_code == 200
    assert '<meta http-equiv="refresh"' in pending.content.decode()
    assert 'data-status="pending"' in pending.content.decode()

    purchase_submit(purchase_id=purchase.pk)
    done = member.get(first["Location"]).content.decode()
    assert 'data-status="success"' in done and 'http-equiv="refresh"' not in done
    assert fresh(purchase).sn in done
    assert account_now(shop, account).balance == D("100000") - XL10_MEMBER


def test_a_pln_token_shows_the_customer_and_the_token_in_large_digits(member, shop):
    Product.objects.filter(sku="pln20").update(cutoff_start=None, cutoff_end=None)
    page, request_key = confirm(member, "pln20", METER)
    assert "R1 /000001300" in text(page)  # PLN's customer behind the meter

    paid = member.post(f"{BASE}/beli/pln20/bayar/", {"customer_no": METER, "key": request_key})
    purchase_submit(purchase_id=Purchase.objects.get().pk)
    receipt = member.get(paid["Location"]).content.decode()

    token = re.search(r'class="token" data-token>([^<]+)<', receipt)
    assert token and len(token.group(1).replace("-", "")) == 20


@pytest.mark.parametrize(
    ("sku", "number", "message"),
    [
        ("xl10", "0812 3456 7890", "This is a Telkomsel number, not XL."),
        ("xl10", "12345", "A mobile number starts with 08 (or +62) and has 10 to 13 digits."),
        ("pln20", "1234", "A PLN meter number has 11 digits and a PLN customer ID 12 digits."),
    ],
)
def test_a_bad_number_shows_the_services_message_and_writes_nothing(
    member, shop, nothing_written, sku, number, message
):
    Product.objects.filter(sku="pln20").update(cutoff_start=None, cutoff_end=None)
    with nothing_written(shop):
        page = member.post(f"{BASE}/beli/{sku}/", {"customer_no": number})
        paid = member.post(
            f"{BASE}/beli/{sku}/bayar/", {"customer_no": number, "key": "web-bad-number-1"}
        )
    assert page.status_code == 400 and message in text(page)
    assert paid.status_code == 400 and message in text(paid)


def test_not_enough_savings_is_refused_with_nothing_written(shop, client_for, nothing_written):
    poor = member_account(shop, "5000")
    client = login(client_for, shop, linked_user(shop, poor))
    _page, request_key = confirm(client, "xl10", OK_NUMBER)

    with nothing_written(shop):
        paid = client.post(
            f"{BASE}/beli/xl10/bayar/", {"customer_no": OK_NUMBER, "key": request_key}
        )

    assert paid.status_code == 400
    assert "The member's available sukarela balance is not enough." in text(paid)


def test_a_product_not_sold_now_cannot_be_bought(member, shop, nothing_written):
    Product.objects.filter(sku="xl10").update(enabled=False)
    with nothing_written(shop):
        page = member.post(f"{BASE}/beli/xl10/", {"customer_no": OK_NUMBER})
        paid = member.post(
            f"{BASE}/beli/xl10/bayar/", {"customer_no": OK_NUMBER, "key": "web-not-sold-01"}
        )
    assert page.status_code == 400 and "This product is not being sold now." in text(page)
    assert paid.status_code == 400
    assert member.get(f"{BASE}/beli/nope/").status_code == 404


def test_the_member_pays_a_bill_after_seeing_it(payer, shop, saver):
    member, account = payer, saver
    looked_up = member.post(
        f"{BASE}/beli/plnpasca/", {"customer_no": PLN_ID, "key": "web-bill-0001"}
    )
    assert looked_up.status_code == 302
    inquiry = Inquiry.objects.get()
    bill = member.get(looked_up["Location"])
    html = bill.content.decode()
    assert bill.status_code == 200
    for shown in (inquiry.customer_name, inquiry.period, "Rp 2.500"):  # admin fee
        assert shown in html
    assert f"Rp {inquiry.price:,.0f}".replace(",", ".") in html

    paid = member.post(f"{BASE}/tagihan/{inquiry.ref_id}/bayar/", {"key": hidden(html, "key")})
    assert paid.status_code == 302
    purchase = Purchase.objects.get()
    assert (purchase.ref_id, purchase.price) == (inquiry.ref_id, inquiry.price)
    assert account_now(shop, account).reserved == inquiry.price
    # the bill page of a paid inquiry leads to its receipt
    assert member.get(looked_up["Location"])["Location"] == paid["Location"]


def test_a_number_without_a_bill_says_so(member):
    page = member.post(
        f"{BASE}/beli/plnpasca/", {"customer_no": "512345671232", "key": "web-nobill-01"}
    )
    assert page.status_code == 400
    assert "There is no bill to pay for this number yet." in text(page)
    assert not Purchase.objects.exists()


def test_an_expired_bill_cannot_be_paid(payer, shop, nothing_written):
    member = payer
    member.post(f"{BASE}/beli/plnpasca/", {"customer_no": PLN_ID, "key": "web-bill-0002"})
    inquiry = Inquiry.objects.get()
    Inquiry.objects.filter(pk=inquiry.pk).update(valid_until=inquiry.created_at)

    page = member.get(f"{BASE}/tagihan/{inquiry.ref_id}/")
    with nothing_written(shop):
        paid = member.post(f"{BASE}/tagihan/{inquiry.ref_id}/bayar/", {"key": "web-late-0001"})

    assert "This bill check has expired." in text(page)
    assert paid.status_code == 400
    assert "This bill inquiry has expired; look the bill up again." in text(paid)


def test_history_and_receipts_are_the_members_own(member, shop, account, client_for):
    mine = buy(shop, account).purchase
    other = buy(shop, member_account(shop), number=PENDING_OK_NUMBER).purchase
    alpha = cooperative_ensure("alpha")
    elsewhere = buy(alpha, None, payment="cash").purchase

    history = member.get(f"{BASE}/riwayat/").content.decode()

    assert mine.ref_id in history and other.ref_id not in history
    assert member.get(f"{BASE}/struk/{mine.ref_id}/").status_code == 200
    assert member.get(f"{BASE}/struk/{other.ref_id}/").status_code == 404
    assert member.get(f"{BASE}/struk/{elsewhere.ref_id}/").status_code == 404
    assert elsewhere.status == PurchaseStatus.PENDING


def test_a_failed_purchase_says_the_hold_is_released(member, shop, account):
    purchase = buy(shop, account, number=FAIL_NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)

    receipt = member.get(f"{BASE}/struk/{purchase.ref_id}/").content.decode()

    assert 'data-status="failed"' in receipt
    assert "The amount held from the savings is released." in receipt
    assert account_now(shop, account).reserved == 0


def test_only_members_reach_the_member_pages(shop, client_for):
    teller = login(client_for, shop, user_make("ppob-pages-kasir", roles={shop: ["kasir"]}))
    anonymous = client_for(shop)

    assert teller.get(f"{BASE}/").status_code == 403
    assert teller.post(f"{BASE}/beli/xl10/bayar/", {"key": "web-teller-001"}).status_code == 403
    assert anonymous.get(f"{BASE}/").status_code == 302
    assert not Purchase.objects.exists()


def test_the_member_home_links_to_ppob(member):
    assert f'href="{BASE}/"' in member.get("/anggota/").content.decode()
