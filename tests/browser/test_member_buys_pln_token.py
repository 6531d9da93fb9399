"""In a real browser on a phone-sized screen: a member logs in, buys a PLN token paid from
their simpanan sukarela (the sandbox provider sells to this meter at once), sees the
token on the receipt, and finds their balance on the home page lower by the price.

The provider is called by the Celery worker in production; here the task runs in the
web process right after the purchase commits, as a worker would take it off the queue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from ppob.models import Product, Purchase
from tenants.memberweb.services import member_user_ensure
from tenants.models import Member
from tests.factories import PASSWORD, cooperative_ensure
from tests.ppob.conftest import INDUK, SLUG, member_account, shop_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
METER = "51234567890"  # ends in 7890: the sandbox answers success at once


def rupiah(text: str) -> Decimal:
    return Decimal(text.replace("Rp", "").replace(".", "").strip())


@pytest.fixture
def worker_inline(monkeypatch: Any) -> None:
    """Run PPOB's tasks as soon as they are enqueued (after the commit), in the public
    schema, instead of sending them to the broker."""
    import ppob.tasks

    def run(task: Any, *, countdown: float | None = None, **kwargs: Any) -> None:
        with schema_context("public"):
            task(**kwargs)

    monkeypatch.setattr(ppob.tasks, "enqueue", run)


def test_member_buys_a_pln_token_and_sees_it_on_the_receipt(page, site, settings, worker_inline):
    settings.PPOB_SECONDARY_SLUG = INDUK
    settings.PPOB_SANDBOX_DELAY_SECONDS = 0
    shop = cooperative_ensure(SLUG)
    cooperative_ensure(INDUK, kind="sekunder")
    shop_open()
    Product.objects.filter(sku="pln20").update(cutoff_start=None, cutoff_end=None)
    account = member_account(shop, "250000")
    with tenant_context(shop):
        member = Member.objects.get(pk=account.member_id)
        member_user_ensure(member=member, cooperative=shop, password=PASSWORD)
    connection.set_schema_to_public()

    # the member logs in and reads the balance
    page.goto(site(SLUG, "/akun/masuk/?next=/anggota/"))
    page.fill("input[name=username]", member.member_number)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/anggota/")
    before = rupiah(page.locator('[data-kind="sukarela"]').inner_text())
    assert before == Decimal("250000")

    # PLN token -> Token PLN 20.000 -> the meter -> confirm -> pay
    page.click(".ppob-link a")
    page.click('[data-category="pln_token"]')
    page.click('[data-sku="pln20"]')
    page.fill("input[name=customer_no]", METER)
    page.click("form.number-step button[type=submit]")
    price = rupiah(page.locator("[data-price]").inner_text())
    page.click("form.confirm-step button[type=submit]")
    page.wait_for_url("**/anggota/ppob/struk/**")

    # the receipt shows the token in large digits
    assert page.locator("article.ppob-receipt").get_attribute("data-status") == "success"
    token = page.locator("[data-token]").inner_text()
    assert len(token.replace("-", "")) == 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 412
    purchase = Purchase.objects.get(cooperative=shop)
    assert purchase.sn.startswith(token) and purchase.price == price

    # and the savings on the home page are lower by the price
    page.goto(site(SLUG, "/anggota/"))
    after = rupiah(page.locator('[data-kind="sukarela"]').inner_text())
    assert after == before - price
