"""In a real browser: a teller signs in (password + TOTP), opens the cash drawer, takes a
Rp 50.000 deposit into a member's sukarela and sees the receipt with the amount."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from django.db import connection

from tenants.members.services import member_register
from tenants.models import MemberKind, SavingsTransaction, Sex
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open
from tests.factories import PASSWORD, totp_device, totp_now, user_make
from tests.members.conftest import ADDRESS, KK, make_nik

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member_with_sukarela(alpha):
    """A new member in alpha's books. A transactional test leaves cooperative rows
    behind, so the NIK is random rather than the next serial of this process."""
    birth_date = date(random.randint(1960, 1999), random.randint(1, 12), random.randint(1, 28))
    connection.set_tenant(alpha)
    try:
        member = member_register(
            actor=None,
            full_name="Siti Rahayu",
            nik=make_nik(birth_date, Sex.FEMALE, serial=random.randint(1, 9999)),
            kk_number=KK,
            birth_place="Bandung",
            birth_date=birth_date,
            sex=Sex.FEMALE,
            address=ADDRESS,
            kind=MemberKind.BIASA,
            join_date=date(2024, 1, 15),
            status="active",
        )
        product = savings_product_get("sukarela")
        assert product is not None
        account = savings_account_open(actor=None, member=member, product=product)
        return member.member_number, account.pk
    finally:
        connection.set_schema_to_public()


def test_teller_takes_a_deposit_and_sees_the_receipt(page, site, alpha):
    # given: a teller with an authenticator, and a member with a sukarela account
    username = f"kasir-{uuid.uuid4().hex[:8]}"
    teller = user_make(username, roles={alpha: ["kasir"]})
    device = totp_device(teller)
    number, account_id = _member_with_sukarela(alpha)

    # when: the teller signs in with password and code
    page.goto(site("alpha", "/akun/masuk/?next=/staf/kasir/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/akun/2fa/**")
    page.fill("input[name=code]", totp_now(device))
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/staf/kasir/")

    # and opens the drawer with Rp 200.000
    page.fill("form.drawer-open input[name=opening_count]", "200000")
    page.click("form.drawer-open button[type=submit]")
    page.wait_for_selector(".drawer-totals")

    # and finds the member and deposits Rp 50.000 into sukarela
    page.fill("form.lookup input[name=nomor]", number)
    page.click("form.lookup button[type=submit]")
    page.click(".member-found a.deposit")
    page.select_option("select[name=account]", str(account_id))
    page.fill("input[name=amount]", "50.000")
    page.click("form.counter button[type=submit]")

    # then: the receipt shows the amount, and the deposit was posted once
    page.wait_for_url("**/staf/kasir/kwitansi/**")
    assert page.locator(".receipt td.amount").inner_text().strip() == "Rp 50.000"
    assert page.locator("a.pdf-58").count() == 1
    connection.set_tenant(alpha)
    try:
        made = SavingsTransaction.objects.filter(account_id=account_id)
        assert [str(t.amount) for t in made] == ["50000.00"]
    finally:
        connection.set_schema_to_public()
