"""In a real browser on a phone-sized screen: a member logs in, opens "My SHU", reads the
statement of the book year with every input and the formula with their own numbers, and
finds the PDF."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.memberweb.services import member_user_ensure
from tenants.shu.services import shu_run_final
from tests.factories import PASSWORD, cooperative_ensure
from tests.shu.conftest import (
    YEAR,
    account,
    business,
    capital,
    member_make,
    result_post,
    split_make,
    year_close,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "shubrowser"


def test_member_reads_their_shu_statement(page, site):
    cooperative = cooperative_ensure(SLUG)
    with tenant_context(cooperative):
        ani, bambang = member_make("Ani"), member_make("Bambang")
        capital(ani, 2000000)
        capital(bambang, 98000000)
        business(ani, 5000000)
        business(bambang, 70000000)
        account(ani, "sukarela")
        result_post(100000000, 40000000)
        year_close()
        shu_run_final(actor=None, year=YEAR, split=split_make())
        member_user_ensure(member=ani, cooperative=cooperative, password=PASSWORD)

    page.goto(site(SLUG, "/akun/masuk/?next=/anggota/shu/"))
    page.fill("input[name=username]", ani.member_number)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/anggota/shu/")
    page.click(f"a[href='/anggota/shu/{YEAR}/']")
    page.wait_for_url(f"**/anggota/shu/{YEAR}/")

    total = page.locator("#shu-total")
    assert total.inner_text() == "Rp 1.240.000"
    assert total.is_visible()
    steps = page.locator("#steps").inner_text()
    assert "Rp 15.000.000" in steps and "Rp 5.000.000" in steps and "Rp 75.000.000" in steps
    assert "= Rp 1.000.000" in steps
    assert "Rp 12.000.000" in steps and "Rp 2.000.000" in steps and "Rp 100.000.000" in steps
    assert "= Rp 240.000" in steps
    assert page.locator("#business").is_visible() and page.locator("#capital").is_visible()
    pdf = page.locator("a[href='?unduh=pdf']")
    assert pdf.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 412  # no sideways scrolling on a small phone
