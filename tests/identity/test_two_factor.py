"""TOTP: setting up a device and passing the code step."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, totp_device, totp_now, user_make
from tests.identity.conftest import me, password_login


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_otp_is_rejected_with_a_clear_message(host, alpha, alpha_teller):
    device = totp_device(alpha_teller)
    client = host(alpha, english=True)
    password_login(client, "alpha-teller", PASSWORD)

    response = client.post(reverse("identity:otp_verify"), {"code": _wrong(totp_now(device))})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "That code is not correct. Enter the 6-digit code your authenticator app shows now."
    ]
    assert me(client).status_code in {401, 403}


def test_codes_after_a_wrong_one_are_throttled_by_the_device(host, alpha, alpha_teller):
    device = totp_device(alpha_teller)
    client = host(alpha, english=True)
    password_login(client, "alpha-teller", PASSWORD)
    client.post(reverse("identity:otp_verify"), {"code": _wrong(totp_now(device))})

    # even the right code, straight away, waits for django-otp's back-off
    response = client.post(reverse("identity:otp_verify"), {"code": totp_now(device)})

    assert response.status_code == 200
    [error] = response.context["form"].errors["code"]
    assert error.startswith("Too many wrong codes. Wait ")
    assert me(client).status_code in {401, 403}


def test_a_code_cannot_be_used_twice(host, alpha, alpha_teller):
    device = totp_device(alpha_teller)
    code = totp_now(device)
    first = host(alpha)
    password_login(first, "alpha-teller", PASSWORD)
    assert first.post(reverse("identity:otp_verify"), {"code": code}).status_code == 302

    second = host(alpha)
    password_login(second, "alpha-teller", PASSWORD)
    response = second.post(reverse("identity:otp_verify"), {"code": code})

    assert response.status_code == 200
    assert me(second).status_code in {401, 403}


def test_otp_setup_shows_a_qr_code_and_confirms_the_device(host, alpha, alpha_teller):
    # given: a teller without an authenticator app, logged in with the password
    client = host(alpha)
    response = password_login(client, "alpha-teller", PASSWORD, "/x/")
    setup_url = response["Location"]

    # when: the set-up page is opened (twice: a reload keeps the same secret)
    page = client.get(setup_url)
    again = client.get(setup_url)

    # then: an inline QR code and the key to type, for one unconfirmed device
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert page.context["secret"] == again.context["secret"]
    device = TOTPDevice.objects.get(user=alpha_teller)
    assert not device.confirmed
    assert page.context["secret"].replace(" ", "") in device.config_url

    # when: the code the app shows
    response = client.post(setup_url, {"code": totp_now(device), "next": "/x/"})

    # then: the device is confirmed and this session has passed two-factor
    assert response.status_code == 302
    assert response["Location"] == "/x/"
    device.refresh_from_db()
    assert device.confirmed
    assert me(client).status_code == 200


def test_otp_setup_with_a_wrong_code_confirms_nothing(host, alpha, alpha_teller):
    client = host(alpha, english=True)
    password_login(client, "alpha-teller", PASSWORD)
    client.get(reverse("identity:otp_setup"))
    device = TOTPDevice.objects.get(user=alpha_teller)

    response = client.post(reverse("identity:otp_setup"), {"code": _wrong(totp_now(device))})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    assert me(client).status_code in {401, 403}


def test_a_password_alone_cannot_add_a_second_device(host, alpha, alpha_teller):
    # given: a teller who has a device, logged in with the password only
    totp_device(alpha_teller)
    client = host(alpha)
    password_login(client, "alpha-teller", PASSWORD)

    # when
    response = client.get(reverse("identity:otp_setup"))

    # then: sent to the code step; no new device
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:otp_verify")
    assert TOTPDevice.objects.filter(user=alpha_teller).count() == 1


def test_otp_pages_need_a_login(host, alpha):
    for name in ("identity:otp_verify", "identity:otp_setup"):
        response = host(alpha).get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("identity:login"))


def test_members_do_not_need_two_factor(host, alpha, alpha_member):
    client = host(alpha)

    response = password_login(client, "alpha-member", PASSWORD)

    assert response["Location"] == "/"
    assert me(client).status_code == 200
    assert client.get(reverse("identity:otp_verify"))["Location"] == "/"


@pytest.mark.parametrize("required", [True, False])
def test_two_factor_can_be_switched_off_by_setting(host, alpha, required):
    user_make("alpha-kasir", roles={alpha: ["kasir"]})
    client = host(alpha)

    with override_settings(TWO_FACTOR_REQUIRED=required):
        response = password_login(client, "alpha-kasir", PASSWORD)

    assert (response["Location"] == "/") is not required
