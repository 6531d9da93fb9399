"""The head office's PPOB console (/kantor/ppob/ on the bare domain): every page for
every head-office role, changes only for the writing roles, nothing for cooperatives'
staff; the catalogue's filters, margin rules and their price history, live purchases,
the pending list and the review queue with every exchange and the decision, the deposit,
the daily reconciliation and sales by cooperative and category with their Excel files."""

from __future__ import annotations

import html as htmllib
import io
import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ppob.models import (
    DepositSnapshot,
    MarginRule,
    PriceChange,
    Product,
    ProviderEvent,
    Purchase,
    PurchaseStatus,
    ReviewItem,
    ReviewReason,
)
from ppob.services.purchases import purchase_submit
from ppob.services.review import review_add
from tests.factories import user_make
from tests.ppob.conftest import (
    FAIL_NUMBER,
    PENDING_OK_NUMBER,
    XL10_MEMBER,
    XL10_NONMEMBER,
    D,
    account_now,
)
from tests.ppob.helpers import buy, fresh

pytestmark = pytest.mark.django_db
BASE = "/kantor/ppob"
WIB = ZoneInfo("Asia/Jakarta")
DAY = date(2024, 3, 14)  # a day no other test's purchases fall on


def console(client_for: Any, role: str) -> Client:
    client = client_for(None, user_make(f"ppob-ho-{role}", head_office_role=role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def admin(shop: Any, client_for: Any) -> Client:
    return console(client_for, "admin")


@pytest.fixture
def auditor(shop: Any, client_for: Any) -> Client:
    return console(client_for, "auditor")


def text(response: Any) -> str:
    return htmllib.unescape(response.content.decode())


def on_day(purchase: Purchase, day: date = DAY, hour: int = 10) -> Purchase:
    """Move a purchase (and its settlement) to ``day``: the reports read by day."""
    moment = datetime.combine(day, time(hour), tzinfo=WIB)
    fields: dict[str, Any] = {"created_at": moment}
    if purchase.settled_at is not None or fresh(purchase).settled_at is not None:
        fields["settled_at"] = moment
    Purchase.objects.filter(pk=purchase.pk).update(**fields)
    return fresh(purchase)


def settled(shop: Any, account: Any = None, **kwargs: Any) -> Purchase:
    purchase = buy(shop, account, **kwargs).purchase
    purchase_submit(purchase_id=purchase.pk)
    return fresh(purchase)


def pending_in_review(shop: Any, account: Any) -> tuple[Purchase, ReviewItem]:
    purchase = buy(shop, account, number=PENDING_OK_NUMBER).purchase
    purchase_submit(purchase_id=purchase.pk)
    assert fresh(purchase).status == PurchaseStatus.PENDING
    item = review_add(purchase_id=purchase.pk, reason=ReviewReason.AGE_LIMIT, detail={"rc": "03"})
    return fresh(purchase), item


# --- access ----------------------------------------------------------------------------------


def pages(shop: Any, account: Any) -> list[str]:
    purchase, item = pending_in_review(shop, account)
    product = Product.objects.get(sku="xl10")
    return [
        f"{BASE}/",
        f"{BASE}/katalog/",
        f"{BASE}/katalog/?category=pulsa&brand=XL&status=sold",
        f"{BASE}/katalog/{product.pk}/",
        f"{BASE}/margin/",
        f"{BASE}/harga/?sku=xl10",
        f"{BASE}/transaksi/",
        f"{BASE}/transaksi/?status=pending",
        f"{BASE}/transaksi/{purchase.ref_id}/",
        f"{BASE}/tertunda/",
        f"{BASE}/tinjauan/",
        f"{BASE}/tinjauan/{item.pk}/",
        f"{BASE}/deposit/",
        f"{BASE}/rekonsiliasi/",
        f"{BASE}/rekonsiliasi/?tanggal=2024-03-14",
        f"{BASE}/penjualan/",
        f"{BASE}/penjualan/?dari=2024-03-01&sampai=2024-03-31",
    ]


@pytest.mark.parametrize("role", ["admin", "operator", "auditor"])
def test_every_head_office_role_reads_every_page(shop, account, client_for, role):
    client = console(client_for, role)
    for url in pages(shop, account):
        assert client.get(url).status_code == 200, url


def test_cooperatives_staff_and_strangers_cannot_reach_the_console(
    shop, account, client_for, nothing_written
):
    urls = pages(shop, account)
    board = user_make("ppob-board", roles={shop: ["pengurus", "anggota"]})
    on_bare_domain = client_for(None, board)
    on_their_host = client_for(shop, board)
    anonymous = client_for(None)
    for url in urls:
        assert on_bare_domain.get(url).status_code == 403, url
        assert on_their_host.get(url).status_code == 404, url
        assert anonymous.get(url).status_code == 302, url
    with nothing_written(shop):
        assert on_bare_domain.post(f"{BASE}/deposit/perbarui/").status_code == 403
        assert on_bare_domain.post(f"{BASE}/margin/", {"kind": "flat"}).status_code == 403


def test_the_auditor_reads_but_changes_nothing(shop, account, auditor):
    purchase, item = pending_in_review(shop, account)
    rule = MarginRule.objects.get(category="", brand="", sku="")
    product = Product.objects.get(sku="xl10")
    before = (
        MarginRule.objects.count(),
        PriceChange.objects.count(),
        DepositSnapshot.objects.count(),
    )
    margin = {"kind": "flat", "member_value": "9000", "nonmember_value": "9000"}
    assert auditor.post(f"{BASE}/margin/", margin).status_code == 403
    assert auditor.post(f"{BASE}/margin/{rule.pk}/hapus/").status_code == 403
    assert auditor.post(f"{BASE}/katalog/sinkron/").status_code == 403
    assert auditor.post(f"{BASE}/katalog/{product.pk}/jual/", {"enabled": "0"}).status_code == 403
    assert auditor.post(f"{BASE}/deposit/perbarui/").status_code == 403
    decision = {"resolution": "failed", "note": "the dashboard says failed"}
    assert auditor.post(f"{BASE}/tinjauan/{item.pk}/", decision).status_code == 403
    assert (
        MarginRule.objects.count(),
        PriceChange.objects.count(),
        DepositSnapshot.objects.count(),
    ) == before
    assert fresh(purchase).status == PurchaseStatus.PENDING
    assert Product.objects.get(sku="xl10").enabled
    page = text(auditor.get(f"{BASE}/margin/"))
    assert "Save and reprice" not in page


# --- catalogue and margins ---------------------------------------------------------------------


def skus(page: str) -> set[str]:
    return set(re.findall(r'<tr data-sku="([^"]+)"', page))


def test_the_catalogue_filters_by_category_brand_and_status(admin):
    xl_pulsa = skus(text(admin.get(f"{BASE}/katalog/", {"category": "pulsa", "brand": "xl"})))
    inactive = skus(text(admin.get(f"{BASE}/katalog/", {"status": "provider_off"})))
    bills = skus(text(admin.get(f"{BASE}/katalog/", {"category": "pln_postpaid"})))

    assert xl_pulsa == {"xl5", "xl10", "xl25", "xl50"}
    assert inactive == {"smart20"}
    assert bills == {"plnpasca"}


def test_switching_a_product_off_and_on(admin):
    product = Product.objects.get(sku="xl10")

    off = admin.post(f"{BASE}/katalog/{product.pk}/jual/", {"enabled": "0"})
    listed = skus(text(admin.get(f"{BASE}/katalog/", {"status": "off"})))
    on = admin.post(f"{BASE}/katalog/{product.pk}/jual/", {"enabled": "1"})

    assert off.status_code == on.status_code == 302
    assert listed == {"xl10"}
    assert Product.objects.get(pk=product.pk).enabled


def test_a_brand_margin_reprices_and_is_kept_in_the_history(admin):
    saved = admin.post(
        f"{BASE}/margin/",
        {
            "category": "pulsa",
            "brand": "XL",
            "sku": "",
            "kind": "flat",
            "member_value": "2.000",
            "nonmember_value": "3000",
        },
    )

    assert saved.status_code == 302
    xl10 = Product.objects.get(sku="xl10")
    assert (xl10.price_member, xl10.price_nonmember) == (D("12800.00"), D("13800.00"))
    change = PriceChange.objects.filter(product=xl10).first()
    assert change is not None and change.reason == "rule"
    assert (change.member_before, change.member_after) == (XL10_MEMBER, D("12800.00"))
    history = text(admin.get(f"{BASE}/harga/", {"sku": "xl10"}))
    assert "Rp 12.300 → Rp 12.800" in history
    product_page = text(admin.get(f"{BASE}/katalog/{xl10.pk}/"))
    assert "Rp 12.300 → Rp 12.800" in product_page and "pulsa / XL / *" in product_page


def test_a_percent_margin_with_a_decimal_comma(admin):
    admin.post(
        f"{BASE}/margin/",
        {"sku": "xl10", "kind": "percent", "member_value": "2,5", "nonmember_value": "10"},
    )
    xl10 = Product.objects.get(sku="xl10")
    assert (xl10.price_member, xl10.price_nonmember) == (D("11070.00"), D("11880.00"))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"kind": "percent", "member_value": "150", "nonmember_value": "5"},
            "The member margin must be between -100 and 100.",
        ),
        (
            {"kind": "flat", "member_value": "banyak", "nonmember_value": "5"},
            "Enter the margin as a number",
        ),
        ({"kind": "flat", "member_value": "1,234", "nonmember_value": "5"}, "Enter the margin"),
        ({"kind": "gratis", "member_value": "1", "nonmember_value": "5"}, "Select a valid choice"),
    ],
)
def test_a_bad_margin_shows_the_message_and_writes_nothing(admin, values, message):
    before = (MarginRule.objects.count(), PriceChange.objects.count())

    page = admin.post(f"{BASE}/margin/", {"category": "pulsa", **values})

    assert page.status_code == 400 and message in text(page)
    assert (MarginRule.objects.count(), PriceChange.objects.count()) == before


def test_removing_a_rule_falls_back_to_the_broader_one(admin):
    admin.post(
        f"{BASE}/margin/",
        {"sku": "xl10", "kind": "flat", "member_value": "500", "nonmember_value": "500"},
    )
    rule = MarginRule.objects.get(sku="xl10")
    assert Product.objects.get(sku="xl10").price_member == D("11300.00")

    removed = admin.post(f"{BASE}/margin/{rule.pk}/hapus/")

    assert removed.status_code == 302
    assert Product.objects.get(sku="xl10").price_member == XL10_MEMBER
    edit = text(
        admin.get(
            f"{BASE}/margin/", {"ubah": MarginRule.objects.get(category="", brand="", sku="").pk}
        )
    )
    assert 'value="1500"' in edit


# --- purchases, pending, review ------------------------------------------------------------------


def refs(page: str) -> set[str]:
    return set(re.findall(r'<tr data-ref="([^"]+)"', page))


def test_live_purchases_filter_by_status_and_cooperative(admin, shop, account):
    sold = settled(shop, account)
    waiting = buy(shop, account, number=PENDING_OK_NUMBER).purchase
    shop_pk = shop.pk

    pending = refs(text(admin.get(f"{BASE}/transaksi/", {"status": "pending"})))
    here = refs(text(admin.get(f"{BASE}/transaksi/", {"cooperative": shop_pk})))
    page = text(admin.get(f"{BASE}/transaksi/"))

    assert waiting.ref_id in pending and sold.ref_id not in pending
    assert {sold.ref_id, waiting.ref_id} <= here
    assert 'http-equiv="refresh"' in page
    detail = text(admin.get(f"{BASE}/transaksi/{sold.ref_id}/"))
    assert sold.sn in detail and '"buyer_sku_code": "xl10"' in detail
    assert admin.get(f"{BASE}/transaksi/KFNOSUCHREF/").status_code == 404


def test_the_pending_list_shows_the_oldest_first(admin, shop, account):
    first = buy(shop, account, number=PENDING_OK_NUMBER).purchase
    second = buy(shop, account, number=PENDING_OK_NUMBER).purchase
    Purchase.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=2))
    settled(shop, account)

    page = text(admin.get(f"{BASE}/tertunda/"))

    assert refs(page) >= {first.ref_id, second.ref_id}
    assert page.index(first.ref_id) < page.index(second.ref_id)


def test_the_review_queue_shows_every_exchange_and_settles_by_decision(admin, shop, account):
    purchase, item = pending_in_review(shop, account)

    queue = text(admin.get(f"{BASE}/tinjauan/"))
    no_sn = admin.post(
        f"{BASE}/tinjauan/{item.pk}/", {"resolution": "success", "note": "dashboard: sukses"}
    )
    assert fresh(purchase).status == PurchaseStatus.PENDING
    decided = admin.post(
        f"{BASE}/tinjauan/{item.pk}/",
        {"resolution": "success", "sn": "SB-DASHBOARD-1", "note": "dashboard: sukses"},
    )

    assert f'data-review="{item.pk}"' in queue
    assert queue.count('data-event="request"') == 1 and queue.count('data-event="response"') == 1
    assert '"status": "Pending"' in queue
    assert no_sn.status_code == 400
    assert "Enter the serial number the provider shows." in text(no_sn)
    assert decided.status_code == 302
    done = fresh(purchase)
    assert (done.status, done.sn) == (PurchaseStatus.SUCCESS, "SB-DASHBOARD-1")
    assert done.money_settled_at is not None
    assert account_now(shop, account).balance == D("100000") - XL10_MEMBER
    assert ReviewItem.objects.get(pk=item.pk).status == "resolved"
    assert "The review queue is empty." in text(admin.get(f"{BASE}/tinjauan/"))


def test_a_decision_needs_a_reason(admin, shop, account):
    purchase, item = pending_in_review(shop, account)
    page = admin.post(f"{BASE}/tinjauan/{item.pk}/", {"resolution": "failed", "note": ""})
    assert page.status_code == 400 and "This field is required." in text(page)
    assert fresh(purchase).status == PurchaseStatus.PENDING
    assert admin.get(f"{BASE}/tinjauan/999999999/").status_code == 404


# --- deposit ---------------------------------------------------------------------------------


def test_the_deposit_is_shown_and_refreshed(admin, shop):
    page = text(admin.get(f"{BASE}/deposit/"))
    before = DepositSnapshot.objects.count()

    refreshed = admin.post(f"{BASE}/deposit/perbarui/")

    assert "Rp 50.000.000" in page and "Rp 1.000.000" in page  # the balance, the alert
    assert refreshed.status_code == 302
    assert DepositSnapshot.objects.count() == before + 1
    assert DepositSnapshot.objects.first().source == "console"


def test_a_deposit_under_the_threshold_is_flagged(admin, shop, settings):
    settings.PPOB_SANDBOX_DEPOSIT = "900000"
    admin.post(f"{BASE}/deposit/perbarui/")
    page = text(admin.get(f"{BASE}/deposit/"))
    assert "The deposit is under the alert threshold" in page
    assert "The deposit is under the alert threshold" in text(admin.get(f"{BASE}/"))


# --- reports ---------------------------------------------------------------------------------


def provider_says(ref_id: str, data: dict[str, Any], day: date = DAY) -> None:
    """A transaction answered at the provider (request and answer in the event log)."""
    moment = datetime.combine(day, time(11), tzinfo=WIB)
    for kind, body in (("request", {"ref_id": ref_id}), ("response", {"data": data})):
        ProviderEvent.objects.create(
            created_at=moment,
            provider="sandbox",
            kind=kind,
            call="transaction",
            ref_id=ref_id,
            body=json.dumps(body),
        )


@pytest.fixture
def day_of_sales(shop: Any, account: Any) -> dict[str, Purchase]:
    """On DAY: a success, a failure, one still pending, a success a person settled while
    the provider only ever said pending, and one the provider charged more for."""
    made = {
        "success": settled(shop, account),
        "failed": settled(shop, account, number=FAIL_NUMBER),
        "pending": settled(shop, account, number=PENDING_OK_NUMBER),
        "cash": settled(shop, None, payment="cash", sku="xld3"),
    }
    purchase, item = pending_in_review(shop, account)
    from ppob.services.review import review_resolve

    review_resolve(actor=None, item=item, resolution="success", note="by hand", sn="SB-MANUAL")
    made["by_hand"] = fresh(purchase)
    return {name: on_day(p) for name, p in made.items()}


def test_the_daily_reconciliation_compares_ours_with_the_providers(admin, day_of_sales):
    provider_says("KFSOMEONEELSES00000000000", {"status": "Sukses", "rc": "00", "price": "5000"})
    cash = day_of_sales["cash"]
    Purchase.objects.filter(pk=cash.pk).update(cost=cash.cost - 100)  # the provider charged more

    page = text(admin.get(f"{BASE}/rekonsiliasi/", {"tanggal": "2024-03-14"}))
    workbook = load_workbook(
        io.BytesIO(
            admin.get(f"{BASE}/rekonsiliasi/", {"tanggal": "2024-03-14", "format": "xlsx"}).content
        )
    )

    summary = {
        row[0]: row[1:] for row in workbook["Ringkasan"].iter_rows(min_row=5, values_only=True)
    }
    # ours: 3 successes (one by hand), 1 failure, 1 pending; the provider: 2 successes of
    # ours and one it made for a ref_id we do not have, 1 failure, 2 pending
    assert summary["Success"][0] == 3 and summary["Success"][3] == 3
    assert summary["Failed"][0] == 1 and summary["Failed"][3] == 1
    assert summary["Pending"][0] == 1 and summary["Pending"][3] == 2
    prices = D(XL10_MEMBER * 4 + day_of_sales["cash"].price)
    assert Decimal(str(summary["Total"][1])) == prices
    assert summary["Total"][0] == 5 and summary["Total"][3] == 6
    mismatches = {row[0]: row for row in workbook["Selisih"].iter_rows(min_row=5, values_only=True)}
    assert set(mismatches) == {
        day_of_sales["by_hand"].ref_id,
        cash.ref_id,
        "KFSOMEONEELSES00000000000",
    }
    assert "never gave a final answer" in mismatches[day_of_sales["by_hand"].ref_id][8]
    assert "different price" in mismatches[cash.ref_id][8]
    assert "no purchase for" in mismatches["KFSOMEONEELSES00000000000"][8]
    for ref in mismatches:
        assert ref in page
    assert day_of_sales["success"].ref_id not in page
    assert "No mismatch" in text(admin.get(f"{BASE}/rekonsiliasi/", {"tanggal": "2024-03-10"}))


def test_sales_by_cooperative_and_category_with_excel(admin, shop, day_of_sales):
    url = f"{BASE}/penjualan/"
    query = {"dari": "2024-03-01", "sampai": "2024-03-31"}

    page = text(admin.get(url, query))
    workbook = load_workbook(io.BytesIO(admin.get(url, {**query, "format": "xlsx"}).content))

    cash = day_of_sales["cash"]
    pulsa = XL10_MEMBER * 2  # the success and the one settled by hand
    rows = list(workbook["Penjualan"].iter_rows(min_row=5, values_only=True))
    by_category = {row[1]: row for row in rows if row[0] == shop.name}
    assert by_category["Airtime (pulsa)"][2] == 2
    assert Decimal(str(by_category["Airtime (pulsa)"][3])) == pulsa
    assert by_category["Data packages"][2] == 1
    assert Decimal(str(by_category["Data packages"][3])) == cash.price
    total = rows[-1]
    assert total[0] == "Total" and total[2] == 3
    assert Decimal(str(total[3])) == pulsa + cash.price
    assert Decimal(str(total[5])) == Decimal(str(total[3])) - Decimal(str(total[4]))
    categories = {
        row[0]: row for row in workbook["Per kategori"].iter_rows(min_row=5, values_only=True)
    }
    assert categories["Total"][1] == 3
    assert shop.name in page and "Data packages" in page
    empty = text(admin.get(url, {"dari": "2024-04-01", "sampai": "2024-04-30"}))
    assert "No sale in these days." in empty


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("rekonsiliasi/", {"tanggal": "kemarin"}),
        ("penjualan/", {"dari": "2024-03-31", "sampai": "2024-03-01"}),
        ("penjualan/", {"dari": "2022-01-01", "sampai": "2024-03-01"}),
        ("penjualan/", {"dari": "2024-03-01"}),
    ],
)
def test_bad_report_dates_are_refused(admin, path, query):
    assert admin.get(f"{BASE}/{path}", query).status_code == 400


def test_the_console_links_to_ppob(admin):
    assert f'href="{BASE}/"' in admin.get("/").content.decode()


def test_the_catalogue_shows_cost_and_both_prices(admin):
    page = text(admin.get(f"{BASE}/katalog/", {"category": "pulsa", "brand": "XL"}))
    row = re.search(r'<tr data-sku="xl10">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert cells == ["Rp 10.800", "Rp 12.300", "Rp 13.300"]
    assert f"{XL10_NONMEMBER:.0f}" == "13300"


def test_the_demo_opens_the_shop_once(admin):
    from demo.federation import _ppob_open

    _ppob_open()
    readings = DepositSnapshot.objects.count()
    _ppob_open()

    assert readings >= 1 and DepositSnapshot.objects.count() == readings
    assert 'data-sku="pln20"' in text(admin.get(f"{BASE}/katalog/", {"category": "pln_token"}))
