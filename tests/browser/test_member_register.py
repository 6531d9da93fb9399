"""In a real browser: the board (pengurus) signs in, registers an applicant with an heir
through the member form, admits them from the member's page, and sees them active."""

from __future__ import annotations

import random
import re
import uuid
from datetime import date

import pytest
from django.db import connection

from tenants.members.selectors import member_find_by_nik
from tenants.models import Sex
from tests.factories import PASSWORD, totp_device, totp_now, user_make
from tests.members.conftest import make_nik

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_registers_an_applicant_and_admits_them(page, site, alpha):
    # given: a board member with an authenticator, and a person not yet in alpha's books
    # (a transactional test leaves rows behind: the NIK is random, not the next serial)
    username = f"pengurus-{uuid.uuid4().hex[:8]}"
    board = user_make(username, roles={alpha: ["pengurus"]})
    device = totp_device(board)
    birth_date = date(random.randint(1960, 1999), random.randint(1, 12), random.randint(1, 28))
    nik = make_nik(birth_date, Sex.FEMALE, serial=random.randint(1, 9999))

    # when: the board signs in with password and code and opens the members
    page.goto(site("alpha", "/akun/masuk/?next=/staf/anggota/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/akun/2fa/**")
    page.fill("input[name=code]", totp_now(device))
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/staf/anggota/")

    # and registers an applicant through the form
    page.click("a.register")
    page.wait_for_url("**/staf/anggota/daftar/")
    form = page.locator("form.member-register")
    for name, value in {
        "nik": nik,
        "kk_number": "3273012501090003",
        "full_name": "Sri Wahyuni",
        "birth_place": "Garut",
        "birth_date": birth_date.isoformat(),
        "street": "Jl. Cempaka 3",
        "rt": "2",
        "rw": "5",
        "desa": "Sukamaju",
        "kecamatan": "Cibeunying",
        "kabupaten": "Kota Bandung",
        "provinsi": "Jawa Barat",
        "postal_code": "40121",
        "phone": "0812 7777 1234",
        "join_date": "2024-03-01",
        "heirs-0-full_name": "Agus Wahyudi",
        "heirs-0-share_percent": "100",
    }.items():
        form.locator(f"input[name='{name}']").fill(value)
    form.locator("select[name=sex]").select_option("female")
    form.locator("select[name=kind]").select_option("biasa")
    form.locator("select[name=status]").select_option("applicant")
    form.locator("select[name='heirs-0-relation']").select_option("spouse")
    form.locator("button[type=submit]").click()

    # then: the member's page shows the applicant, NIK masked
    page.wait_for_url(re.compile(r".*/staf/anggota/\d+/$"))
    assert "status-applicant" in (page.locator("td.status").get_attribute("class") or "")
    assert f"{nik[:4]}********{nik[-4:]}" in page.locator("td.nik").inner_text()
    assert nik not in page.content()
    assert "Agus Wahyudi" in page.locator("table.heirs").inner_text()

    # when: the board admits them with a reason
    page.click("a.admit")
    page.wait_for_url("**/terima/")
    page.fill("textarea[name=reason]", "Rapat pengurus 12")
    page.click("form.lifecycle button[type=submit]")

    # then: the member's page shows them active, with the admission in the history
    page.wait_for_url(re.compile(r".*/staf/anggota/\d+/$"))
    assert "status-active" in (page.locator("td.status").get_attribute("class") or "")
    assert "Rapat pengurus 12" in page.locator("table.history").inner_text()
    connection.set_tenant(alpha)
    try:
        member = member_find_by_nik(nik)
        assert member is not None and member.status == "active"
        assert [c.to_status for c in member.status_changes.all()] == ["applicant", "active"]
    finally:
        connection.set_schema_to_public()
