"""The catalogue from the provider's price list, priced by the most specific margin rule,
member and non-member, with a history of every change; a product priced below its cost,
inactive, out of stock or in its cut-off window is not sold."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from audit.models import AuditEntry

from ppob import selectors
from ppob.exceptions import MarginInvalid, ProductUnavailable
from ppob.models import MarginRule, PriceChange, Product
from ppob.services.catalogue import catalogue_sync, category_of
from ppob.services.pricing import (
    in_cutoff,
    margin_rule_delete,
    margin_rule_set,
    product_sellable_check,
)
from ppob.services.purchases import purchase_create
from tests.ppob.conftest import OK_NUMBER, D, key
from tests.ppob.fake_digiflazz import KEY, USERNAME, fake_digiflazz

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


def product(sku: str) -> Product:
    return Product.objects.get(provider="sandbox", sku=sku)


def test_sync_copies_the_price_list_and_prices_it(shop):
    xl10, plnpasca, tsel10 = product("xl10"), product("plnpasca"), product("tsel10")

    assert (xl10.category, xl10.brand, xl10.cost) == ("pulsa", "XL", D("10800.00"))
    assert (xl10.price_member, xl10.price_nonmember) == (D("12300.00"), D("13300.00"))
    assert (tsel10.price_member, tsel10.price_nonmember) == (D("11675.00"), D("12675.00"))
    assert (plnpasca.category, plnpasca.kind, plnpasca.price_member) == (
        "pln_postpaid",
        "postpaid",
        None,
    )
    assert product("pln20").category == "pln_token"
    assert product("gopay20").category == "emoney"
    first = PriceChange.objects.get(product=xl10)
    assert (first.reason, first.cost_before, first.member_after) == ("sync", None, D("12300.00"))


def test_the_most_specific_rule_wins(shop):
    margin_rule_set(
        actor=None, category="pulsa", kind="percent", member_value=D("10"), nonmember_value=D("20")
    )
    margin_rule_set(
        actor=None, brand="xl", kind="flat", member_value=D("700"), nonmember_value=D("900")
    )
    margin_rule_set(
        actor=None, sku="tsel10", kind="flat", member_value=D("100"), nonmember_value=D("200")
    )

    assert (product("xl10").price_member, product("xl10").price_nonmember) == (
        D("11500"),
        D("11700"),
    )
    assert product("tsel10").price_member == D("10275")
    # 10 % of 5,850 = 585, 20 % = 1,170
    assert (product("isat5").price_member, product("isat5").price_nonmember) == (
        D("6435"),
        D("7020"),
    )
    assert product("pln20").price_member == D("21650")  # the catch-all
    assert PriceChange.objects.filter(product=product("xl10"), reason="rule").count() == 2


def test_removing_a_rule_falls_back_to_the_next(shop):
    rule = margin_rule_set(
        actor=None, sku="xl10", kind="flat", member_value=D("50"), nonmember_value=D("60")
    )
    assert product("xl10").price_member == D("10850")

    margin_rule_delete(actor=None, rule=rule)

    assert product("xl10").price_member == D("12300")
    assert AuditEntry.objects.filter(action="ppob.margin.delete").count() == 1


@pytest.mark.parametrize(
    ("kind", "member", "code"),
    [
        ("flat", D("-1000001"), "margin_range"),
        ("percent", D("101"), "margin_range"),
        ("percent", D("1.005"), "margin_precision"),
        ("fixed", D("1"), "margin_kind"),
    ],
)
def test_bad_margins_are_refused_and_nothing_written(shop, kind, member, code):
    rules, changes = MarginRule.objects.count(), PriceChange.objects.count()
    with pytest.raises(MarginInvalid) as refused:
        margin_rule_set(
            actor=None, sku="xl10", kind=kind, member_value=member, nonmember_value=D(0)
        )
    assert refused.value.code == code
    assert (MarginRule.objects.count(), PriceChange.objects.count()) == (rules, changes)


def test_a_product_priced_below_its_cost_is_not_sold(shop, account, nothing_written):
    margin_rule_set(
        actor=None, sku="xl10", kind="flat", member_value=D("-500"), nonmember_value=D("0")
    )
    xl10 = product("xl10")
    assert xl10.price_member < xl10.cost

    with nothing_written(shop), pytest.raises(ProductUnavailable) as refused:
        purchase_create(
            actor=None,
            cooperative=shop,
            request_key=key(),
            sku="xl10",
            customer_no=OK_NUMBER,
            payment_method="sukarela",
            member_number=account.member.member_number,
        )
    assert refused.value.code == "product_below_cost"
    assert "xl10" not in {
        o.product.sku for o in selectors.catalogue(category="pulsa", tier="member")
    }
    assert "xl10" in {
        o.product.sku for o in selectors.catalogue(category="pulsa", tier="nonmember")
    }


def test_a_cost_rise_at_the_provider_reprices_with_history(shop, settings):
    settings.PPOB_PROVIDER = "digiflazz"
    settings.PPOB_DIGIFLAZZ_USERNAME, settings.PPOB_DIGIFLAZZ_KEY = USERNAME, KEY
    with fake_digiflazz() as fake:
        settings.PPOB_DIGIFLAZZ_URL = fake.url
        catalogue_sync()
        fake.prepaid[0]["price"] = 11400  # xl10
        fake.prepaid = fake.prepaid[:2]  # pln20 and off5 are no longer listed
        report = catalogue_sync()

    xl10 = Product.objects.get(provider="digiflazz", sku="xl10")
    assert (xl10.cost, xl10.price_member) == (D("11400.00"), D("12900.00"))
    change = PriceChange.objects.filter(product=xl10).first()
    assert change is not None
    assert (change.cost_before, change.cost_after, change.member_before) == (
        D("10800.00"),
        D("11400.00"),
        D("12300.00"),
    )
    assert (report.listed, report.missing, report.price_changes) == (3, 2, 1)
    gone = Product.objects.get(provider="digiflazz", sku="pln20")
    assert gone.missing_since is not None
    with pytest.raises(ProductUnavailable):
        product_sellable_check(gone, tier="member", provider="digiflazz")
    assert Product.objects.get(provider="digiflazz", sku="off5").seller_active is False


def test_inactive_and_out_of_stock_products_are_not_sold(shop):
    smart20 = product("smart20")  # the sandbox lists it with the seller switched off
    with pytest.raises(ProductUnavailable) as refused:
        product_sellable_check(smart20, tier="member", provider="sandbox")
    assert refused.value.code == "product_inactive"
    xl5 = product("xl5")
    xl5.unlimited_stock, xl5.stock = False, 0
    with pytest.raises(ProductUnavailable) as refused:
        product_sellable_check(xl5, tier="member", provider="sandbox")
    assert refused.value.code == "product_out_of_stock"
    with pytest.raises(ProductUnavailable) as refused:  # another provider's catalogue
        product_sellable_check(product("xl10"), tier="member", provider="digiflazz")
    assert refused.value.code == "product_missing"


def test_the_cut_off_window_spans_midnight_in_wib(shop):
    pln20 = product("pln20")  # 23:00 to 00:30
    assert (pln20.cutoff_start, pln20.cutoff_end) == (time(23, 0), time(0, 30))
    assert in_cutoff(pln20, datetime(2026, 11, 3, 23, 30, tzinfo=WIB))
    assert in_cutoff(pln20, datetime(2026, 11, 4, 0, 10, tzinfo=WIB))
    assert not in_cutoff(pln20, datetime(2026, 11, 4, 0, 30, tzinfo=WIB))
    assert not in_cutoff(pln20, datetime(2026, 11, 3, 12, 0, tzinfo=WIB))
    with pytest.raises(ProductUnavailable) as refused:
        product_sellable_check(
            pln20,
            tier="member",
            provider="sandbox",
            now=datetime(2026, 11, 3, 16, 30, tzinfo=ZoneInfo("UTC")),
        )
    assert refused.value.code == "product_cutoff"


@pytest.mark.parametrize(
    ("kind", "category", "brand", "expected"),
    [
        ("prepaid", "Pulsa", "TELKOMSEL", "pulsa"),
        ("prepaid", "Data", "XL", "data"),
        ("prepaid", "PLN", "PLN", "pln_token"),
        ("prepaid", "E-Money", "DANA", "emoney"),
        ("prepaid", "Games", "FREE FIRE", "game"),
        ("prepaid", "Voucher", "GOOGLE PLAY", "other"),
        ("postpaid", "Pascabayar", "PLN PASCABAYAR", "pln_postpaid"),
        ("postpaid", "Pascabayar", "BPJS KESEHATAN", "bpjs"),
        ("postpaid", "Pascabayar", "PDAM KOTA BANDUNG", "pdam"),
        ("postpaid", "Pascabayar", "INTERNET PASCABAYAR", "telco_postpaid"),
        ("postpaid", "Pascabayar", "MULTIFINANCE", "multifinance"),
        ("postpaid", "Pascabayar", "GAS NEGARA", "other"),
    ],
)
def test_categories(kind, category, brand, expected):
    assert category_of(kind, category, brand) == expected


def test_prices_are_decimal(shop):
    assert isinstance(product("xl10").price_member, Decimal)
