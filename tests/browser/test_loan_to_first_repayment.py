"""In a real browser, a loan from its application to the first repayment: a teller (kasir)
finds the member and enters the application with its survey; a board member (pengurus),
a second person, approves it and pays it out in cash; when the first instalment falls due
the teller takes it at the counter and prints the receipt; the member, on a phone-sized
screen, sees that instalment paid and the next one due."""

from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlparse

import pytest
from django_tenants.utils import tenant_context

from tenants.members.services import member_register
from tenants.memberweb.services import member_user_ensure
from tenants.models import Loan, LoanRepayment, LoanStatus, MemberKind, Sex
from tests.factories import PASSWORD, cooperative_ensure, totp_device, totp_now, user_make
from tests.loans.conftest import overdue_by
from tests.members.conftest import ADDRESS, KK, make_nik

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "pinjamweb"


def _member(cooperative: Any) -> Any:
    """A member with a login. A transactional test leaves rows behind, so the NIK is
    random rather than the next serial of this process."""
    birth_date = date(random.randint(1960, 1999), random.randint(1, 12), random.randint(1, 28))
    with tenant_context(cooperative):
        member = member_register(
            actor=None,
            full_name="Rina Marlina",
            nik=make_nik(birth_date, Sex.FEMALE, serial=random.randint(1, 9999)),
            kk_number=KK,
            birth_place="Garut",
            birth_date=birth_date,
            sex=Sex.FEMALE,
            address=ADDRESS,
            kind=MemberKind.BIASA,
            join_date=date(2024, 1, 15),
            status="active",
        )
        member_user_ensure(member=member, cooperative=cooperative, password=PASSWORD)
        return member


def _staff_login(page: Any, site: Any, user: Any, next_path: str) -> None:
    device = totp_device(user)
    page.goto(site(SLUG, f"/akun/masuk/?next={next_path}"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/akun/2fa/**")
    page.fill("input[name=code]", totp_now(device))
    page.click("form.narrow button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def _new_page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="id-ID", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_loan_from_application_to_the_first_repayment(page, browser, site):
    cooperative = cooperative_ensure(SLUG)
    suffix = uuid.uuid4().hex[:8]
    teller = user_make(f"kasir-{suffix}", roles={cooperative: ["kasir"]})
    board = user_make(f"pengurus-{suffix}", roles={cooperative: ["pengurus"]})
    member = _member(cooperative)

    # The teller finds the member and enters the application on the "umum" product.
    _staff_login(page, site, teller, "/staf/pinjaman/")
    page.click("a.new-application")
    page.fill("form.member-search input[name=q]", member.member_number)
    page.click("form.member-search button[type=submit]")
    page.click(f"a.choose:text('{member.member_number}')")
    page.click("a.product[data-product=umum]")
    page.fill("form.application input[name=amount]", "1.200.000")
    page.fill("form.application input[name=term_months]", "12")
    page.fill("form.application textarea[name=purpose]", "Modal warung sembako")
    page.click("form.application button[type=submit]")
    page.wait_for_selector(".loan-status-applied")
    loan_url = page.url
    # 12 instalments of Rp 112.000 (flat: 100.000 principal + 12.000 interest)
    assert page.locator("table.preview tbody tr").count() == 12
    page.fill("form.survey-form textarea[name=note]", "Warung ramai, penghasilan cukup.")
    page.click("form.survey-form button[type=submit]")
    page.wait_for_selector(".survey-note")

    # A second person, the board member, approves it and pays it out in cash.
    board_page = _new_page(browser, viewport={"width": 1100, "height": 900})
    _staff_login(board_page, site, board, urlparse(loan_url).path)
    board_page.click("form.approve button[type=submit]")
    board_page.wait_for_selector(".loan-status-approved")
    board_page.check("form.disburse input[name=payout_to][value=cash]")
    board_page.check("form.disburse input[name=fees][value=deducted]")
    board_page.click("form.disburse button[type=submit]")
    board_page.wait_for_selector(".loan-status-active")
    board_page.context.close()

    # A month on: the first instalment falls due today.
    with tenant_context(cooperative):
        loan = Loan.objects.get(member=member)
        assert (loan.status, loan.entered_by_id, loan.decided_by_id) == (
            LoanStatus.ACTIVE,
            teller.pk,
            board.pk,
        )
        overdue_by(loan, 0)

    # The teller takes the instalment at the counter and gets the receipt.
    page.goto(loan_url)
    page.click("a.repay")
    assert page.locator(".due-now").first.inner_text().strip() == "Rp 112.000"
    page.fill("form.repayment input[name=amount]", "112.000")
    page.click("form.repayment button[type=submit]")
    page.wait_for_url("**/staf/pinjaman/kwitansi/**")
    assert page.locator(".receipt td.amount").inner_text().strip() == "Rp 112.000"
    assert page.locator("a.pdf-58").count() == 1

    # The member, on the phone, sees the first instalment paid and the next one due.
    phone = _new_page(browser, viewport={"width": 412, "height": 860})
    phone.goto(site(SLUG, "/akun/masuk/?next=/anggota/pinjaman/"))
    phone.fill("input[name=username]", member.member_number)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/anggota/pinjaman/")
    assert phone.locator(".next-due").first.inner_text().strip() == "Rp 112.000"
    phone.click(f"li.loan[data-loan='{loan.pk}'] a")
    first = phone.locator("tr.instalment[data-number='1']")
    assert first.get_attribute("data-state") == "paid"
    assert first.locator(".state").is_visible()
    assert phone.locator("tr.instalment[data-number='2']").get_attribute("data-state") == (
        "upcoming"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 412
    phone.context.close()

    with tenant_context(cooperative):
        assert [str(r.amount) for r in LoanRepayment.objects.filter(loan=loan)] == ["112000.00"]
