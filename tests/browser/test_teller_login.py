"""In a real browser on a phone-sized screen: a teller logs in and turns on two-factor."""

from __future__ import annotations

import json
import os
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.factories import PASSWORD, user_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_teller_logs_in_and_sets_up_two_factor_in_a_browser(page, site, alpha):
    user_make("alpha-kasir-b", roles={alpha: ["kasir"]})

    page.goto(site("alpha", "/akun/masuk/"))
    _shot(page, "login")
    page.fill("input[name=username]", "alpha-kasir-b")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_url("**/akun/2fa/daftar/**")
    assert page.locator(".qr svg").count() == 1
    _shot(page, "otp_setup")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=code]", f"{TOTP(key).token():06d}")
    page.click("form.narrow button[type=submit]")

    # then: past the code step, on the cooperative's own pages, with a confirmation
    page.wait_for_selector(".messages .success")
    assert "/akun/" not in page.url
    # and the session now counts for the API (staff sessions need two-factor for that)
    response = page.goto(site("alpha", "/api/auth/me/?format=json"))
    assert response is not None
    assert response.status == 200
    assert json.loads(page.inner_text("body"))["roles"] == [
        {"cooperative": "alpha", "role": "kasir"}
    ]
