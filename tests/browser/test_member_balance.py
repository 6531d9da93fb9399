"""In a real browser on a phone-sized screen: a member logs in with their member number
and password and sees their sukarela balance."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.memberweb.services import member_user_ensure
from tests.factories import PASSWORD, cooperative_ensure
from tests.memberweb.conftest import SLUG, account_open, deposit, member_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_logs_in_by_member_number_and_sees_the_sukarela_balance(page, site):
    cooperative = cooperative_ensure(SLUG)
    with tenant_context(cooperative):
        member = member_make()
        member_user_ensure(member=member, cooperative=cooperative, password=PASSWORD)
        deposit(account_open(member, "sukarela"), "1250000")

    page.goto(site(SLUG, "/akun/masuk/?next=/anggota/"))
    page.fill("input[name=username]", member.member_number)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/anggota/")

    balance = page.locator('[data-kind="sukarela"]')
    assert balance.inner_text() == "Rp 1.250.000"
    assert balance.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 412  # no sideways scrolling on a small phone
