"""In a real browser: the head office logs in (password + TOTP), registers a cooperative,
and the invited first board member logs in to the new cooperative's own host."""

from __future__ import annotations

import re
from base64 import b32decode
from urllib.parse import urlparse

import pytest
from django.core import mail
from django_otp.oath import TOTP
from registry.models import Cooperative
from registry.schema_template import schema_exists

from tests.factories import PASSWORD, totp_device, totp_now, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _otp_from_setup_page(page) -> str:
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def test_head_office_creates_a_cooperative_and_its_board_logs_in(page, site):
    admin = user_make("browser-admin", head_office_role="admin")
    device = totp_device(admin)

    # given: the head office logs in with password and TOTP
    page.goto(site(None, "/akun/masuk/"))
    page.fill("input[name=username]", "browser-admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/akun/2fa/**")
    page.fill("input[name=code]", totp_now(device))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/akun/" not in page.url

    # when: it registers a cooperative
    page.goto(site(None, "/koperasi/baru/"))
    page.fill("input[name=name]", "Koperasi Peramban Makmur")
    page.fill("input[name=slug]", "peramban")
    page.fill("input[name=legal_entity_number]", "AHU-0042.AH.01.26.TAHUN 2026")
    page.select_option("select[name=kind]", "konsumen")
    page.fill("input[name=desa]", "Caturtunggal")
    page.fill("input[name=kecamatan]", "Depok")
    page.fill("input[name=kabupaten]", "Kabupaten Sleman")
    page.fill("input[name=board_full_name]", "Sri Wahyuni")
    page.fill("input[name=board_email]", "sri@peramban.test")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/koperasi/peramban/")

    # then: the cooperative exists with its own schema, and its page shows it
    assert "Koperasi Peramban Makmur" in page.inner_text("main")
    assert schema_exists(Cooperative.objects.get(slug="peramban").schema_name)

    # and: the first board member accepts the e-mailed invitation on the new host
    link = re.search(r"https?://\S+/akun/undangan/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(site("peramban", urlparse(link.group(0)).path))
    page.fill("input[name=password1]", "Sandi-Baru-Peramban-1")
    page.fill("input[name=password2]", "Sandi-Baru-Peramban-1")
    page.click("main form button[type=submit]")

    # and logs in there: password, then setting up two-factor
    page.goto(site("peramban", "/akun/masuk/"))
    page.fill("input[name=username]", "sri@peramban.test")
    page.fill("input[name=password]", "Sandi-Baru-Peramban-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/akun/2fa/daftar/**")
    page.fill("input[name=code]", _otp_from_setup_page(page))
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/staf/")
    assert "Koperasi Peramban Makmur" in page.inner_text("body")
    assert urlparse(page.url).hostname == "peramban.localhost"
